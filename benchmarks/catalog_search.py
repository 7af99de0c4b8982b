# SPDX-License-Identifier: AGPL-3.0-or-later
"""Catalogue search benchmark (docs/search.md): latency of catalog.search.procedure_search over 6,000
procedures, against a trivial indexed lookup by code, on the database of DATABASE_URL (SQLite by default).

    .venv/bin/python benchmarks/catalog_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_dev_search .venv/bin/python benchmarks/catalog_search.py

It creates its own database (PostgreSQL: <name>_bench; SQLite: a temporary file), migrates it, grows a
catalogue of real procedure names and generated variants, runs ~50 fixed queries many times and drops the
database again. Figures are wall-clock milliseconds per call, measured in this process (the Python part of
the search included: synonyms, planning, ORM, row loading).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.settings")

import django  # noqa: E402

django.setup()

from _common import scratch_database  # noqa: E402
from django.db import connection  # noqa: E402

FIELDS = {
    "HOTICH": "Hộ tịch", "CHUNGTHUC": "Chứng thực", "CUTRU": "Đăng ký, quản lý cư trú và căn cước",
    "HKD": "Thành lập và hoạt động của hộ kinh doanh", "DN": "Thành lập và hoạt động doanh nghiệp",
    "DATDAI": "Đất đai", "XAYDUNG": "Hoạt động xây dựng", "BTXH": "Bảo trợ xã hội", "NCC": "Người có công",
    "LLTP": "Lý lịch tư pháp", "GPLX": "Đường bộ", "YTE": "Khám bệnh, chữa bệnh", "ATTP": "An toàn thực phẩm",
    "GDDT": "Giáo dục và đào tạo", "LAODONG": "Việc làm", "MOITRUONG": "Môi trường", "NONGNGHIEP": "Trồng trọt",
}

# (field, name, keywords, popularity): names as published in the national catalogue.
BASES = [
    ("HOTICH", "Thủ tục đăng ký khai sinh", ["giấy khai sinh", "làm khai sinh cho con"], 95),
    ("HOTICH", "Thủ tục đăng ký kết hôn", ["giấy đăng ký kết hôn", "giấy hôn thú"], 70),
    ("HOTICH", "Thủ tục đăng ký khai tử", ["giấy chứng tử", "báo tử"], 55),
    ("HOTICH", "Thủ tục đăng ký nhận cha, mẹ, con", ["nhận con", "bổ sung tên cha"], 15),
    ("HOTICH", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", ["xác nhận độc thân"], 65),
    ("HOTICH", "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch", ["cải chính hộ tịch", "đổi tên"], 35),
    ("HOTICH", "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh", ["trích lục khai sinh"], 85),
    ("HOTICH", "Thủ tục đăng ký giám hộ", ["người giám hộ"], 5),
    ("HOTICH", "Thủ tục đăng ký lại khai sinh", ["làm lại giấy khai sinh"], 20),
    ("HOTICH", "Thủ tục đăng ký việc nuôi con nuôi trong nước", ["nhận con nuôi"], 8),
    ("CHUNGTHUC", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", ["sao y bản chính", "photo công chứng"], 100),
    ("CHUNGTHUC", "Chứng thực chữ ký trong các giấy tờ, văn bản", ["xác nhận chữ ký"], 60),
    ("CHUNGTHUC", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", ["chứng thực hợp đồng"], 40),
    ("CHUNGTHUC", "Chứng thực di chúc", ["lập di chúc"], 10),
    ("CUTRU", "Đăng ký thường trú", ["nhập hộ khẩu", "chuyển hộ khẩu"], 80),
    ("CUTRU", "Đăng ký tạm trú", ["khai báo tạm trú", "tạm trú nhà trọ"], 78),
    ("CUTRU", "Khai báo tạm vắng", ["tạm vắng"], 25),
    ("CUTRU", "Gia hạn tạm trú", ["hết hạn tạm trú"], 30),
    ("CUTRU", "Xóa đăng ký thường trú", ["xóa hộ khẩu"], 20),
    ("CUTRU", "Tách hộ", ["tách hộ khẩu"], 35),
    ("CUTRU", "Xác nhận thông tin về cư trú", ["CT07", "xác nhận cư trú"], 60),
    ("CUTRU", "Cấp thẻ căn cước", ["làm căn cước", "căn cước gắn chip"], 70),
    ("CUTRU", "Cấp đổi thẻ căn cước", ["đổi căn cước"], 50),
    ("HKD", "Đăng ký thành lập hộ kinh doanh", ["mở quán", "mở tiệm tạp hóa"], 65),
    ("HKD", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", ["đổi địa chỉ hộ kinh doanh"], 30),
    ("HKD", "Tạm ngừng hoạt động hộ kinh doanh", ["tạm nghỉ bán"], 20),
    ("HKD", "Chấm dứt hoạt động hộ kinh doanh", ["giải thể hộ kinh doanh"], 15),
    ("DN", "Đăng ký thành lập doanh nghiệp tư nhân", ["mở công ty"], 30),
    ("DN", "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên", ["công ty TNHH"], 28),
    ("DN", "Đăng ký thay đổi người đại diện theo pháp luật của công ty", ["đổi giám đốc"], 12),
    ("DATDAI", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu "
     "tài sản gắn liền với đất lần đầu", ["cấp sổ đỏ lần đầu"], 55),
    ("DATDAI", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", ["chuyển nhượng đất",
                                                                                            "thừa kế đất"], 60),
    ("DATDAI", "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", [], 25),
    ("DATDAI", "Chuyển mục đích sử dụng đất", ["lên thổ cư"], 35),
    ("DATDAI", "Tách thửa hoặc hợp thửa đất", ["tách sổ"], 30),
    ("DATDAI", "Giải quyết tranh chấp đất đai", ["tranh chấp ranh giới"], 10),
    ("XAYDUNG", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", ["giấy phép xây nhà"], 45),
    ("XAYDUNG", "Gia hạn giấy phép xây dựng", [], 8),
    ("XAYDUNG", "Cấp giấy phép sửa chữa, cải tạo công trình", ["sửa nhà"], 18),
    ("XAYDUNG", "Cấp chứng chỉ hành nghề hoạt động xây dựng", [], 6),
    ("BTXH", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", ["trợ cấp người khuyết tật"], 40),
    ("BTXH", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", ["mai táng phí"], 25),
    ("BTXH", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", ["hộ nghèo"], 30),
    ("NCC", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", ["chế độ liệt sĩ"], 10),
    ("NCC", "Cấp giấy chứng nhận thân nhân liệt sĩ", [], 6),
    ("LLTP", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", ["làm lý lịch tư pháp"], 50),
    ("GPLX", "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp", ["đổi bằng lái xe"], 40),
    ("GPLX", "Cấp lại giấy phép lái xe", ["mất bằng lái"], 20),
    ("YTE", "Cấp mới giấy phép hành nghề khám bệnh, chữa bệnh", ["chứng chỉ hành nghề y"], 15),
    ("ATTP", "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", ["giấy vệ sinh an toàn thực phẩm"], 20),
    ("GDDT", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", ["bản sao bằng tốt nghiệp"], 20),
    ("GDDT", "Chuyển trường đối với học sinh trung học cơ sở", ["chuyển trường"], 15),
    ("LAODONG", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", ["work permit"], 10),
    ("LAODONG", "Giải quyết hưởng trợ cấp thất nghiệp", ["bảo hiểm thất nghiệp"], 45),
    ("MOITRUONG", "Đăng ký môi trường", ["kế hoạch bảo vệ môi trường"], 12),
    ("MOITRUONG", "Cấp giấy phép môi trường", [], 8),
    ("NONGNGHIEP", "Cấp giấy chứng nhận đủ điều kiện buôn bán phân bón", ["bán phân bón"], 5),
    ("NONGNGHIEP", "Cấp giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật", ["bán thuốc trừ sâu"], 5),
]
QUALIFIERS = [
    "", " có yếu tố nước ngoài", " lưu động", " (cấp lại)", " tại Ủy ban nhân dân cấp xã", " cho người nước ngoài",
    " đối với trường hợp bị mất, hỏng", " trên môi trường điện tử", " theo thủ tục rút gọn", " (liên thông)",
    " cho người Việt Nam định cư ở nước ngoài", " đối với cơ sở sản xuất", " tại khu công nghiệp",
    " cho đối tượng chính sách", " trong trường hợp điều chỉnh", " đối với tổ chức", " đối với cá nhân",
    " tại Trung tâm Phục vụ hành chính công", " của đơn vị sự nghiệp", " cho trẻ em dưới 6 tuổi",
]
PLACES = ["", " tại vùng dân tộc thiểu số", " tại khu vực biên giới", " ở đô thị", " ở nông thôn",
          " tại đặc khu", " trên địa bàn tỉnh"]

QUERIES = [
    # with and without diacritics, any word order
    "đăng ký khai sinh", "dang ky khai sinh", "Đăng ký kết hôn", "dang ky ket hon", "ket hon dang ky",
    "chứng thực bản sao", "chung thuc ban sao", "đăng ký tạm trú", "tam tru", "thường trú",
    "giấy phép xây dựng", "giay phep xay dung nha o", "trợ cấp thất nghiệp", "lý lịch tư pháp",
    "đổi giấy phép lái xe", "an toàn thực phẩm", "hộ nghèo", "chuyển mục đích sử dụng đất",
    "tách thửa", "di chúc",
    # everyday names and abbreviations (synonyms)
    "sổ đỏ", "so do", "làm sổ đỏ ở đâu", "CCCD", "làm cccd", "giấy khai sinh", "hộ kinh doanh", "GPXD",
    "ĐKKD", "KT3", "bằng lái xe", "LLTP", "sang tên sổ đỏ", "công chứng hợp đồng",
    # typos, unfinished words, extra words
    "dang ky ket hom", "khai sihn", "chung thuc ban sa", "giay phep xay dung nha o rieng le phuong",
    "dang ky ket h", "tro cap that ngiep", "đăng ký kết hôn ở phường", "can cươc",
    # broad and narrow
    "đăng ký", "giấy", "cấp", "thủ tục", "1.000894", "nuôi con nuôi trong nước có yếu tố nước ngoài",
    # with filters (query, level, online)
    ("đăng ký", "province", None), ("giấy phép", None, "partial"),
]


def grow_catalogue(size: int, rng: random.Random) -> None:
    """`size` published procedures: every base name with qualifiers and places, through bulk inserts that
    go through the same index maintenance as the catalogue services (triggers, expression index)."""
    from motcua.catalog.models import Field, Procedure
    from motcua.catalog.services import procedure_search_text

    fields = {code: Field.objects.create(code=code, name=name) for code, name in FIELDS.items()}
    rows, seen = [], set()
    while len(rows) < size:
        field_code, base, keywords, popularity = BASES[len(rows) % len(BASES)]
        name = base if len(rows) < len(BASES) else base + rng.choice(QUALIFIERS) + rng.choice(PLACES)
        if name in seen and len(rows) >= len(BASES):
            name += " (mẫu " + str(len(rows)) + ")"
        seen.add(name)
        code = f"{1 + len(rows) % 3}.{len(rows):06d}"
        kw = keywords if rng.random() < 0.5 else keywords[:1]
        online = "full" if rng.random() < 0.7 else "partial"
        rows.append(Procedure(
            code=code, name=name, field=fields[field_code], level=rng.choice(["province", "commune"]),
            handling_agency="UBND cấp xã", processing_time_value=rng.choice([1, 3, 5, 15]),
            processing_time_unit="working_days", online_level=online,
            partial_reason="Cần đối chiếu bản chính." if online == "partial" else "", keywords=kw,
            popularity=max(0, int(popularity * rng.uniform(0.05, 1.0)) if len(rows) >= len(BASES) else popularity),
            search_text=procedure_search_text(name=name, field_name=fields[field_code].name, keywords=kw, code=code),
        ))
    Procedure.objects.bulk_create(rows, batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_procedure")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(call, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def run(size: int, rounds: int) -> None:
    from motcua.catalog.models import Procedure
    from motcua.catalog.search import procedure_search

    rng = random.Random(20261123)
    started = time.perf_counter()
    grow_catalogue(size, rng)
    print(f"database: {connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.pg_version}")
    print(f"catalogue: {Procedure.objects.count()} procedures, built in {time.perf_counter() - started:.1f} s")

    calls = []
    for query in QUERIES:
        q, level, online = query if isinstance(query, tuple) else (query, None, None)
        calls.append((q, lambda q=q, level=level, online=online: procedure_search(q=q, level=level, online=online)))
    counts = {q: call().count for q, call in calls}  # warm-up
    per_query = {q: [] for q, _ in calls}
    for _ in range(rounds):
        for q, call in calls:
            per_query[q].extend(timed(call, 1))
    search = [ms for samples in per_query.values() for ms in samples]
    codes = list(Procedure.objects.values_list("code", flat=True)[:: max(1, size // 200)])
    lookup = [ms for code in codes for ms in timed(lambda code=code: Procedure.objects.filter(code=code).first(),
                                                   max(1, len(search) // len(codes) // 5))]

    print(f"{len(calls)} queries × {rounds} rounds = {len(search)} searches")
    print(f"search        p50 {percentile(search, .5):6.2f} ms   p95 {percentile(search, .95):6.2f} ms   "
          f"max {max(search):6.2f} ms")
    print(f"code lookup   p50 {percentile(lookup, .5):6.2f} ms   p95 {percentile(lookup, .95):6.2f} ms   "
          f"max {max(lookup):6.2f} ms")
    print(f"ratio search/lookup: p50 ×{percentile(search, .5) / percentile(lookup, .5):.1f}   "
          f"p95 ×{percentile(search, .95) / percentile(lookup, .95):.1f}")
    print("slowest queries (median ms, results):")
    for q, samples in sorted(per_query.items(), key=lambda item: -statistics.median(item[1]))[:8]:
        print(f"  {statistics.median(samples):6.2f}  {counts[q]:5d}  {q}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with scratch_database():
        run(args.procedures, args.rounds)

if __name__ == "__main__":
    main()
