# SPDX-License-Identifier: AGPL-3.0-or-later
"""Realistic history generator (sinh dữ liệu lịch sử hồ sơ): `motcua generate`.

Millions of dossiers cannot go through the services one by one (each action locks the row, runs a few
queries and the index listener). Instead, for every dossier:

1. **plan** — a seeded `random.Random` picks the procedure (Zipf over popularity), the units (the
   province's real communes, urban wards busier; the departments of province-level procedures), the
   channel and the fate (supplement, fees, stop, withdrawal, late, apology, rating, petition, payment);
2. **play** — `_Story` replays the life of the dossier action by action with the *same rules as
   dossiers.services*: the steps copied by `services.steps_build`, the clock started by
   `workdays.clock_start`, the due moments of `workdays.due_at` (step deadlines as
   `rules.step_deadlines`), the restart after a supplement, `due_after_pause` for fees, the outcome by
   `rules.judge`, one event per action with the services' action names, stages and data. The story stops at the cut moment ("now"): what is left
   is open, some of it overdue;
3. **write** — batches of stories become rows, written in one transaction per batch: PostgreSQL `COPY`
   (psycopg 3) or `bulk_create` (multi-row INSERT; SQLite and PostgreSQL). Codes keep the format of
   `dossiers.codes` (`<agency id>-YYMMDD-XXXX`), numbered per center and day in submission order after
   the numbers already used, and `DossierCodeCounter` is brought up to date in the same transaction.

The same seed and arguments give the same plans (codes, stages, moments) on the same starting database;
each day has its own seeded generator, so batching changes nothing.
Files are metadata only: every generated DossierFile points to one of two small real PDFs stored once
under `generated/`. Bulk writes bypass the in-transaction listeners, so the monitoring counters are
rebuilt at the end (`index_rebuild`). docs/generator.md says what is generated and why.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import random
import time as time_module
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, RoleAssignment, UserKind
from motcua.catalog.models import Level, OnlineLevel, Procedure, PublicationStatus
from motcua.core.bulk import WriterThread, ids_reserve, writer_for
from motcua.core.errors import ValidationFailed
from motcua.documents.models import DossierFile, FileKind
from motcua.dossiers.models import (
    NATIONAL_STATUS,
    ApplicantKind,
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierStep,
    Outcome,
    Petition,
    PetitionKind,
    QuickRating,
    Rating,
    ResultDelivery,
    Stage,
    SupplementRequest,
)
from motcua.dossiers.rules import judge, notice_is_timely
from motcua.dossiers.services import step_plan, steps_build
from motcua.units.models import COMMUNE_KINDS, PROVINCE_KINDS, Unit, UnitKind
from motcua.workdays.calendars import (
    VN_TZ,
    ProcessingTime,
    WorkCalendar,
    add_working_hours,
    clock_start,
    due_after_pause,
    due_at,
    is_working_day,
    next_working_moment,
    working_time_between,
)
from motcua.workdays.models import CalendarOverride, OfficeHours
from motcua.workdays.selectors import calendar_for_unit

from .dossiers import EDE, GIVEN, MIDDLE, STREETS, SURNAMES

try:  # the payments app may be absent from a trimmed install
    from motcua.integrations.payments.models import Payment, PaymentStatus
except ImportError:  # pragma: no cover
    Payment = PaymentStatus = None

MAX_DOSSIERS = 50_000_000
MAX_MONTHS = 120
PETITION_DAYS_DEFAULT = 10
RECEIVER = Role.RECEIVER.value
SPECIALIST = Role.SPECIALIST.value
STATUS = {stage.value: int(NATIONAL_STATUS[stage]) for stage in Stage}
MINUTE = timedelta(minutes=1)
# Hours of the day at which citizens submit online (relative weights, 0h..23h): office hours and evenings.
ONLINE_HOURS = (0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 1.5, 3.0, 3.5, 3.5, 3.0, 2.0, 2.0, 3.0, 3.2, 3.0, 2.5,
                1.8, 1.8, 2.0, 1.6, 1.0, 0.5)
WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.9, 0.8, 0.8)  # Monday is the busiest day at the desks
MONTH = (1.15, 0.75, 1.05, 1.0, 1.0, 0.95, 1.0, 1.0, 1.0, 1.0, 1.05, 1.1)  # Tết lull in February

MISSING = ("Bản sao giấy tờ chứng minh nơi cư trú còn thiếu.", "Tờ khai chưa có chữ ký của người yêu cầu.",
           "Cần bổ sung bản chính giấy tờ tùy thân để đối chiếu.", "Thiếu văn bản ủy quyền có chứng thực.",
           "Thông tin trên tờ khai không khớp với Cơ sở dữ liệu quốc gia về dân cư.")
REFUSALS = ("Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị.", "Hồ sơ nộp trùng, đã có hồ sơ đang xử lý.",
            "Tệp đính kèm không đọc được, đề nghị nộp lại.")
STOPS = ("Không đủ điều kiện giải quyết theo quy định.", "Kết quả xác minh không phù hợp với hồ sơ.")
WITHDRAWALS = ("Công dân có đơn xin rút hồ sơ.", "Người nộp không còn nhu cầu giải quyết.")
APOLOGIES = ("Cần xác minh thêm thông tin tại địa phương.", "Hệ thống cơ sở dữ liệu chuyên ngành gián đoạn.")
PETITIONS = ("Đề nghị cho biết lý do hồ sơ chậm giải quyết.", "Phản ánh việc phải đi lại nhiều lần để bổ sung.",
             "Kiến nghị được nhận kết quả qua bưu chính.", "Cán bộ tiếp nhận hướng dẫn chưa rõ ràng.")
ANSWERS = ("Đơn vị đã kiểm tra và xin lỗi vì sự chậm trễ; hồ sơ được ưu tiên giải quyết.",
           "Đơn vị tiếp thu ý kiến và đã nhắc nhở cán bộ liên quan.")
COMMENTS = ("Cán bộ nhiệt tình.", "Nhanh gọn.", "Thủ tục rõ ràng.", "Phải chờ hơi lâu.")
BUSINESS = ("Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
TRADES = ("Cà phê", "Nông sản", "Xây dựng", "Vận tải", "Thương mại", "Du lịch", "Dược phẩm")


@dataclass(frozen=True)
class Rates:
    """How often each fate happens. Defaults: the shares the issue asks for (~40 % online, ~5 % with a
    supplement, a few % late, ~30 % of finished rated, ~1 % petitions); tests raise the rare ones."""

    online_full: float = 0.46  # procedures online "toàn trình"
    online_partial: float = 0.30
    post: float = 0.03  # of the paper dossiers
    refuse: float = 0.02  # of the online ones, at reception
    supplement: float = 0.05
    second_supplement: float = 0.06
    supplement_abandoned: float = 0.05  # the applicant never comes back
    supplement_withdrawn: float = 0.06
    fees: float = 0.01
    stop: float = 0.008
    withdraw: float = 0.005
    late: float = 0.03
    stuck: float = 0.004  # very late: the overdue files of a real inbox
    apology: float = 0.4  # of the late ones, an apology with a new date
    not_collected: float = 0.02  # results never collected at the desk
    pay_online: float = 0.6  # of online dossiers with fees
    pay_online_desk: float = 0.08  # of paper dossiers with fees (QR code at the desk)
    e_result: float = 0.75  # signed electronic result attached
    digitised_desk: float = 0.5  # papers scanned at the desk
    rating: float = 0.30  # of the returned ones
    petition: float = 0.01
    petition_answered: float = 0.9
    petition_rated: float = 0.6
    business: float = 0.5  # of dossiers of procedures open to businesses


@dataclass(frozen=True)
class Options:
    province: str
    dossiers: int
    months: int = 12
    seed: int = 1
    end: date | None = None
    batch: int = 5000
    writer: str = "auto"  # auto | copy | orm
    index: bool = True
    overlap: bool = True  # PostgreSQL: write in a background thread while planning
    rates: Rates = field(default_factory=Rates)


# ---------------------------------------------------------------- the world (read once)


@dataclass
class _Proc:
    obj: Procedure
    pk: int
    level: str
    full: bool
    time: ProcessingTime
    fee_total: int
    handling: Unit | None
    cross_boundary: bool
    business: bool
    citizen: bool
    papers: list[tuple[int, str]]
    plan: list
    step_times: list[ProcessingTime] = field(default_factory=list)


@dataclass
class _Commune:
    unit: Unit
    center: Unit
    weight: float


class World:
    """What the generator reads before writing anything: units, procedures, calendars, officials, counters.
    Nothing here changes while generating except `counters` (the code numbers taken so far)."""

    def __init__(self, *, province: Unit, province_center: Unit, communes: list[_Commune], procedures: list[_Proc],
                 holders: dict, counters: dict, first_day: date, last_day: date, cut: datetime, rates: Rates,
                 petition_days: int, stored: dict):
        self.province, self.province_center = province, province_center
        self.communes, self.procedures = communes, procedures
        self.holders, self.counters = holders, counters
        self.first_day, self.last_day, self.cut = first_day, last_day, cut
        self.rates, self.petition_days, self.stored = rates, petition_days, stored
        self._calendars: dict[int, WorkCalendar] = {}
        self._templates: dict[int, list] = {}
        weights = [1.0 / (rank ** 1.1) for rank in range(1, len(procedures) + 1)]  # Zipf-like
        self._proc_cum = _cumulative(weights)
        self._day: date | None = None
        self._day_communes: tuple[list[_Commune], list[float]] = ([], [])
        self.addresses = {c.unit.pk: c.unit.name for c in communes}
        below = Q(unit__path__startswith=province.path) & ~Q(unit=province)  # the province's own apply to all
        local = CalendarOverride.objects.filter(below).exists() or OfficeHours.objects.filter(below).exists()
        self.shared_calendar = None if local else calendar_for_unit(unit=province)

    def calendar(self, unit: Unit) -> WorkCalendar:
        """`workdays.calendar_for_unit` of the unit; when no unit of the province has its own overrides or
        office hours (the usual case), they all share the province's calendar (two queries, not 400)."""
        cal = self._calendars.get(unit.pk)
        if cal is None:
            cal = self._calendars[unit.pk] = (self.shared_calendar if self.shared_calendar is not None
                                              else calendar_for_unit(unit=unit))
        return cal

    def holder(self, role: str, unit_id: int) -> int | None:
        return self.holders.get((role, unit_id))

    def procedure(self, rng: random.Random) -> _Proc:
        return self.procedures[bisect_right(self._proc_cum, rng.random() * self._proc_cum[-1])]

    def communes_on(self, day: date) -> tuple[list[_Commune], list[float]]:
        """The communes (and their centers) in force on `day`, with cumulative weights."""
        if day != self._day:
            chosen = [c for c in self.communes if c.unit.is_active_on(day) and c.center.is_active_on(day)]
            self._day, self._day_communes = day, (chosen, _cumulative([c.weight for c in chosen]))
        return self._day_communes

    def steps(self, proc: _Proc, receiving: Unit, handling: Unit) -> list:
        """The dossier's steps as `services.steps_build` makes them: built once per procedure with stand-in
        units, which are then replaced by the dossier's receiving (= return) and handling units."""
        template = self._templates.get(proc.pk)
        if template is None:
            shell = Dossier(procedure=proc.obj, receiving_unit=Unit(pk=_RECEIVING), handling_unit=Unit(pk=_HANDLING),
                            return_unit=Unit(pk=_RETURN))
            template = self._templates[proc.pk] = [(s.order, s.name, s.role, s.unit_id, Decimal(s.allowance))
                                                   for s in steps_build(shell, proc.plan)]
        units = {_RECEIVING: receiving.pk, _RETURN: receiving.pk, _HANDLING: handling.pk}
        return [(order, name, role, units.get(unit_id, unit_id), allowance)
                for order, name, role, unit_id, allowance in template]


