# SPDX-License-Identifier: AGPL-3.0-or-later
"""Test support for the index: drive dossiers through the real services, one named operation at a time.

`Play` keeps a simulated clock (working days from Wed 1 Jul 2026) and the dossiers it made; `play.do(op,
pick)` runs one operation on one dossier and ignores refusals (ApplicationError: the workflow said no),
so a random sequence of operations is always a legal history.

Every dossier belongs to the world's citizen, so that ratings and petitions go through the real services
of `motcua.dossiers.feedback`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import ApplicationError
from motcua.documents.services import dossier_file_attach
from motcua.dossiers.feedback import dossier_rate, petition_submit
from motcua.dossiers.feedback import petition_answer as answer_petition
from motcua.dossiers.feedback import petition_rate as rate_petition
from motcua.dossiers.models import Petition, Stage
from motcua.dossiers.services import (
    dossier_assign,
    dossier_confirm_fees,
    dossier_forward,
    dossier_mark_paid_online,
    dossier_receive,
    dossier_receive_supplement,
    dossier_refuse,
    dossier_request_fees,
    dossier_request_supplement,
    dossier_reschedule,
    dossier_return_result,
    dossier_send_back,
    dossier_stop,
    dossier_submit_online,
    dossier_withdraw,
)
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name="tep.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def actor_of_step(w, dossier):
    role = dossier.current_step.role if dossier.current_step_id else None
    return {"tiep_nhan": w.receiver, "chuyen_vien": w.specialist, "lanh_dao_phong": w.leader,
            "lanh_dao_ky": w.signer, "van_thu": w.clerk}.get(role, w.specialist)


# ---------------------------------------------------------------- ratings and petitions (the real services)


def rate(w, dossier, quick: str, at: datetime):
    return dossier_rate(dossier=dossier, actor=dossier.owner, quick=quick, at=at)


def petition(w, dossier, at: datetime) -> Petition:
    """Filed by the owner; due in MOTCUA_PETITION_DAYS (10) working days."""
    return petition_submit(dossier=dossier, actor=dossier.owner, content="Hồ sơ chậm, đề nghị xem xét", at=at)


def petition_answer(w, p: Petition, at: datetime) -> Petition:
    return answer_petition(petition=p, actor=w.leader, answer="Đã xem xét, trả lời", at=at)


def petition_rate(w, p: Petition, satisfied: bool, at: datetime) -> Petition:
    return rate_petition(petition=p, actor=p.dossier.owner, satisfied=satisfied, at=at)


# ---------------------------------------------------------------- random histories

OPS = ["receive", "submit", "accept", "refuse", "assign", "forward", "forward", "forward", "send_back",
       "request_supplement", "receive_supplement", "request_fees", "confirm_fees", "reschedule", "stop",
       "withdraw", "return", "pay", "rate", "petition", "answer", "petition_rate", "result_file", "paper_file",
       "next_day"]


# What can happen to a dossier in each stage (the workflow may still refuse, e.g. a second apology).
APPLICABLE = {
    Stage.SUBMITTED: ["accept", "accept", "refuse", "withdraw", "pay"],
    Stage.RECEIVED: ["assign", "assign", "assign", "reschedule", "pay", "petition", "paper_file"],
    Stage.PROCESSING: ["forward", "forward", "forward", "forward", "forward", "forward", "send_back",
                       "request_supplement", "request_fees", "reschedule", "stop", "withdraw", "pay", "petition",
                       "paper_file", "result_file"],
    Stage.SUPPLEMENT: ["receive_supplement", "receive_supplement", "receive_supplement", "withdraw", "petition"],
    Stage.FEES: ["confirm_fees", "confirm_fees", "withdraw", "pay"],
    Stage.DONE: ["return", "rate", "result_file", "petition"],
    Stage.RETURNED: ["rate", "petition"],
}
GLOBAL = ["receive", "submit", "next_day", "answer", "petition_rate"]
CLOSED = (Stage.REFUSED, Stage.WITHDRAWN, Stage.STOPPED, Stage.RETURNED)


class Play:
    def __init__(self, w, start: datetime | None = None, max_open: int = 6):
        self.w, self.max_open = w, max_open
        self.now = start or local(2026, 7, 1, 8, 0)
        self.dossiers: list = []
        self.petitions: list[Petition] = []
        self.day_ends: list = []  # days that ended (for snapshots)
        self.refusals: Counter = Counter()  # what the workflow said no to, by operation and error code

    def tick(self) -> datetime:
        self.now += timedelta(minutes=17)
        return self.now

    def next_day(self, days: int = 1) -> None:
        self.day_ends.append(self.now.date())
        self.now = local(self.now.year, self.now.month, self.now.day, 8, 0) + timedelta(days=days)

    def step(self, choice: int, pick: int, variant: int) -> str:
        """One random but plausible operation: a global one, or one that fits the picked dossier's stage.
        Returns what was done ("refused" when the workflow said no)."""
        live = [x for x in self.dossiers if x.stage not in CLOSED] or self.dossiers
        d = live[pick % len(live)] if live else None
        if d is not None:
            d.refresh_from_db()
        options = APPLICABLE.get(d.stage, []) if d is not None and choice % 4 else []
        op = options[variant % len(options)] if options else GLOBAL[variant % len(GLOBAL)]
        open_ones = [x for x in self.dossiers if x.stage not in CLOSED]
        if op in ("receive", "submit") and len(open_ones) >= self.max_open:
            op = "next_day"  # enough dossiers in flight: let time pass instead
        return op if self._run(op, d, pick, variant) else f"refused {op}"

    def do(self, op: str, pick: int = 0, variant: int = 0) -> bool:
        """Run `op` on the `pick`-th dossier; False when the workflow refused it (nothing changed)."""
        d = self.dossiers[pick % len(self.dossiers)] if self.dossiers else None
        if d is not None:
            d.refresh_from_db()
        return self._run(op, d, pick, variant)

    def _run(self, op: str, d, pick: int, variant: int) -> bool:
        try:
            return self._do(op, d, pick, variant)
        except ApplicationError as refusal:
            self.refusals[f"{op}: {refusal.code}"] += 1
            return False

    def _do(self, op: str, d, pick: int, variant: int) -> bool:  # noqa: C901 — one branch per operation
        w, at = self.w, self.tick()
        if op == "next_day":
            self.next_day(1 + variant % 3)
            return True
        if op == "receive":
            assignee = w.specialist if variant % 2 else None
            self.dossiers.append(receive(w, at, assignee=assignee, owner=w.citizen))
            return True
        if op == "submit":
            dossier, _created = dossier_submit_online(
                procedure=w.marriage, receiving_unit=w.bmt_center, applicant=w.applicant, owner=w.citizen,
                identity_verified=bool(variant % 2), at=at)
            self.dossiers.append(dossier)
            return True
        if d is None:
            return False
        if op == "accept":
            dossier_receive(dossier=d, actor=w.receiver, at=at)
        elif op == "refuse":
            dossier_refuse(dossier=d, actor=w.receiver, reason="Thiếu giấy tờ", at=at)
        elif op == "assign":
            dossier_assign(dossier=d, actor=w.receiver, assignee=w.specialist, at=at)
        elif op == "forward":
            if d.stage != Stage.PROCESSING:
                return False
            dossier_forward(dossier=d, actor=actor_of_step(w, d), at=at)
        elif op == "send_back":
            if d.stage != Stage.PROCESSING:
                return False
            dossier_send_back(dossier=d, actor=actor_of_step(w, d), reason="Cần xem lại", at=at)
        elif op == "request_supplement":
            dossier_request_supplement(dossier=d, actor=w.specialist, missing="Bản sao CCCD", at=at)
        elif op == "receive_supplement":
            dossier_receive_supplement(dossier=d, actor=w.receiver, at=at)
        elif op == "request_fees":
            dossier_request_fees(dossier=d, actor=w.specialist, note="Nộp lệ phí", at=at)
        elif op == "confirm_fees":
            dossier_confirm_fees(dossier=d, actor=w.receiver, at=at)
        elif op == "reschedule":
            if d.due_at is None:
                return False
            dossier_reschedule(dossier=d, actor=w.leader, new_due_at=d.due_at + timedelta(days=3),
                               reason="Cần xác minh thêm", at=at)
        elif op == "stop":
            dossier_stop(dossier=d, actor=w.leader, reason="Không đủ điều kiện", at=at)
        elif op == "withdraw":
            dossier_withdraw(dossier=d, actor=w.receiver, reason="Công dân xin rút", at=at)
        elif op == "return":
            dossier_return_result(dossier=d, actor=w.receiver, at=at)
        elif op == "pay":
            dossier_mark_paid_online(dossier=d, amount=d.fee_total, at=at)
        elif op == "rate":
            if d.stage not in (Stage.DONE, Stage.RETURNED):
                return False
            rate(w, d, ["hai_long", "binh_thuong", "khong_hai_long"][pick % 3], at)
        elif op == "petition":
            if d.received_at is None:
                return False
            self.petitions.append(petition(w, d, at))
        elif op == "answer":
            open_ones = [p for p in self.petitions if p.answered_at is None]
            if not open_ones:
                return False
            chosen = open_ones[pick % len(open_ones)]
            chosen.answered_at = petition_answer(w, chosen, at).answered_at
        elif op == "petition_rate":
            answered = [p for p in self.petitions if p.answered_at is not None and p.satisfied is None]
            if not answered:
                return False
            chosen = answered[pick % len(answered)]
            chosen.satisfied = petition_rate(w, chosen, bool(pick % 2), at).satisfied
        elif op in ("result_file", "paper_file"):
            kind = "ket_qua" if op == "result_file" else "thanh_phan"
            dossier_file_attach(dossier=d, actor=w.clerk, uploaded_file=pdf(), kind=kind)
        else:
            raise ValueError(op)
        return True
