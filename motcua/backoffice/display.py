# SPDX-License-Identifier: AGPL-3.0-or-later
"""Words of the officers' pages for what the selectors return as keys and durations: tab names, the
due badge ("Còn 2 ngày 3 giờ làm việc", "Quá hạn")."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.dossiers.inbox import DueState, Tab, TabKey
from motcua.dossiers.models import Outcome

TAB_TEXT = {
    TabKey.TO_RECEIVE: (gettext_lazy("Chờ tiếp nhận"),
                        gettext_lazy("Hồ sơ nộp trực tuyến chờ cán bộ một cửa tiếp nhận hoặc từ chối.")),
    TabKey.TO_ASSIGN: (gettext_lazy("Chờ phân công"), gettext_lazy("Hồ sơ đã tiếp nhận, chờ chuyển cho người xử lý.")),
    TabKey.MINE: (gettext_lazy("Chờ tôi xử lý"),
                  gettext_lazy("Hồ sơ cần thẩm định: đã giao cho tôi, hoặc chưa giao cho ai trong đơn vị.")),
    TabKey.TO_APPROVE: (gettext_lazy("Chờ phê duyệt"), gettext_lazy("Hồ sơ đã thẩm định, chờ lãnh đạo phòng xem xét.")),
    TabKey.TO_SIGN: (gettext_lazy("Chờ ký"), gettext_lazy("Kết quả chờ lãnh đạo ký duyệt.")),
    TabKey.TO_ISSUE: (gettext_lazy("Chờ phát hành"),
                      gettext_lazy("Kết quả đã ký, chờ văn thư vào sổ, đóng dấu, phát hành.")),
    TabKey.WAITING: (gettext_lazy("Chờ công dân bổ sung"),
                     gettext_lazy("Hồ sơ chờ công dân bổ sung giấy tờ hoặc thực hiện nghĩa vụ tài chính; "
                                  "thời hạn đang tạm dừng.")),
    TabKey.DUE_SOON: (gettext_lazy("Sắp đến hạn"),
                      gettext_lazy("Hồ sơ đang xử lý còn không quá 1 ngày làm việc đến ngày hẹn trả.")),
    TabKey.OVERDUE: (gettext_lazy("Quá hạn"), gettext_lazy("Hồ sơ đang xử lý đã qua ngày hẹn trả.")),
    TabKey.TO_RETURN: (gettext_lazy("Chờ trả kết quả"), gettext_lazy("Đã xử lý xong, kết quả chờ trả cho công dân.")),
}


@dataclass(frozen=True)
class TabView:
    key: str
    count: int
    label: str
    description: str


def tab_view(tab: Tab) -> TabView:
    label, description = TAB_TEXT[tab.key]
    return TabView(tab.key, tab.count, str(label), str(description))


@dataclass(frozen=True)
class Badge:
    kind: str   # CSS modifier: ok, soon, late, paused, none, closed, truoc_han, dung_han, qua_han
    label: str
    detail: str = ""


def working_duration(value: timedelta, day_length: timedelta) -> str:
    """Office time in words: "2 ngày 3 giờ", "5 giờ 30 phút", "20 phút" (a day is one office day)."""
    days, rest = divmod(value, day_length)
    hours, rest = divmod(rest, timedelta(hours=1))
    minutes = rest // timedelta(minutes=1)
    parts = []
    if days:
        parts.append(ngettext("%(n)s ngày", "%(n)s ngày", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s giờ", "%(n)s giờ", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)s phút", "%(n)s phút", minutes) % {"n": minutes})
    return " ".join(parts) or _("dưới 1 phút")


def due_badge(state: DueState, stage_label: str = "") -> Badge:
    """The badge of a dossier's due state; the word carries the meaning, the colour repeats it."""
    if state.kind in Outcome.values:
        return Badge(state.kind, str(Outcome(state.kind).label))
    if state.kind == "late":
        return Badge("late", _("Quá hạn"), _("quá %(time)s làm việc")
                     % {"time": working_duration(state.office_time, state.day_length)})
    if state.kind in ("ok", "soon"):
        return Badge(state.kind, _("Còn %(time)s làm việc")
                     % {"time": working_duration(state.office_time, state.day_length)})
    if state.kind == "paused":
        return Badge("paused", _("Tạm dừng tính thời hạn"), _("chờ công dân"))
    if state.kind == "none":
        return Badge("none", _("Chưa tiếp nhận"))
    return Badge("closed", stage_label or _("Đã kết thúc"))