_RECEIVING, _HANDLING, _RETURN = -1, -2, -3  # stand-in unit keys of the step templates


def _cumulative(weights: list[float]) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def _pick(rng: random.Random, items: list, cum: list[float]):
    return items[bisect_right(cum, rng.random() * cum[-1])]


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def period_for(options: Options, today: date | None = None) -> tuple[date, date, datetime]:
    """First and last day of the generated history and the cut moment ("now" for the stories): the end of
    the last day, or the present moment when the last day is today."""
    today = today or timezone.localdate()
    end = options.end or today
    if end > today:
        raise _refuse(_("Ngày kết thúc %(end)s ở tương lai; hãy chọn ngày từ hôm nay trở về trước.")
                      % {"end": end.isoformat()}, "generate_end_future")
    first = _add_months(end, -options.months) + timedelta(days=1)
    cut = datetime.combine(end + timedelta(days=1), time(0), tzinfo=VN_TZ)
    if end == today:
        cut = min(cut, timezone.now().astimezone(VN_TZ).replace(second=0, microsecond=0))
    return first, end, cut


def options_check(options: Options) -> None:
    """Refuse what cannot be generated, with a Vietnamese message (the command exits with status 2)."""
    if not 1 <= options.dossiers <= MAX_DOSSIERS:
        raise _refuse(_("Số hồ sơ phải từ 1 đến %(max)s.") % {"max": f"{MAX_DOSSIERS:,}".replace(",", ".")},
                      "generate_count_invalid")
    if not 1 <= options.months <= MAX_MONTHS:
        raise _refuse(_("Số tháng phải từ 1 đến %(max)s.") % {"max": MAX_MONTHS}, "generate_months_invalid")
    if not 100 <= options.batch <= 100_000:
        raise _refuse(_("Kích thước lô phải từ 100 đến 100.000 hồ sơ."), "generate_batch_invalid")
    if options.writer not in ("auto", "copy", "orm"):
        raise _refuse(_("Cách ghi %(writer)s không có; chọn auto, copy hoặc orm.") % {"writer": options.writer},
                      "generate_writer_invalid")
    if options.writer == "copy" and connection.vendor != "postgresql":
        raise _refuse(_("Cách ghi COPY chỉ dùng được với PostgreSQL."), "generate_writer_invalid")
    if connection.vendor not in ("postgresql", "sqlite"):
        raise _refuse(_("Bộ sinh dữ liệu chỉ hỗ trợ PostgreSQL và SQLite."), "generate_database_unsupported")


