# SPDX-License-Identifier: AGPL-3.0-or-later
"""DongBoHoSoMC records for the tests, on the `world` of motcua/dossiers/tests/conftest.py.

Mon 2 Mar 2026 is an ordinary working week; T.0001 takes 5 working days: received Mon 09:00 → due
Mon 9 Mar 09:00."""

import json

CENTER = "000.24133.01.H66"      # Trung tâm PVHCC phường Buôn Ma Thuột (receiving)
WARD = "000.24133.00.H66"        # Phường Buôn Ma Thuột (handling)
TAN_AN_CENTER = "000.24163.01.H66"

FIELDS = [
    "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo", "LoaiDoiTuong",
    "SoDienThoai", "Email", "TrichYeuHoSo", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo",
    "NgayKetThucXuLy", "NgayTra", "DonViXuLy", "DuocThanhToanTrucTuyen", "TaiKhoanDuocXacThucVoiVNeID",
    "HoSoCoThanhPhanSoHoa", "TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua",
]


def record(number: int = 7, *, day: str = "260302", **fields) -> dict:
    """A returned dossier (status 10), finished early; `fields` override (None removes nothing: it is null)."""
    base = {
        "MaHoSo": f"{CENTER}-{day}-{number:04d}", "MaTTHC": "T.0001", "TenTTHC": "Đăng ký kết hôn",
        "KenhThucHien": 1, "ChuHoSo": "Nguyễn Văn An", "LoaiDoiTuong": 1, "SoDienThoai": "0912345678",
        "Email": "an@example.vn", "TrichYeuHoSo": "Đăng ký kết hôn cho ông An và bà Bình",
        "NgayNopHoSo": "20260302090000", "NgayTiepNhan": "20260302090000", "NgayHenTra": "20260309090000",
        "TrangThaiHoSo": 10, "NgayKetThucXuLy": "20260305100000", "NgayTra": "20260306080000",
        "DonViXuLy": WARD, "DuocThanhToanTrucTuyen": 0, "TaiKhoanDuocXacThucVoiVNeID": 0,
        "HoSoCoThanhPhanSoHoa": 1,
        "TaiLieuNop": [{"TepDinhKemId": "a1", "TenTepDinhKem": "to-khai.pdf", "MaThanhPhanHoSo": "TK01",
                        "DuongDanTaiTepTin": "https://old.example.vn/f/a1", "DuocSoHoa": 1, "DuocLayTuKhoDMQG": 0}],
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP01", "Gia": 50000}],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [{"TenGiayTo": "Giấy chứng nhận kết hôn",
                                  "DuongDanTepTinKetQua": "https://old.example.vn/kq/1"}],
    }
    base.update(fields)
    return base


OPEN = {"NgayKetThucXuLy": None, "NgayTra": None}


def with_status(status: int, number: int = 7) -> dict:
    """A consistent record for each TrangThaiHoSo."""
    if status == 1:
        return record(number, TrangThaiHoSo=1, KenhThucHien=2, NgayTiepNhan=None, NgayHenTra=None, **OPEN)
    if status == 3:
        return record(number, TrangThaiHoSo=3, NgayTiepNhan=None, NgayHenTra=None, NgayKetThucXuLy="20260302150000",
                      NgayTra=None)
    if status == 5:
        return record(number, TrangThaiHoSo=5, DanhSachHoSoBoSung=[
            {"NgayBoSung": "20260303100000", "NgayHenTraTruoc": "20260309090000"}], **OPEN)
    if status in (2, 4, 6):
        return record(number, TrangThaiHoSo=status, **OPEN)
    if status in (7, 8, 9):
        return record(number, TrangThaiHoSo=status, NgayTra=None)
    return record(number)


def jsonl(*items) -> str:
    """Lines of a file: dicts are dumped, strings are written as they are."""
    return "".join((json.dumps(item, ensure_ascii=False) if isinstance(item, dict) else item) + "\n"
                   for item in items)
