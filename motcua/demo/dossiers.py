# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo dossiers in every state, made through the real services with past times (no field is set by
hand): what each demo account finds in its inbox."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.catalog.models import Level, Procedure
from motcua.dossiers.models import Channel, Dossier, Stage
from motcua.dossiers.services import (
    ApplicantData,
    dossier_assign,
    dossier_consult,
    dossier_forward,
    dossier_receive,
    dossier_receive_in_person,
    dossier_receive_supplement,
    dossier_refuse,
    dossier_request_fees,
    dossier_request_supplement,
    dossier_reschedule,
    dossier_return_result,
    dossier_stop,
    dossier_submit_online,
    dossier_withdraw,
)
from motcua.units.selectors import unit_get
from motcua.workdays.calendars import add_working_hours, next_working_moment
from motcua.workdays.selectors import calendar_for_unit

from . import data

# (program, weight): how far each demo dossier goes.
PROGRAMS = [
    ("submitted", 8), ("refused", 2), ("received", 6), ("appraisal", 14), ("leader", 8), ("signing", 6),
    ("issuing", 5), ("done", 8), ("returned", 24), ("supplement", 5), ("supplement_back", 4), ("fees", 2),
    ("consulting", 2), ("stopped", 2), ("withdrawn", 2), ("rescheduled", 2),
]
WORKING = ("appraisal", "leader", "signing", "issuing", "done", "returned")
STILL_OPEN = ("submitted", "received", "appraisal", "leader", "signing", "issuing", "supplement", "fees",
              "consulting", "rescheduled")


SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Minh Thanh Ngọc Đức Quốc Thu Kim".split()
GIVEN = "An Bình Chi Dũng Giang Hà Hải Hạnh Hùng Hương Khoa Lan Long Mai Nam Nga Phúc Quân Tâm Thảo Trang Tuấn Vy".split()
EDE = ["Y Blin Niê", "H'Hen Êban", "Y Thuận Byă", "H'Loan Mlô", "Y Sơn Ktla"]  # Ê Đê names are common here
STREETS = ["Lê Duẩn", "Phan Bội Châu", "Nguyễn Tất Thành", "Y Jút", "Hùng Vương", "Mai Hắc Đế"]