def world_load(options: Options, *, today: date | None = None) -> World:
    """Read the province, its communes and centers, the catalogue and the officials (no write)."""
    options_check(options)
    province = Unit.objects.filter(code=options.province, kind__in=PROVINCE_KINDS).first()
    if province is None:
        raise _refuse(_("Không có tỉnh, thành phố mã %(code)s. Hãy chạy «motcua units sync» trước.")
                      % {"code": options.province}, "generate_province_unknown")
    first, last, cut = period_for(options, today)
    centers = {u.parent_id: u for u in Unit.objects.filter(kind=UnitKind.SERVICE_CENTER, parent__parent=province)
               .exclude(agency_code="")}
    province_center = Unit.objects.filter(kind=UnitKind.SERVICE_CENTER, parent=province).exclude(agency_code="").first()
    if province_center is None:
        raise _refuse(_("Tỉnh %(name)s chưa có Trung tâm Phục vụ hành chính công có mã định danh.")
                      % {"name": province.name}, "generate_no_center")
    # Nothing before the units existed (the two-level communes date from 1 July 2025).
    first = max(first, province.valid_from, province_center.valid_from)
    if first > last:
        raise _refuse(_("Các đơn vị của %(name)s chỉ có hiệu lực từ %(day)s: không có ngày nào để sinh dữ liệu.")
                      % {"name": province.name, "day": province.valid_from.isoformat()}, "generate_period_empty")
    rng = random.Random(f"motcua-units:{options.seed}")
    communes = []
    for unit in Unit.objects.filter(parent=province, kind__in=COMMUNE_KINDS).order_by("code"):
        size = {UnitKind.WARD: 3.0, UnitKind.SPECIAL_ZONE: 1.5}.get(unit.kind, 1.0)
        weight = size * rng.lognormvariate(0, 0.45)
        if unit.pk in centers:
            communes.append(_Commune(unit=unit, center=centers[unit.pk], weight=weight))
    if not communes:
        raise _refuse(_("Tỉnh %(name)s chưa có xã, phường nào có trung tâm phục vụ hành chính công.")
                      % {"name": province.name}, "generate_no_communes")
    procedures = _procedures(province, last)
    if not procedures:
        raise _refuse(_("Chưa có thủ tục nào đã công khai cho %(name)s: hãy nạp danh mục («motcua demo» hoặc "
                        "«motcua catalog load») trước.") % {"name": province.name}, "generate_no_procedures")
    center_ids = [c.center.pk for c in communes] + [province_center.pk]
    counters = {(unit_id, day): number for unit_id, day, number in DossierCodeCounter.objects.filter(
        unit_id__in=center_ids, day__gte=first, day__lte=last).values_list("unit_id", "day", "last")}
    return World(province=province, province_center=province_center, communes=communes, procedures=procedures,
                 holders=_holders(province), counters=counters, first_day=first, last_day=last, cut=cut,
                 rates=options.rates, stored=stored_samples(),
                 petition_days=int(getattr(settings, "MOTCUA_PETITION_DAYS", PETITION_DAYS_DEFAULT)))


def _procedures(province: Unit, last: date) -> list[_Proc]:
    """Published procedures the province handles, most popular first: every commune-level one, and the
    province-level ones whose department is in this province and active."""
    qs = (Procedure.objects.filter(publication_status=PublicationStatus.PUBLISHED)
          .filter(Q(level=Level.COMMUNE) | Q(level=Level.PROVINCE, handling_unit__kind=UnitKind.DEPARTMENT,
                                             handling_unit__path__startswith=province.path))
          .select_related("handling_unit").prefetch_related("fees", "papers", "processes__steps__unit")
          .order_by("-popularity", "code"))
    result = []
    for p in qs:
        if p.handling_unit is not None and p.level == Level.PROVINCE and not p.handling_unit.is_active_on(last):
            continue
        shell = Dossier(procedure=p, handling_unit=p.handling_unit or province)
        result.append(_Proc(
            obj=p, pk=p.pk, level=p.level, full=p.online_level == OnlineLevel.FULL,
            time=ProcessingTime(Decimal(p.processing_time_value), p.processing_time_unit),
            fee_total=sum(fee.amount for fee in p.fees.all()),
            handling=p.handling_unit if p.level == Level.PROVINCE else None, cross_boundary=p.cross_boundary,
            business=p.for_businesses, citizen=p.for_citizens,
            papers=[(paper.pk, paper.name) for paper in p.papers.all()][:3], plan=step_plan(shell)))
        result[-1].step_times = step_times([Decimal(step[3]) for step in result[-1].plan], result[-1].time.unit)
    return result


def step_times(allowances: list[Decimal], unit: str) -> list[ProcessingTime]:
    """The cumulative allowance of each step as a processing time, rounded as `rules.step_deadlines` does
    (whole calendar days and months round up): built once per procedure instead of once per dossier.
    `due_at(cal, start, t)` of these equals `step_deadlines(cal, start, allowances, unit)` (tested)."""
    times, total = [], Decimal(0)
    for allowance in allowances:
        total += allowance
        value = total.to_integral_value(rounding=ROUND_CEILING) if unit in ("days", "months") else total
        times.append(ProcessingTime(value, unit))
    return times


def _holders(province: Unit) -> dict[tuple[str, int], int]:
    """The first official (by assignment) holding each role in each unit of the province: who acts in the
    generated events. Units nobody holds a role in get events without an actor (as imported history)."""
    holders: dict[tuple[str, int], int] = {}
    for role, unit_id, user_id in (RoleAssignment.objects.filter(
            unit__path__startswith=province.path, user__is_active=True, user__kind=UserKind.OFFICIAL)
            .order_by("id").values_list("role", "unit_id", "user_id")):
        holders.setdefault((role, unit_id), user_id)
    return holders


# ---------------------------------------------------------------- the two stored sample files

SAMPLE_NAMES = {FileKind.PAPER: "generated/giay-to-mau.pdf", FileKind.RESULT: "generated/ket-qua-mau.pdf"}


