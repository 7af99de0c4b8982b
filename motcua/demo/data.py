# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo data for Đắk Lắk (66): real departments after the 2025 reorganisation, one account per role."""

from dataclasses import dataclass

from motcua.accounts.models import Role

PROVINCE = "66"
DEMO_COMMUNE = "24133"  # Phường Buôn Ma Thuột
DEMO_PASSWORD = "motcua@2026"  # noqa: S105 — demo only, refused when DEBUG is off

DEPARTMENTS = [  # (code suffix, name); agency identifiers 000.NN.00.H66 in this order from 10
    ("STP", "Sở Tư pháp"),
    ("SXD", "Sở Xây dựng"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("STC", "Sở Tài chính"),
    ("SNV", "Sở Nội vụ"),
    ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SCT", "Sở Công Thương"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo"),
    ("CAT", "Công an tỉnh"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str | None
    unit_code: str | None
    describe: str


ACCOUNTS = [
    DemoAccount("quantri", "Quản trị hệ thống", None, None, "Quản trị CNTT (toàn quyền, trang /admin/)"),
    DemoAccount("qt.tinh", "Lê Văn Quản", Role.PROVINCE_ADMIN, PROVINCE, "Quản trị cấp tỉnh"),
    DemoAccount("ld.tinh", "Trần Thị Giám", Role.DASHBOARD_VIEWER, PROVINCE, "Lãnh đạo tỉnh theo dõi"),
    DemoAccount("tn.tinh", "Nguyễn Thị Nhận", Role.RECEIVER, f"{PROVINCE}.TTPVHCC", "Tiếp nhận, TT PVHCC tỉnh"),
    DemoAccount("cv.snnmt", "Phạm Văn Thẩm", Role.SPECIALIST, f"{PROVINCE}.SNNMT", "Chuyên viên Sở NN và MT"),
    DemoAccount("ldp.snnmt", "Hoàng Thị Duyệt", Role.DEPARTMENT_LEADER, f"{PROVINCE}.SNNMT", "Lãnh đạo phòng Sở NN và MT"),
    DemoAccount("ky.snnmt", "Vũ Văn Ký", Role.SIGNING_LEADER, f"{PROVINCE}.SNNMT", "Lãnh đạo Sở NN và MT ký"),
    DemoAccount("vt.snnmt", "Đỗ Thị Phát", Role.CLERK, f"{PROVINCE}.SNNMT", "Văn thư Sở NN và MT"),
    DemoAccount("tn.bmt", "Y Nhận Niê", Role.RECEIVER, f"{DEMO_COMMUNE}.TTPVHCC", "Tiếp nhận, TT PVHCC phường BMT"),
    DemoAccount("cv.bmt", "H'Hương Byă", Role.SPECIALIST, DEMO_COMMUNE, "Công chức phường Buôn Ma Thuột"),
    DemoAccount("ldp.bmt", "Nguyễn Văn Phòng", Role.DEPARTMENT_LEADER, DEMO_COMMUNE, "Lãnh đạo phòng, phường BMT"),
    DemoAccount("ky.bmt", "Trương Văn Chủ", Role.SIGNING_LEADER, DEMO_COMMUNE, "Chủ tịch UBND phường BMT"),
    DemoAccount("vt.bmt", "Lý Thị Văn", Role.CLERK, DEMO_COMMUNE, "Văn thư phường Buôn Ma Thuột"),
    DemoAccount("qt.bmt", "Đinh Văn Trị", Role.UNIT_ADMIN, DEMO_COMMUNE, "Quản trị phường Buôn Ma Thuột"),
]

CITIZEN = {"full_name": "Nguyễn Văn An", "national_id": "066090000123", "phone": "0912345678",
           "email": "an.nguyen@example.vn"}
