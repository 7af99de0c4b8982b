# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dashboard pages on the March dataset: heat map, drill-down to the dossiers, hot spots, compare, report."""

import io
import re

import pytest
from openpyxl import load_workbook

from motcua.core.text import fold
from motcua.monitoring.index import index_compute
from motcua.monitoring.reports import KEYS, report_compute
from motcua.units.models import Unit

from .dashboard_data import BMT_MARCH, MARCH, MARCH_QUERY, PROVINCE_MARCH, dashboard_viewer, shared_world


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, with_march=True) as pair:
        yield pair


@pytest.fixture
def world(shared, db):
    return shared[0]


@pytest.fixture
def march(shared, db):
    return shared[1]


@pytest.fixture
def viewer(client, world):
    client.force_login(dashboard_viewer(world.province))
    return client


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _rows(html: str) -> list[str]:
    body = html.split('data-testid="heatmap"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_the_heat_map_has_a_row_per_commune_and_a_cell_per_group(viewer, march):
    html = _html(viewer.get(f"/giam-sat/ban-do-nhiet/?{MARCH_QUERY}"))
    rows = _rows(html)
    assert len(rows) == Unit.objects.filter(parent__code="66").communes().count() == 102
    bmt = next(row for row in rows if "Phường Buôn Ma Thuột" in row)
    cells = re.findall(r'<td class="cell band-bg-(\w+)"><a href="([^"]+)" aria-label="([^"]+)"', bmt)
    assert len(cells) == 7  # the total, then the six groups
    result = index_compute(unit=Unit.objects.get(code="24133"), start=MARCH[0], end=MARCH[1])
    assert [band for band, _url, _label in cells][2] == _band(result.group("2"))
    assert all(url.startswith("/giam-sat/don-vi/24133/?") for _band_, url, _label in cells)
    # Not colour only: the band's word is in each cell's accessible name.
    assert "Nhóm 2" not in cells[2][2] and "Tiến độ giải quyết" in cells[2][2]
    assert any(word in cells[2][2] for word in ("Tốt", "Trung bình", "Cần cải thiện", "Chưa có số liệu"))


def _band(group) -> str:
    from motcua.monitoring.index import band_for

    return band_for(score=group.score, max=group.max)


def test_the_heat_map_sorts_by_name_and_by_a_group_through_links(viewer, march):
    html = _html(viewer.get(f"/giam-sat/ban-do-nhiet/?{MARCH_QUERY}&sap_xep=ten&chieu=tang"))
    names = [re.search(r'<th scope="row"><a [^>]+>([^<]+)</a>', row).group(1) for row in _rows(html)]
    assert names == sorted(names, key=fold) and len(names) == 102  # Đ sorts with D
    assert 'aria-sort="ascending"' in html
    html = _html(viewer.get(f"/giam-sat/ban-do-nhiet/?{MARCH_QUERY}&sap_xep=g2&chieu=giam"))
    first = _rows(html)[0]
    assert "Phường Buôn Ma Thuột" in first  # the only ward with group-2 figures in March
    assert 'aria-sort="descending"' in html and "sap_xep=g2&amp;chieu=tang" in html


def test_the_heat_map_can_show_every_indicator(viewer, march):
    html = _html(viewer.get(f"/giam-sat/ban-do-nhiet/?{MARCH_QUERY}&cot=chi-so"))
    assert ">2.1<" in html and ">6.3<" in html
    assert len(re.findall(r'<td class="cell', _rows(html)[0])) > 7


def test_a_commune_drills_down_to_its_procedures_then_to_its_late_dossiers(viewer, march, world):
    html = _html(viewer.get(f"/giam-sat/don-vi/24133/?{MARCH_QUERY}"))
    assert "Đăng ký kết hôn (thử nghiệm)" in html and "T.0001" in html
    assert "loai=late&amp;thu_tuc=T.0001" in html and "loai=overdue&amp;thu_tuc=T.0001" in html
    assert "2.1. Hồ sơ giải quyết đúng hạn" in html
    late = _html(viewer.get(f"/giam-sat/don-vi/24133/ho-so/?{MARCH_QUERY}&loai=late&thu_tuc=T.0001"))
    assert f'href="/can-bo/ho-so/{march.c.code}/"' in late and march.b.code not in late
    overdue = _html(viewer.get(f"/giam-sat/don-vi/24133/ho-so/?{MARCH_QUERY}&loai=overdue"))
    assert f'href="/can-bo/ho-so/{march.b.code}/"' in overdue and march.c.code not in overdue
    assert march.g.code not in overdue  # handled by Sở Tư pháp, not the ward
    # The officer can open the dossier the list links to.
    assert viewer.get(f"/can-bo/ho-so/{march.b.code}/").status_code == 200


def test_a_dossier_list_has_as_many_rows_as_its_figure(viewer, march):
    for category in ("late", "overdue", "in_time", "total"):
        html = _html(viewer.get(f"/giam-sat/don-vi/24133/ho-so/?{MARCH_QUERY}&loai={category}"))
        expected = BMT_MARCH[category]
        assert len(re.findall(r'href="/can-bo/ho-so/', html)) == expected, category


def test_the_hot_spots_name_the_ward_with_overdue_dossiers(viewer, march):
    html = _html(viewer.get(f"/giam-sat/diem-nong/?{MARCH_QUERY}"))
    overdue = html.split('data-testid="overdue"', 1)[1].split("</ol>", 1)[0]
    assert "Phường Buôn Ma Thuột" in overdue
    assert "Điểm thấp nhất trong kỳ" in html and "Giảm điểm nhiều nhất" in html
    assert "Thủ tục hay trễ hạn nhất" in html


def test_two_units_are_compared_side_by_side(viewer, march):
    html = _html(viewer.get(f"/giam-sat/so-sanh/?{MARCH_QUERY}&so_sanh=24133&so_sanh=24163&so_sanh=66"))
    table = html.split('data-testid="compare"', 1)[1].split("</table>", 1)[0]
    assert table.count("<th scope=\"col\" class=\"num\">") == 3
    assert "Phường Buôn Ma Thuột" in table and "Phường Tân An" in table and "Tổng điểm" in table
    assert 'id="chart-data"' in html


@pytest.mark.parametrize("query", ["so_sanh=24133", "so_sanh=24133&so_sanh=99999",
                                   "so_sanh=1&so_sanh=2&so_sanh=3&so_sanh=4&so_sanh=5&so_sanh=6&so_sanh=7"])
def test_a_bad_comparison_says_why_in_vietnamese(viewer, world, query):
    html = _html(viewer.get(f"/giam-sat/so-sanh/?{query}"))
    assert 'role="alert"' in html and 'data-testid="compare"' not in html


def test_the_report_page_and_its_downloads_show_the_reports_figures(viewer, march, world):
    html = _html(viewer.get(f"/giam-sat/bao-cao/?{MARCH_QUERY}"))
    totals = "".join(f'<td class="num">{PROVINCE_MARCH[k]}</td>' for k in KEYS)
    assert totals in html.replace("\n", "")
    response = viewer.get(f"/giam-sat/bao-cao/tai-ve.xlsx?don_vi=24133&{MARCH_QUERY}")
    assert response.status_code == 200 and 'filename="bao-cao-24133-20260301-20260331.xlsx"' in response[
        "Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Tổng hợp"]
    assert [c.value for c in sheet[7]][1:11] == [BMT_MARCH[k] for k in KEYS]
    pdf = viewer.get(f"/giam-sat/bao-cao/tai-ve.pdf?don_vi=24133&{MARCH_QUERY}")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert report_compute(unit=world.bmt, start=MARCH[0], end=MARCH[1]).totals.figures == BMT_MARCH


@pytest.mark.parametrize(
    ("query", "label"),
    [("kieu=quy&quy=1&nam=2026", "Quý 1/2026"), ("kieu=nam&nam=2025", "Năm 2025"),
     ("kieu=ngay&ngay=2026-03-02", "Ngày 02/03/2026"), ("kieu=khoang&tu=2026-03-01&den=2026-03-15",
                                                         "Từ 01/03/2026 đến 15/03/2026"),
     ("kieu=thang&thang=2026-03", "Tháng 3/2026")],
)
def test_the_period_picker_understands_each_kind(viewer, world, query, label):
    html = _html(viewer.get(f"/giam-sat/bao-cao/?don_vi=24163&{query}"))  # a ward: the cheapest page
    assert f"<strong>{label}</strong>" in html and 'role="alert"' not in html


@pytest.mark.parametrize("query", ["kieu=thang&thang=2026-13", "kieu=khoang&tu=2026-03-31&den=2026-03-01",
                                   "kieu=khoang&tu=2026-03-01", "kieu=ngay&ngay=hom-qua", "kieu=nam&nam=2999",
                                   "kieu=tuan"])
def test_a_bad_period_falls_back_to_this_month_with_a_message(viewer, world, query):
    from django.utils import timezone

    html = _html(viewer.get(f"/giam-sat/ban-do-nhiet/?don_vi=24163&{query}"))
    today = timezone.localdate()
    assert 'role="alert"' in html and "Kỳ đã chọn không hợp lệ" in html
    assert f"<strong>Tháng {today.month}/{today.year}</strong>" in html