def _tiny_pdf(title: str) -> bytes:
    """A minimal, valid one-page PDF (starts with %PDF-: passes the upload check by magic bytes)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({title}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stored_samples() -> dict[str, tuple[str, int, str]]:
    """The two small real files every generated DossierFile points to: kind → (name, size, sha256)."""
    result = {}
    for kind, name in SAMPLE_NAMES.items():
        content = _tiny_pdf("motcua - tep mau" if kind == FileKind.PAPER else "motcua - ket qua mau")
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(content))
        result[kind] = (name, len(content), hashlib.sha256(content).hexdigest())
    result[FileKind.SUPPLEMENT] = result[FileKind.PAPER]
    return result


# ---------------------------------------------------------------- one dossier's life, as the services play it


# Plain values of the choices, read in the hot path (an enum member's `.value` costs a lookup each time).
_SUBMITTED = Stage.SUBMITTED.value
_RECEIVED = Stage.RECEIVED.value
_REFUSED = Stage.REFUSED.value
_PROCESSING = Stage.PROCESSING.value
_SUPPLEMENT = Stage.SUPPLEMENT.value
_FEES = Stage.FEES.value
_STOPPED = Stage.STOPPED.value
_WITHDRAWN = Stage.WITHDRAWN.value
_RETURNED = Stage.RETURNED.value
_DONE = Stage.DONE.value
ONLINE = Channel.ONLINE.value


class _Cut(Exception):
    """The next action would happen after the cut moment: the story stops, the dossier stays as it is."""


class _Step:
    __slots__ = ("order", "name", "role", "unit_id", "allowance", "due_at", "started_at", "finished_at",
                 "assignee_id", "id")

    def __init__(self, order, name, role, unit_id, allowance):
        self.order, self.name, self.role, self.unit_id, self.allowance = order, name, role, unit_id, allowance
        self.due_at = self.started_at = self.finished_at = self.assignee_id = self.id = None


class _Row:
    """A supplement request, file or petition being built (`id` set at writing)."""

    def __init__(self, **values):
        self.id = None
        self.__dict__.update(values)


class _Story:
    """One dossier replayed action by action. Each method mirrors the dossiers service of the same name
    (what it sets, which event it writes); `do` refuses actions after the cut and runs, first, the side
    facts (payments, files, ratings, petitions) that happened before."""

    def __init__(self, world: World, proc: _Proc, *, receiving: Unit, handling: Unit, channel: int,
                 applicant: dict, delivery: str, submitted_at: datetime):
        self.world, self.proc = world, proc
        self.receiving, self.handling = receiving, handling
        self.cal = world.calendar(handling)  # services._calendar: the handling unit's calendar
        self.cal_desk = world.calendar(receiving)
        self.channel, self.applicant, self.delivery = channel, applicant, delivery
        self.submitted_at, self.code = submitted_at, ""
        self.stage = ""
        self.current: int | None = None
        self.assignee_id = None
        self.received_at = self.clock_started_at = self.due_at = self.legal_due_at = None
        self.rescheduled_at = self.finished_at = self.returned_at = None
        self.supplement_count, self.outcome, self.paid_online, self.closing_note = 0, "", 0, ""
        self.steps = [_Step(*s) for s in world.steps(proc, receiving, handling)]
        self.events: list[tuple] = []
        self.supplements: list[_Row] = []
        self.files: list[_Row] = []
        self.petitions: list[_Row] = []
        self.payments: list[_Row] = []
        self.rating: _Row | None = None
        self._fees_since: datetime | None = None
        self.last = submitted_at
        self._pending: list = []
        self._seq = 0
        self.id = None

    # ------------------------------------------------------------ driving

    def do(self, at: datetime, action: Callable, *args) -> datetime:
        at = max(at, self.last)
        if at > self.world.cut:
            raise _Cut
        self._flush((at, 1))
        action(at, *args)
        self.last = at
        return at

    def later(self, at: datetime, action: Callable, *args, before: bool = False) -> None:
        """A side fact at `at` (before the main action of the same moment if `before`)."""
        self._seq += 1
        heapq.heappush(self._pending, (at, 0 if before else 2, self._seq, action, args))

    def _flush(self, until: tuple) -> None:
        while self._pending and self._pending[0][:2] < until:
            at, _prio, _seq, action, args = heapq.heappop(self._pending)
            action(max(at, self.last), *args)
            self.last = max(at, self.last)

    def finish_story(self) -> None:
        while self._pending and self._pending[0][0] <= self.world.cut:
            self._flush((self._pending[0][0], 3))

    # ------------------------------------------------------------ the services' effects

    def _stage(self, stage: str) -> None:
        self.stage = stage

    def _event(self, at, action, actor, from_stage, note="", data=None, ref=None) -> None:
        step = self.steps[self.current].order if self.current is not None else None
        self.events.append((at, actor, action, from_stage, self.stage, STATUS[self.stage], step, note,
                            data or {}, ref))

    def _judge(self, at) -> None:
        self.finished_at = at
        if self.legal_due_at is not None:
            self.outcome = judge(end=at, legal_due=self.legal_due_at, supplement_count=self.supplement_count,
                                 tz=VN_TZ).value

    def _schedule(self, start: datetime) -> None:
        """services._schedule: the clock (re)starts, the due moment of the dossier and of every step."""
        self.clock_started_at = start
        self.legal_due_at = self.due_at = due_at(self.cal, start, self.proc.time)
        for step, time_ in zip(self.steps, self.proc.step_times, strict=True):
            step.due_at = due_at(self.cal, start, time_)

    def holder(self, index: int | None) -> int | None:
        if index is None:
            return None
        step = self.steps[index]
        return self.world.holder(step.role, step.unit_id)

    def desk(self) -> int | None:
        return self.world.holder(RECEIVER, self.receiving.pk)

    def submit(self, at) -> None:
        self._stage(_SUBMITTED)
        self._event(at, "submit", None, "")

    def receive(self, at) -> None:
        """dossier_receive (online) and dossier_receive_in_person: `_accept`."""
        from_stage = self.stage
        self.received_at = at
        self._schedule(clock_start(self.cal, at, channel_is_paper=self.channel != ONLINE))
        first = 0
        if self.steps[0].role == RECEIVER and len(self.steps) > 1:
            step = self.steps[0]
            step.started_at = step.finished_at = at
            step.assignee_id = self.desk()
            first = 1
        self.current = first
        self._stage(_RECEIVED)
        self._event(at, "receive", self.desk(), from_stage)

    def refuse(self, at, reason) -> None:
        self._stage(_REFUSED)
        self.closing_note, self.finished_at = reason, at
        self._event(at, "refuse", self.desk(), _SUBMITTED, note=reason)

    def _start(self, index: int, assignee, at) -> None:
        step = self.steps[index]
        step.started_at, step.finished_at, step.assignee_id = at, None, assignee
        self.current, self.assignee_id = index, assignee

    def assign(self, at) -> None:
        assignee = self.holder(self.current)
        self._start(self.current, assignee, at)
        self._stage(_PROCESSING)
        self._event(at, "assign", self.desk(), _RECEIVED, data={"assignee": assignee})

    def forward(self, at) -> None:
        step, actor = self.steps[self.current], self.holder(self.current)
        step.finished_at = at
        step.assignee_id = step.assignee_id or actor
        following = self.steps[self.current + 1:]
        from_order = step.order
        if not following or (len(following) == 1 and following[0].role == RECEIVER):
            self._stage(_DONE)
            self._judge(at)
            self.current = self.current + 1 if following else None
            self.assignee_id = None
            if following:
                following[0].started_at = at
        else:
            self._start(self.current + 1, self.holder(self.current + 1), at)
        self._event(at, "forward", actor, _PROCESSING, data={"from_step": from_order})

    def request_supplement(self, at, missing) -> None:
        actor = self.holder(self.current)
        within = working_time_between(self.cal, self.received_at, at) <= 3 * self.cal.day_length
        self.supplements.append(_Row(requested_at=at, requested_by=actor, missing=missing,
                                     due_before=self.due_at, received_at=None, due_after=None))
        self.supplement_count += 1
        self._stage(_SUPPLEMENT)
        self._event(at, "request_supplement", actor, _PROCESSING, note=missing,
                    data={"within_3_working_days": within, "count": self.supplement_count})

    def receive_supplement(self, at) -> None:
        request = self.supplements[-1]
        self._schedule(clock_start(self.cal, at, channel_is_paper=True))  # taken at the desk: no owner account
        request.received_at, request.due_after = at, self.due_at
        self._stage(_PROCESSING)
        self._event(at, "receive_supplement", self.desk(), _SUPPLEMENT, data={
            "due_before": _utc(request.due_before).isoformat(), "due_after": self.due_at.isoformat()})

    def request_fees(self, at, note) -> None:
        self._stage(_FEES)
        self._fees_since = at
        self._event(at, "request_fees", self.holder(self.current), _PROCESSING, note=note)

    def confirm_fees(self, at) -> None:
        self.legal_due_at = due_after_pause(self.cal, self.legal_due_at, self._fees_since, at)
        self.due_at = due_after_pause(self.cal, self.due_at, self._fees_since, at)
        self._stage(_PROCESSING)
        self._event(at, "confirm_fees", self.world.holder(SPECIALIST, self.handling.pk), _FEES)

    def stop(self, at, reason) -> None:
        from_stage = self.stage
        self._stage(_STOPPED)
        self.closing_note = reason
        self._judge(at)
        self._event(at, "stop", self.holder(self.current), from_stage, note=reason)

    def withdraw(self, at, reason) -> None:
        from_stage = self.stage
        self._stage(_WITHDRAWN)
        self.closing_note = reason
        if self.received_at is not None:
            self._judge(at)
        else:
            self.finished_at = at
        self._event(at, "withdraw", self.desk(), from_stage, note=reason)

    def reschedule(self, at, new_due, reason) -> None:
        timely = notice_is_timely(self.cal, notice_at=at, due=self.due_at)
        old = self.due_at
        self.due_at, self.rescheduled_at = new_due, at
        self._event(at, "reschedule", self.holder(self.current), self.stage, note=reason, data={
            "due_before": _utc(old).isoformat(), "due_after": new_due.isoformat(), "timely_notice": timely})

    def return_result(self, at) -> None:
        actor = self.world.holder(RECEIVER, self.receiving.pk)  # the return center is the receiving one
        if self.current is not None:
            step = self.steps[self.current]
            step.finished_at, step.assignee_id = at, actor
        self._stage(_RETURNED)
        self.returned_at = at
        self._event(at, "return_result", actor, _DONE)

    # ------------------------------------------------------------ side facts (no stage change)

    def _side(self, at, action, actor, data, ref=None) -> None:
        self._event(at, action, actor, self.stage, data=data, ref=ref)

    def pay_online(self, at, channel) -> None:
        if self.paid_online or self.stage not in OPEN:
            return
        ref = None
        if channel == 2 and Payment is not None:  # through the province's gateway: a Payment row as well
            row = _Row(txn_ref="", amount=self.proc.fee_total, created_at=at - 3 * MINUTE,
                       expires_at=at + 12 * MINUTE, paid_at=at)
            self.payments.append(row)
            ref = ("reference", row, "txn_ref")  # known once the day's codes are drawn (codes_assign)
        self.paid_online = channel
        self._side(at, "pay_online", None, {"amount": self.proc.fee_total, "reference": "", "channel": channel},
                   ref=ref)

    def attach(self, at, kind, actor, paper: tuple[int, str] | None) -> None:
        name, size, sha = self.world.stored[kind]
        title = paper[1][:120] if paper else ("Kết quả giải quyết" if kind == FileKind.RESULT else "Giấy tờ bổ sung")
        row = _Row(kind=kind, required_paper_id=paper[0] if paper else None, name=f"{title}.pdf", file=name,
                   size=size, sha256=sha, uploaded_by=actor, uploaded_at=at)
        self.files.append(row)
        self._side(at, "attach_file", actor, {"kind": kind, "name": row.name, "sha256": sha}, ref=("file", row, "id"))

    def rate(self, at, quick, criteria, comment) -> None:
        self.rating = _Row(quick=quick, criteria=criteria, comment=comment, rated_at=at)
        self._side(at, "rate", None, {"quick": quick, "criteria": criteria,
                                      "total": sum(criteria.values()) if criteria else None})

    def petition(self, at, row: _Row) -> None:
        if any(p.answered_at is None for p in self.petitions):
            return  # one unanswered petition at a time (feedback.petition_submit)
        row.submitted_at = at
        row.due_at = due_at(self.cal, at, ProcessingTime(self.world.petition_days, "working_days"))
        self.petitions.append(row)
        self._side(at, "petition", None, {"kind": row.kind, "unit": self.handling.code,
                                          "due_at": row.due_at.isoformat()}, ref=("petition", row, "id"))
        if row.answer_after is not None:
            self.later(add_working_hours(self.cal, at, row.answer_after), self.petition_answer, row)

    def petition_answer(self, at, row: _Row) -> None:
        row.answered_at, row.answered_by = at, self.world.holder(SPECIALIST, self.handling.pk)
        self._side(at, "petition_answer", row.answered_by, {"on_time": at <= row.due_at}, ref=("petition", row, "id"))
        if row.satisfied_later is not None:
            self.later(at + row.satisfied_later[0], self.petition_rate, row, row.satisfied_later[1])

    def petition_rate(self, at, row: _Row, satisfied: bool) -> None:
        row.satisfied = satisfied
        self._side(at, "petition_rate", None, {"satisfied": satisfied}, ref=("petition", row, "id"))


OPEN = {s.value for s in (Stage.SUBMITTED, Stage.RECEIVED, Stage.PROCESSING, Stage.CONSULTING, Stage.SUPPLEMENT,
                           Stage.FEES)}


def _utc(moment: datetime) -> datetime:
    """As the services read a stored moment back (PostgreSQL and SQLite give UTC)."""
    return moment.astimezone(UTC)


# ---------------------------------------------------------------- planning one dossier


def _hours(x: float) -> timedelta:
    return timedelta(seconds=round(x * 3600))


def _office_days(cal: WorkCalendar, days: float) -> timedelta:
    return timedelta(seconds=round(cal.day_length.total_seconds() * days))


def _applicant(rng: random.Random, proc: _Proc, commune_name: str, rates: Rates) -> dict:
    if proc.business and (not proc.citizen or rng.random() < rates.business):
        name = f"{rng.choice(BUSINESS)} {rng.choice(TRADES)} {rng.choice(GIVEN)} {rng.choice(GIVEN)}"
        return {"kind": ApplicantKind.BUSINESS.value, "name": name, "id_number": f"60{rng.randint(0, 99999999):08d}",
                "phone": f"0262{rng.randint(100000, 999999)}",
                "address": f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, {commune_name}"}
    name = rng.choice(EDE) if rng.random() < 0.15 else f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    born = rng.randint(1950, 2007)
    century = (0 if born < 2000 else 2) + rng.randint(0, 1)
    return {"kind": ApplicantKind.CITIZEN.value, "name": name,
            "id_number": f"066{century}{born % 100:02d}{rng.randint(0, 999999):06d}",
            "phone": f"0{rng.choice('389')}{rng.randint(10000000, 99999999)}",
            "address": f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, {commune_name}"}


def _moment_online(rng: random.Random, day: date) -> datetime:
    hour = bisect_right(_ONLINE_CUM, rng.random() * _ONLINE_CUM[-1])
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=VN_TZ)


_ONLINE_CUM = _cumulative(list(ONLINE_HOURS))


def _moment_desk(rng: random.Random, cal: WorkCalendar, day: date) -> datetime:
    """A moment inside office hours of the working day `day` (mornings a little busier)."""
    opening = datetime.combine(day, cal.opening, tzinfo=VN_TZ)
    seconds = int(cal.day_length.total_seconds() * (rng.random() ** 1.15))
    moment = add_working_hours(cal, opening, timedelta(seconds=min(seconds, int(cal.day_length.total_seconds()) - 1)))
    return next_working_moment(cal, moment)  # 11:30 sharp (a close) is lunchtime: 13:30


def _units(world: World, rng: random.Random, proc: _Proc, day: date) -> tuple[Unit, Unit]:
    """(receiving center, handling unit): a commune's own center mostly; elsewhere in the province for
    procedures received regardless of administrative boundary (Decree 118/2025)."""
    communes, cum = world.communes_on(day)
    if proc.level == Level.PROVINCE:
        receiving = world.province_center
        if proc.cross_boundary and rng.random() < 0.15:
            receiving = _pick(rng, communes, cum).center
        return receiving, proc.handling
    home = _pick(rng, communes, cum)
    receiving = home.center
    if proc.cross_boundary and rng.random() < 0.07:
        receiving = _pick(rng, communes, cum).center
    return receiving, home.unit


def story_plan(world: World, rng: random.Random, day: date) -> _Story:
    """Choose one dossier submitted on `day` and play its life up to the cut moment."""
    rates = world.rates
    proc = world.procedure(rng)
    receiving, handling = _units(world, rng, proc, day)
    cal_desk = world.calendar(receiving)
    online_share = rates.online_full if proc.full else rates.online_partial
    online = not is_working_day(cal_desk, day) or rng.random() < online_share
    if online:
        channel = ONLINE
        delivery = rng.choices((ResultDelivery.ONLINE, ResultDelivery.AT_CENTER, ResultDelivery.POST),
                               (70, 25, 5))[0].value
        submitted = _moment_online(rng, day)
    else:
        channel = Channel.POST.value if rng.random() < rates.post else Channel.IN_PERSON.value
        delivery = (ResultDelivery.POST if channel == Channel.POST or rng.random() < 0.08
                    else ResultDelivery.AT_CENTER).value
        submitted = _moment_desk(rng, cal_desk, day)
    if submitted > world.cut:  # today, later than now: an online submission made so far today instead
        start = datetime.combine(day, time(0), tzinfo=VN_TZ)
        submitted = start + (world.cut - start) * rng.random()
        channel, delivery = ONLINE, ResultDelivery.ONLINE.value
    place = world.addresses.get(handling.pk) or world.addresses.get(receiving.parent_id) or world.province.name
    story = _Story(world, proc, receiving=receiving, handling=handling, channel=channel,
                   applicant=_applicant(rng, proc, place, rates), delivery=delivery, submitted_at=submitted)
    try:
        _live(story, rng)
    except _Cut:
        pass
    story.finish_story()
    return story


def _fate_speed(rng: random.Random, fate: str) -> float:
    """Share of the legal office time the handling takes: most dossiers early, a few late."""
    if fate == "late":
        return rng.uniform(1.03, 2.2)
    if fate == "stuck":
        return rng.uniform(2.5, 8.0)
    return 0.05 + 0.9 * rng.betavariate(1.5, 2.5)


def _live(s: _Story, rng: random.Random) -> None:
    rates = s.world.rates
    fee = s.proc.fee_total > 0
    if s.channel == ONLINE:
        s.do(s.submitted_at, s.submit)
        for paper in s.proc.papers[:2]:
            s.later(s.submitted_at, s.attach, FileKind.PAPER.value, None, paper)
        t = add_working_hours(s.cal_desk, s.submitted_at, _hours(rng.uniform(0.1, 6)))
        if rng.random() < rates.refuse:
            s.do(t, s.refuse, rng.choice(REFUSALS))
            return
        t = s.do(t, s.receive)
        if fee and rng.random() < rates.pay_online:
            s.later(add_working_hours(s.cal_desk, t, _hours(rng.uniform(0.05, 8))), s.pay_online,
                    2 if rng.random() < 0.8 else 1)
    else:
        t = s.do(s.submitted_at, s.receive)
        if rng.random() < rates.digitised_desk:
            for paper in s.proc.papers[:2]:
                s.later(t, s.attach, FileKind.PAPER.value, s.desk(), paper)
        if fee and rng.random() < rates.pay_online_desk:
            s.later(t + _hours(rng.uniform(0.02, 0.3)), s.pay_online, 2)
    if rng.random() < rates.petition:
        row = _Row(kind=rng.choice(PetitionKind.values), content=rng.choice(PETITIONS), answer="",
                   answered_at=None, answered_by=None, satisfied=None, unit_id=s.handling.pk,
                   answer_after=_office_days(s.cal, rng.uniform(0.3, 13)) if rng.random() < rates.petition_answered
                   else None,
                   satisfied_later=(_hours(rng.uniform(1, 120)), rng.random() < 0.75)
                   if rng.random() < rates.petition_rated else None)
        row.answer = rng.choice(ANSWERS) if row.answer_after is not None else ""
        s.later(t + timedelta(days=rng.uniform(0.5, 30)), s.petition, row)
    # Assignment: at the desk often in the same moment as the receipt.
    if s.channel == ONLINE or rng.random() < 0.4:
        t = add_working_hours(s.cal_desk, t, _hours(rng.uniform(0.05, 3)))
    t = s.do(t, s.assign)
    roll = rng.random()
    fate = "late" if roll < rates.late else "stuck" if roll < rates.late + rates.stuck else "normal"
    t = _detours(s, rng, t, fate)
    if t is None:
        return
    _handle(s, rng, t, fate)


def _detour_time(s: _Story, rng: random.Random, t: datetime) -> datetime:
    """A moment during the specialist's step: usually within its first working days."""
    return add_working_hours(s.cal, t, _office_days(s.cal, rng.uniform(0.05, 2.5) * min(1.0, _budget_days(s))))


