# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua generate --province 66 --dossiers 1000000 --months 12 --seed 1`: realistic dossier history in bulk
(docs/generator.md). Exit status 0 when written, 2 when an argument or the database state is refused."""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from motcua.core.errors import ApplicationError
from motcua.demo.generate import Options, generate


def _refuse(message) -> CommandError:
    return CommandError(str(message), returncode=2)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _refuse(_("--end %(value)s: cần một ngày dạng YYYY-MM-DD.") % {"value": value}) from None


def _number(value: str, name: str) -> int:
    try:
        return int(str(value).replace(".", "").replace("_", ""))
    except ValueError:
        raise _refuse(_("%(name)s %(value)s: cần một số nguyên.") % {"name": name, "value": value}) from None


def _vn(number: float, digits: int = 0) -> str:
    """1234567.8 → 1.234.567,8 (Vietnamese grouping)."""
    text = f"{number:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


class Command(BaseCommand):
    help = "Sinh lịch sử hồ sơ giống thực tế cho một tỉnh (ghi hàng loạt) để đo hiệu năng khi dữ liệu lớn dần."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="66", help="Mã tỉnh, thành phố (mặc định 66, Đắk Lắk).")
        parser.add_argument("--dossiers", default="10000", help="Số hồ sơ cần sinh (mặc định 10.000).")
        parser.add_argument("--months", default="12", help="Số tháng lịch sử tính đến ngày kết thúc (mặc định 12).")
        parser.add_argument("--seed", default="1", help="Hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu.")
        parser.add_argument("--end", help="Ngày cuối của lịch sử, YYYY-MM-DD (mặc định hôm nay).")
        parser.add_argument("--batch", default="5000", help="Số hồ sơ mỗi lô ghi (mặc định 5.000).")
        parser.add_argument("--writer", default="auto", help="Cách ghi: auto (COPY trên PostgreSQL, bulk_create "
                                                             "trên SQLite), copy hoặc orm.")
        parser.add_argument("--no-index", action="store_true",
                            help="Không dựng lại bộ đếm Bộ chỉ số sau khi sinh (tự chạy «motcua index rebuild»).")
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")

    def handle(self, *args, **options):
        chosen = Options(
            province=str(options["province"]).strip(), dossiers=_number(options["dossiers"], "--dossiers"),
            months=_number(options["months"], "--months"), seed=_number(options["seed"], "--seed"),
            end=_day(options["end"]) if options["end"] else None, batch=_number(options["batch"], "--batch"),
            writer=str(options["writer"]).strip(), index=not options["no_index"])
        stream = getattr(self.stderr, "_out", sys.stderr)
        hidden = options["no_progress"] or not stream.isatty()
        bar = tqdm(total=chosen.dossiers, unit=" hồ sơ", desc=_("Sinh hồ sơ"), file=stream, dynamic_ncols=True,
                   disable=hidden)
        index_bar = None

        def index_progress(count: int) -> None:
            nonlocal index_bar
            if index_bar is None:
                bar.close()
                index_bar = tqdm(unit=" hồ sơ", desc=_("Dựng lại bộ đếm"), file=stream, dynamic_ncols=True,
                                 disable=hidden)
            index_bar.update(count)

        try:
            report = generate(chosen, progress=bar.update, index_progress=index_progress)
        except ApplicationError as exc:
            raise _refuse(exc.message) from None
        finally:
            bar.close()
            if index_bar is not None:
                index_bar.close()
        self._print(report)

    def _print(self, report) -> None:
        w = report.written
        self.stdout.write(_("Đã sinh %(dossiers)s hồ sơ từ %(first)s đến %(last)s (cách ghi: %(writer)s).")
                          % {"dossiers": _vn(w.dossiers), "first": report.first_day.isoformat(),
                             "last": report.last_day.isoformat(), "writer": report.writer})
        self.stdout.write(_("Số dòng: %(steps)s bước, %(events)s sự kiện, %(supplements)s yêu cầu bổ sung, "
                            "%(files)s tệp, %(ratings)s đánh giá, %(petitions)s phản ánh, %(payments)s thanh toán.")
                          % {"steps": _vn(w.steps), "events": _vn(w.events), "supplements": _vn(w.supplements),
                             "files": _vn(w.files), "ratings": _vn(w.ratings), "petitions": _vn(w.petitions),
                             "payments": _vn(w.payments)})
        self.stdout.write(_("Tốc độ: %(rate)s hồ sơ/giây trong %(seconds)s s (lập kế hoạch %(plan)s s, ghi "
                            "%(write)s s%(overlap)s).")
                          % {"rate": _vn(report.rate), "seconds": _vn(report.generate_seconds, 1),
                             "plan": _vn(report.plan_seconds, 1), "write": _vn(report.write_seconds, 1),
                             "overlap": _(", song song") if report.overlapped else ""})
        if report.index_rebuilt:
            self.stdout.write(_("Đã dựng lại bộ đếm Bộ chỉ số trong %(seconds)s s.") % {"seconds": _vn(report.index_seconds, 1)})
        else:
            self.stdout.write(_("Chưa dựng lại bộ đếm Bộ chỉ số: hãy chạy «motcua index rebuild»."))
        self.stdout.write(_("Tổng thời gian: %(seconds)s s.")
                          % {"seconds": _vn(report.generate_seconds + report.index_seconds, 1)})