class _World:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.citizen = User.objects.get(username=data.CITIZEN["phone"])
        self.holders = {(a.role, a.unit_id): a.user for a in
                        RoleAssignment.objects.filter(user__username__in=[x.username for x in data.ACCOUNTS])
                        .select_related("user")}
        self.commune_center = unit_get(code=f"{data.DEMO_COMMUNE}.TTPVHCC")
        self.province_center = unit_get(code=f"{data.PROVINCE}.TTPVHCC")
        department = unit_get(code=f"{data.PROVINCE}.SNNMT")
        self.commune_procedures = list(Procedure.objects.filter(level=Level.COMMUNE).order_by("code"))
        self.province_procedures = list(Procedure.objects.filter(handling_unit=department).order_by("code"))
        self.cal = calendar_for_unit(unit=self.commune_center)

    def holder(self, step) -> User | None:
        return self.holders.get((step.role, step.unit_id))

    def applicant(self) -> ApplicantData:
        rng = self.rng
        name = rng.choice(EDE) if rng.random() < 0.15 else \
            f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        return ApplicantData(name=name, id_number=f"066{rng.randint(0, 3)}{rng.randint(0, 99999999):08d}",
                             phone=f"09{rng.randint(10000000, 99999999)}",
                             address=f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, phường Buôn Ma Thuột")


def _later(world: _World, at: datetime, now: datetime, *, slow: bool) -> datetime:
    hours = world.rng.uniform(6, 30) if slow else world.rng.uniform(0.3, 4)
    return max(at, min(add_working_hours(world.cal, at, hours), now - timedelta(minutes=1)))


def _advance(world: _World, dossier: Dossier, steps: int, at: datetime, now: datetime, slow: bool):
    """Forward through `steps` working steps, each by the official who holds it."""
    for _ in range(steps):
        actor = world.holder(dossier.current_step) if dossier.current_step else None
        if actor is None or dossier.stage != Stage.PROCESSING:
            break
        at = _later(world, at, now, slow=slow)
        nxt = dossier.steps.filter(order__gt=dossier.current_step.order).order_by("order").first()
        dossier = dossier_forward(dossier=dossier, actor=actor, at=at,
                                  assignee=world.holder(nxt) if nxt and nxt.role == Role.SPECIALIST else None)
    return dossier, at


def _one(world: _World, program: str, start: datetime, now: datetime) -> Dossier:
    provincial = world.rng.random() < 0.3 and world.province_procedures
    procedure = world.rng.choice(world.province_procedures if provincial else world.commune_procedures)
    center = world.province_center if provincial else world.commune_center
    receiver = world.holders[(Role.RECEIVER, center.pk)]
    slow = world.rng.random() < 0.12  # a few late ones
    if program in ("submitted", "refused") or world.rng.random() < 0.4:
        dossier, _created = dossier_submit_online(procedure=procedure, receiving_unit=center,
                                                  applicant=world.applicant(), owner=world.citizen, at=start)
        if program == "submitted":
            return dossier
        if program == "refused":
            return dossier_refuse(dossier=dossier, actor=receiver, reason="Hồ sơ không thuộc thẩm quyền giải quyết.",
                                  at=_later(world, start, now, slow=False))
        start = _later(world, start, now, slow=False)
        dossier = dossier_receive(dossier=dossier, actor=receiver, at=start)
    else:
        dossier = dossier_receive_in_person(procedure=procedure, receiving_unit=center, applicant=world.applicant(),
                                            actor=receiver, channel=Channel.IN_PERSON, at=start)
    if program == "received":
        return dossier
    at = _later(world, start, now, slow=False)
    dossier = dossier_assign(dossier=dossier, actor=receiver, assignee=world.holder(dossier.current_step), at=at)
    specialist = world.holder(dossier.current_step)
    if program in WORKING:
        dossier, at = _advance(world, dossier, WORKING.index(program), at, now, slow)
        if program == "returned" and dossier.stage == Stage.DONE:
            dossier = dossier_return_result(dossier=dossier, actor=receiver, at=_later(world, at, now, slow=False))
        return dossier
    at = _later(world, at, now, slow=False)
    if program in ("supplement", "supplement_back"):
        dossier = dossier_request_supplement(dossier=dossier, actor=specialist, at=at,
                                             missing="Bản sao giấy tờ chứng minh nơi cư trú còn thiếu.")
        if program == "supplement_back":
            dossier = dossier_receive_supplement(dossier=dossier, actor=receiver, at=_later(world, at, now, slow=True))
        return dossier
    if program == "fees":
        return dossier_request_fees(dossier=dossier, actor=specialist, note="Nộp tiền sử dụng đất theo thông báo.",
                                    at=at)
    if program == "consulting":
        other = unit_get(code=f"{data.PROVINCE}.STC")
        dossier_consult(dossier=dossier, actor=specialist, unit=other, question="Xin ý kiến về nghĩa vụ tài chính.",
                        days=3, at=at)
        return dossier
    if program == "stopped":
        return dossier_stop(dossier=dossier, actor=specialist, reason="Không đủ điều kiện theo quy định.", at=at)
    if program == "withdrawn":
        return dossier_withdraw(dossier=dossier, actor=receiver, reason="Công dân có đơn xin rút hồ sơ.", at=at)
    return dossier_reschedule(dossier=dossier, actor=specialist, reason="Cần xác minh thêm thông tin tại địa phương.",
                              new_due_at=dossier.due_at + timedelta(days=5), at=at)


def demo_dossiers(*, count: int = 260, seed: int = 1, now: datetime | None = None) -> int:
    """Create `count` dossiers received over the last six weeks at the demo ward and province centers.
    Idempotent: does nothing when the demo centers already hold dossiers."""
    world = _World(random.Random(seed))
    if Dossier.objects.filter(receiving_unit__in=[world.commune_center, world.province_center]).exists():
        return 0
    now = now or timezone.now()
    programs, weights = zip(*PROGRAMS, strict=True)
    first = now - timedelta(days=42)
    for _ in range(count):
        program = world.rng.choices(programs, weights)[0]
        # Most dossiers still open arrived in the last few days; the rest (a realistic share) are overdue.
        recent = program in STILL_OPEN and world.rng.random() < 0.85
        since = now - timedelta(days=5) if recent else first
        span = int((now - since).total_seconds() // 60)
        start = next_working_moment(world.cal, since + timedelta(minutes=world.rng.randint(0, span)))
        if start >= now:
            start = next_working_moment(world.cal, now - timedelta(days=7))
        _one(world, program, start, now)
    return count