def _budget_days(s: _Story) -> float:
    return working_time_between(s.cal, s.clock_started_at, s.legal_due_at) / s.cal.day_length


def _detours(s: _Story, rng: random.Random, t: datetime, fate: str) -> datetime | None:
    """Supplement, fees, stop or withdrawal during appraisal; None when the dossier ended there."""
    rates = s.world.rates
    specialist = s.current is not None and s.steps[s.current].role == SPECIALIST
    roll = rng.random()
    if specialist and roll < rates.supplement:
        requests = 2 if rng.random() < rates.second_supplement else 1
        for _n in range(requests):
            t = s.do(_detour_time(s, rng, t), s.request_supplement, rng.choice(MISSING))
            back = t + timedelta(days=min(30.0, max(0.2, rng.lognormvariate(math.log(3), 0.7))))
            back = next_working_moment(s.cal_desk, back)
            fate_roll = rng.random()
            if fate_roll < rates.supplement_abandoned:
                return None
            if fate_roll < rates.supplement_abandoned + rates.supplement_withdrawn:
                s.do(back, s.withdraw, rng.choice(WITHDRAWALS))
                return None
            t = s.do(back, s.receive_supplement)
            if s.channel == ONLINE and rng.random() < 0.6:
                s.later(t, s.attach, FileKind.SUPPLEMENT.value, None, None)
        return t
    roll -= rates.supplement
    if specialist and 0 <= roll < rates.fees:
        t = s.do(_detour_time(s, rng, t), s.request_fees, "Nộp tiền nghĩa vụ tài chính theo thông báo của cơ quan thuế.")
        back = next_working_moment(s.cal_desk, t + timedelta(days=rng.uniform(1, 10)))
        return s.do(back, s.confirm_fees)
    roll -= rates.fees
    if 0 <= roll < rates.stop:
        s.do(_detour_time(s, rng, t), s.stop, rng.choice(STOPS))
        return None
    roll -= rates.stop
    if 0 <= roll < rates.withdraw:
        s.do(_detour_time(s, rng, t), s.withdraw, rng.choice(WITHDRAWALS))
        return None
    return t


