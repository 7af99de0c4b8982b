# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may open the dashboard: the dashboard role or province administrator, for their unit and below."""

import pytest

from motcua.accounts.tests.factories import OfficialFactory

from .dashboard_data import dashboard_viewer, shared_world

pytestmark = pytest.mark.django_db
PAGES = ["/giam-sat/", "/giam-sat/ban-do-nhiet/", "/giam-sat/diem-nong/", "/giam-sat/so-sanh/",
         "/giam-sat/bao-cao/", "/giam-sat/don-vi/24133/", "/giam-sat/don-vi/24133/ho-so/",
         "/giam-sat/api/thay-doi/", "/giam-sat/api/tom-tat/", "/giam-sat/bao-cao/tai-ve.xlsx"]


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, with_march=False) as pair:
        yield pair


@pytest.fixture
def world(shared, db):
    return shared[0]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_the_back_office_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(f"/can-bo/dang-nhap/?next={path}")


@pytest.mark.parametrize("path", PAGES)
def test_an_official_without_the_dashboard_role_gets_403_in_vietnamese(client, world, path):
    client.force_login(world.specialist)
    response = client.get(path)
    assert response.status_code == 403
    assert "vai trò theo dõi, giám sát" in response.content.decode()


def test_a_citizen_gets_403(client, world):
    client.force_login(world.citizen)
    assert client.get("/giam-sat/").status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_a_province_viewer_opens_every_page(client, world, path):
    client.force_login(dashboard_viewer(world.province))
    assert client.get(path).status_code == 200


def test_a_province_administrator_and_a_superuser_see_the_province(client, world):
    client.force_login(world.province_admin)
    page = client.get("/giam-sat/")
    assert page.status_code == 200 and "Tổng quan: Tỉnh Đắk Lắk" in page.content.decode()
    client.force_login(OfficialFactory(is_superuser=True, is_staff=True))
    assert "Tổng quan: Tỉnh Đắk Lắk" in client.get("/giam-sat/").content.decode()


def test_a_ward_viewer_sees_the_ward_and_not_the_province_or_a_neighbour(client, world):
    client.force_login(dashboard_viewer(world.bmt, "ld.bmt"))
    page = client.get("/giam-sat/")
    assert page.status_code == 200 and "Tổng quan: Phường Buôn Ma Thuột" in page.content.decode()
    assert client.get("/giam-sat/don-vi/24133/").status_code == 200
    for path in ["/giam-sat/?don_vi=66", "/giam-sat/ban-do-nhiet/?don_vi=66", "/giam-sat/don-vi/24163/",
                 "/giam-sat/don-vi/24163/ho-so/", "/giam-sat/bao-cao/tai-ve.pdf?don_vi=66",
                 "/giam-sat/api/tom-tat/?don_vi=66"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Bạn chỉ xem được số liệu của Phường Buôn Ma Thuột" in response.content.decode()


def test_an_unknown_unit_is_404_never_500(client, world):
    client.force_login(dashboard_viewer(world.province))
    response = client.get("/giam-sat/don-vi/99999/")
    assert response.status_code == 404 and "Không tìm thấy đơn vị có mã 99999" in response.content.decode()
    # Bytes PostgreSQL refuses in a query never reach it.
    assert client.get("/giam-sat/?don_vi=%00x").status_code == 404
    assert client.get("/giam-sat/don-vi/24%00133/").status_code == 404
    assert client.get("/giam-sat/don-vi/24133/ho-so/?thu_tuc=T.0001%00").status_code == 404


def test_the_role_ends_with_its_validity(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from motcua.accounts.models import RoleAssignment

    viewer = dashboard_viewer(world.province)
    RoleAssignment.objects.filter(user=viewer).update(valid_to=timezone.localdate() - timedelta(days=1))
    client.force_login(viewer)
    assert client.get("/giam-sat/").status_code == 403


@pytest.mark.parametrize("query", ["kieu=ngay&ngay=0001-01-01", "kieu=thang&thang=0001-02",
                                   "kieu=khoang&tu=0001-01-01&den=0001-01-03", "kieu=ngay&ngay=9999-12-31"])
@pytest.mark.parametrize("path", ["/giam-sat/", "/giam-sat/diem-nong/", "/giam-sat/bao-cao/"])
def test_a_period_at_the_edge_of_the_calendar_is_refused_not_a_500(client, world, path, query):
    client.force_login(dashboard_viewer(world.province))
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    assert "Chỉ chọn kỳ từ năm 2000 đến năm 2100." in response.content.decode()