def _working_range(s: _Story) -> tuple[int, int]:
    """Indexes of the current step and of the last working step (after it: the return step, if any)."""
    last = len(s.steps) - 1
    if last > s.current and s.steps[last].role == RECEIVER:
        last -= 1
    return s.current, last


def _handle(s: _Story, rng: random.Random, t: datetime, fate: str) -> None:
    """The rest of the internal process: each working step forwarded by its official, then the result."""
    cal, rates = s.cal, s.world.rates
    budget = working_time_between(cal, s.clock_started_at, s.legal_due_at)
    target = add_working_hours(cal, s.clock_started_at, budget * _fate_speed(rng, fate))
    first, last = _working_range(s)
    count = last - first + 1
    remaining = max(working_time_between(cal, t, target), count * 5 * MINUTE)
    weights = [max(float(s.steps[i].allowance), 0.05) * rng.uniform(0.6, 1.4) for i in range(first, last + 1)]
    total = sum(weights)
    times, moment = [], t
    for weight in weights:
        moment = add_working_hours(cal, moment, timedelta(seconds=max(60, round(remaining.total_seconds() * weight
                                                                              / total))))
        times.append(moment)
    apology = None
    if fate != "normal" and rng.random() < rates.apology and times[-1] > s.legal_due_at:
        notice = add_working_hours(cal, s.clock_started_at, max(timedelta(0), budget - _office_days(
            cal, rng.uniform(0.3, 1.5))))
        new_due = add_working_hours(cal, times[-1], _office_days(cal, rng.uniform(0.2, 2)))
        if t < notice < times[-1] and new_due > s.due_at:
            apology = (max(notice, t), new_due)
    for index, at in enumerate(times):
        if apology is not None and apology[0] <= at:
            s.do(apology[0], s.reschedule, apology[1], rng.choice(APOLOGIES))
            apology = None
        if index == len(times) - 1 and rng.random() < rates.e_result:
            s.later(at, s.attach, FileKind.RESULT.value, s.holder(last), None, before=True)
        s.do(at, s.forward)
    _return(s, rng, times[-1])


def _return(s: _Story, rng: random.Random, done_at: datetime) -> None:
    rates = s.world.rates
    if s.delivery == ResultDelivery.ONLINE:
        at = add_working_hours(s.cal_desk, done_at, _hours(rng.uniform(0.02, 0.5)))
    elif s.delivery == ResultDelivery.POST:
        at = add_working_hours(s.cal_desk, done_at, _office_days(s.cal_desk, rng.uniform(1, 3)))
    else:
        if rng.random() < rates.not_collected:
            return
        at = add_working_hours(s.cal_desk, done_at, _office_days(s.cal_desk, min(20.0, rng.expovariate(1 / 1.2))))
    at = s.do(at, s.return_result)
    if rng.random() < rates.rating:
        late = s.outcome == Outcome.LATE
        odds = (45, 20, 35) if late else (88, 9, 3)
        quick = rng.choices((QuickRating.SATISFIED, QuickRating.NEUTRAL, QuickRating.UNSATISFIED), odds)[0].value
        criteria = {}
        if rng.random() < 0.5:
            criteria = {str(k): 2 if rng.random() < (0.5 if late else 0.88) else rng.choice((0, 1)) for k in range(1, 10)}
            criteria["1"] = {Outcome.EARLY: 2, Outcome.ON_TIME: 1}.get(s.outcome, 0)
            criteria["3"] = 2 if s.supplement_count == 0 else 1 if s.supplement_count == 1 else 0
        comment = rng.choice(COMMENTS) if rng.random() < 0.2 else ""
        s.later(at + _hours(rng.uniform(0.1, 72)), s.rate, quick, criteria, comment)


# ---------------------------------------------------------------- days, codes, batches


def day_counts(world: World, total: int) -> list[tuple[date, int]]:
    """How many dossiers are submitted each day: working days by weekday and month, days off a little
    (online only); exactly `total` by largest remainders (deterministic)."""
    cal = world.calendar(world.province_center)
    days, weights = [], []
    day = world.first_day
    while day <= world.last_day:
        weight = WEEKDAY[day.weekday()] * MONTH[day.month - 1] if is_working_day(cal, day) else 0.12
        days.append(day)
        weights.append(weight)
        day += timedelta(days=1)
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    for index in sorted(range(len(days)), key=lambda i: (counts[i] - exact[i], i))[:short]:
        counts[index] += 1
    return list(zip(days, counts, strict=True))


def codes_assign(world: World, stories: list[_Story], day: date) -> None:
    """Number the day's dossiers per receiving center in submission order, after the numbers already taken
    (`DossierCodeCounter`), in the format of dossiers.codes: <agency id>-YYMMDD-XXXX."""
    for story in sorted(stories, key=lambda s: s.submitted_at):
        key = (story.receiving.pk, day)
        number = world.counters.get(key, 0) + 1
        world.counters[key] = number
        story.code = f"{story.receiving.agency_code}-{day:%y%m%d}-{number:04d}"
        for payment in story.payments:
            # Like payments._txn_ref_new (time + 40 bits), the bits from the code: unique and reproducible.
            payment.txn_ref = (payment.paid_at.astimezone(VN_TZ).strftime("%y%m%d%H%M%S")
                               + hashlib.sha256(story.code.encode()).hexdigest()[:10].upper())


def plan_days(world: World, *, total: int, seed: int):
    """Yield (day, stories) for the whole history, one day at a time: the plan, pure and deterministic
    for a seed and a starting database (no write). Each day draws from its own generator (seed and date),
    so a day's dossiers do not depend on how the others were batched or planned."""
    for day, count in day_counts(world, total):
        rng = random.Random(f"motcua:{seed}:{day.isoformat()}")
        stories = [story_plan(world, rng, day) for _ in range(count)]
        codes_assign(world, stories, day)
        yield day, stories


# ---------------------------------------------------------------- writing

# The columns written, in the order `_rows` builds its tuples; `columns_check` (and a test) holds them equal
# to the models' concrete columns, so a new field is noticed here instead of being left to its default.
DOSSIER_COLUMNS = (
    "id", "created_at", "updated_at", "code", "procedure_id", "channel", "owner_id", "applicant_kind",
    "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
    "submitter_name", "summary", "form_data", "identity_verified", "result_delivery", "receiving_unit_id",
    "handling_unit_id", "return_unit_id", "stage", "status", "current_step_id", "assignee_id", "submitted_at",
    "received_at", "clock_started_at", "due_at", "legal_due_at", "rescheduled_at", "finished_at", "returned_at",
    "supplement_count", "outcome", "fee_total", "paid_online", "closing_note")
STEP_COLUMNS = ("id", "dossier_id", "order", "name", "role", "unit_id", "allowance", "due_at", "started_at",
                "finished_at", "assignee_id")
EVENT_COLUMNS = ("dossier_id", "at", "actor_id", "action", "from_stage", "to_stage", "status", "step_order", "note",
                 "data")
SUPPLEMENT_COLUMNS = ("dossier_id", "requested_at", "requested_by_id", "missing", "due_before", "received_at",
                      "due_after")
FILE_COLUMNS = ("id", "dossier_id", "kind", "required_paper_id", "name", "file", "content_type", "size", "sha256",
                "uploaded_by_id", "uploaded_at", "reused_from_id")
RATING_COLUMNS = ("dossier_id", "quick", "criteria", "comment", "rated_by_id", "rated_at")
PETITION_COLUMNS = ("id", "dossier_id", "unit_id", "kind", "content", "submitted_by_id", "submitted_at", "due_at",
                    "answer", "answered_by_id", "answered_at", "satisfied")
PAYMENT_COLUMNS = ("dossier_id", "provider", "txn_ref", "amount", "status", "started_by_id", "provider_txn_no",
                   "bank_code", "response_code", "created_at", "expires_at", "notified_at", "paid_at", "raw_notice")
TABLES = [("dossier", Dossier, DOSSIER_COLUMNS), ("step", DossierStep, STEP_COLUMNS),
          ("file", DossierFile, FILE_COLUMNS), ("event", DossierEvent, EVENT_COLUMNS),
          ("supplement", SupplementRequest, SUPPLEMENT_COLUMNS), ("rating", Rating, RATING_COLUMNS),
          ("petition", Petition, PETITION_COLUMNS)]
if Payment is not None:
    TABLES.append(("payment", Payment, PAYMENT_COLUMNS))


def columns_check() -> list[str]:
    """Tables whose written columns differ from the model's (empty when all agree)."""
    wrong = []
    for key, model, columns in TABLES:
        expected = {f.attname for f in model._meta.concrete_fields}
        if set(columns) != expected and set(columns) != expected - {model._meta.pk.attname}:
            wrong.append(key)
    return wrong


@dataclass
class Written:
    dossiers: int = 0
    steps: int = 0
    events: int = 0
    supplements: int = 0
    files: int = 0
    ratings: int = 0
    petitions: int = 0
    payments: int = 0

    def add(self, other: Written) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _rows(stories: list[_Story], stamp: datetime) -> dict[str, list[tuple]]:
    """Rows per table in the column orders above; the stories already carry their reserved ids."""
    rows: dict[str, list[tuple]] = defaultdict(list)
    dossiers, steps, events, files = rows["dossier"], rows["step"], rows["event"], rows["file"]
    for s in stories:
        a, pk = s.applicant, s.id
        dossiers.append((
            pk, stamp, stamp, s.code, s.proc.pk, s.channel, None, a["kind"], a["name"], a["id_number"], a["phone"],
            "", a["address"], a["name"], "", {}, False, s.delivery, s.receiving.pk, s.handling.pk, s.receiving.pk,
            s.stage, STATUS[s.stage], s.steps[s.current].id if s.current is not None else None, s.assignee_id,
            s.submitted_at, s.received_at, s.clock_started_at, s.due_at, s.legal_due_at, s.rescheduled_at,
            s.finished_at, s.returned_at, s.supplement_count, s.outcome, s.proc.fee_total, s.paid_online,
            s.closing_note))
        for st in s.steps:
            steps.append((st.id, pk, st.order, st.name, st.role, st.unit_id, st.allowance, st.due_at, st.started_at,
                          st.finished_at, st.assignee_id))
        for at, actor, action, from_stage, to_stage, status, step, note, data, ref in s.events:
            if ref is not None:
                data = {**data, ref[0]: getattr(ref[1], ref[2])}
            events.append((pk, at, actor, action, from_stage, to_stage, status, step, note, data))
        for r in s.supplements:
            rows["supplement"].append((pk, r.requested_at, r.requested_by, r.missing, r.due_before, r.received_at,
                                       r.due_after))
        for r in s.files:
            files.append((r.id, pk, r.kind, r.required_paper_id, r.name, r.file, "application/pdf", r.size, r.sha256,
                          r.uploaded_by, r.uploaded_at, None))
        if s.rating is not None:
            r = s.rating
            rows["rating"].append((pk, r.quick, r.criteria, r.comment, None, r.rated_at))
        for r in s.petitions:
            rows["petition"].append((r.id, pk, r.unit_id, r.kind, r.content, None, r.submitted_at, r.due_at,
                                     r.answer if r.answered_at else "", r.answered_by, r.answered_at, r.satisfied))
        for r in s.payments:
            number = str(int(hashlib.sha256(r.txn_ref.encode()).hexdigest()[:8], 16))
            rows["payment"].append((pk, "vnpay", r.txn_ref, r.amount, PAID, None, number, "NCB", "00", r.created_at,
                                    r.expires_at, r.paid_at, r.paid_at, {}))
    return rows


PAID = PaymentStatus.PAID.value if PaymentStatus is not None else "paid"


def batch_write(stories: list[_Story], *, writer, stamp: datetime, counters: dict) -> Written:
    """Write a batch of stories and the code counters they moved, in one transaction: whole or nothing."""
    steps = [st for s in stories for st in s.steps]
    files = [r for s in stories for r in s.files]
    petitions = [r for s in stories for r in s.petitions]
    with transaction.atomic():
        for items, model in ((stories, Dossier), (steps, DossierStep), (files, DossierFile), (petitions, Petition)):
            for item, pk in zip(items, ids_reserve(model, len(items)), strict=True):
                item.id = pk
        rows = _rows(stories, stamp)
        for key, model, columns in TABLES:
            writer.write(model, columns, rows[key])
        DossierCodeCounter.objects.bulk_create(
            [DossierCodeCounter(unit_id=unit_id, day=day, last=last) for (unit_id, day), last in sorted(counters.items())],
            update_conflicts=True, unique_fields=["unit", "day"], update_fields=["last"])
    return Written(**{name: len(rows[key]) for name, key in (
        ("dossiers", "dossier"), ("steps", "step"), ("events", "event"), ("supplements", "supplement"),
        ("files", "file"), ("ratings", "rating"), ("petitions", "petition"), ("payments", "payment"))})


# ---------------------------------------------------------------- the whole run


@dataclass
class Report:
    written: Written
    first_day: date
    last_day: date
    writer: str
    overlapped: bool
    generate_seconds: float  # planning and writing, wall clock
    plan_seconds: float
    write_seconds: float
    index_seconds: float = 0.0
    index_rebuilt: bool = False

    @property
    def rate(self) -> float:
        """Dossiers per second, planning and writing (the index rebuild counted apart)."""
        return self.written.dossiers / self.generate_seconds if self.generate_seconds else 0.0


class _Sequential:
    """Write each batch when it is planned, on the caller's connection (inside its transaction if any)."""

    def __init__(self, writer, stamp, progress):
        self.writer, self.stamp, self.progress = writer, stamp, progress
        self.written, self.seconds = Written(), 0.0

    def submit(self, stories: list, counters: dict) -> None:
        began = _clock()
        self.written.add(batch_write(stories, writer=self.writer, stamp=self.stamp, counters=counters))
        self.seconds += _clock() - began
        if self.progress is not None:
            self.progress(len(stories))

    def close(self) -> None:
        pass


class _Overlapped(_Sequential):
    """Write batches in a background thread (its own connection) while the next one is planned: the
    database's work (indexes, foreign-key checks at commit) then runs beside the planning instead of after
    it. One batch waits at most; batches commit in order; a failure stops the run and is raised."""

    def __init__(self, writer, stamp, progress):
        super().__init__(writer, stamp, progress)
        self.thread = WriterThread(lambda *item: _Sequential.submit(self, *item), name="motcua-generate-writer")

    def submit(self, stories: list, counters: dict) -> None:
        self.thread.submit(stories, counters)

    def close(self) -> None:
        self.thread.join()


def _clock() -> float:
    return time_module.perf_counter()


def index_rebuild(*, province: Unit, first_day: date, last_day: date, progress=None) -> bool:
    """Call point for the monitoring counters: bulk inserts bypass the in-transaction listener, so the
    counters of the generated range are rebuilt from the dossiers and events. False when the monitoring
    app offers no rebuild (then run `motcua index rebuild`)."""
    try:
        from motcua.monitoring.counters import counters_rebuild
    except ImportError:
        return False
    counters_rebuild(unit=province, start=first_day, end=last_day, progress=progress)
    return True


COUNTER_TABLES = ("monitoring_dailycounter", "monitoring_monthlycounter", "monitoring_opencounter",
                  "monitoring_openmonthly", "monitoring_openbalance")


def statistics_refresh() -> None:
    """ANALYZE after a bulk load on PostgreSQL: without fresh statistics (autovacuum may be off, or not have
    run yet) the planner takes a province for a handful of rows and reads a million dossiers unit by unit
    (measured: the dashboard's totals 20–30 s before, about 1 s after, on 1 M dossiers). The counters, which
    the index reads, are vacuumed too (2 s on 1 M): their visibility map then allows index-only scans
    (the province's year 499 → 285 ms)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        counters = [name for name in COUNTER_TABLES if name in connection.introspection.table_names()]
        with connection.cursor() as cursor:
            if counters:  # (the monitoring app may be absent)
                cursor.execute(f"VACUUM (ANALYZE) {', '.join(counters)}")
            cursor.execute("ANALYZE")


def generate(options: Options, *, progress: Callable[[int], object] | None = None,
             today: date | None = None, index_progress=None, world: World | None = None) -> Report:
    """Generate `options.dossiers` dossiers of history in the province (see the module docstring).

    On PostgreSQL outside a transaction, batches are written by a background thread while the next one
    is planned (`_Overlapped`); otherwise each batch is written in turn on the caller's connection."""
    world = world or world_load(options, today=today)  # tests pass a narrowed world
    writer = writer_for(options.writer)
    overlap = options.overlap and connection.vendor == "postgresql" and not connection.in_atomic_block
    sink = (_Overlapped if overlap else _Sequential)(writer, timezone.now(), progress)
    pending: list[_Story] = []
    touched: dict[tuple[int, date], int] = {}
    started = plan_mark = _clock()
    plan_seconds = 0.0
    try:
        for day, stories in plan_days(world, total=options.dossiers, seed=options.seed):
            for story in stories:
                touched[(story.receiving.pk, day)] = world.counters[(story.receiving.pk, day)]
            pending.extend(stories)
            if len(pending) >= options.batch:
                plan_seconds += _clock() - plan_mark
                sink.submit(pending, touched)
                pending, touched, plan_mark = [], {}, _clock()
        plan_seconds += _clock() - plan_mark
        if pending:
            sink.submit(pending, touched)
    finally:
        sink.close()
    statistics_refresh()
    report = Report(written=sink.written, first_day=world.first_day, last_day=world.last_day, writer=writer.name,
                    overlapped=overlap, generate_seconds=_clock() - started, plan_seconds=plan_seconds,
                    write_seconds=sink.seconds)
    if options.index:
        began = _clock()
        report.index_rebuilt = index_rebuild(province=world.province, first_day=world.first_day,
                                             last_day=world.last_day, progress=index_progress)
        report.index_seconds = _clock() - began
    return report
