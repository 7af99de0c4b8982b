# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads on the catalogue. The catalogue is public: no permission filter beyond publication status."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.units.models import Unit

from .models import Procedure, Process, ProcessStep, PublicationStatus


def procedure_list_public():
    return Procedure.objects.filter(publication_status=PublicationStatus.PUBLISHED).select_related(
        "field", "handling_unit")


def procedure_get(*, code: str, public: bool = True) -> Procedure:
    qs = procedure_list_public() if public else Procedure.objects.select_related("field", "handling_unit")
    qs = qs.prefetch_related("fees", "papers", Prefetch("processes", queryset=Process.objects.select_related(
        "province").prefetch_related(Prefetch("steps", queryset=ProcessStep.objects.select_related("unit")))))
    try:
        return qs.get(code=code)
    except Procedure.DoesNotExist:
        raise NotFound(_("Không tìm thấy thủ tục có mã %(code)s.") % {"code": code}, code="procedure_not_found") from None


def process_for(*, procedure: Procedure, province: Unit | None) -> Process | None:
    """The province's own approved process if it has one, else the default process."""
    processes = list(procedure.processes.all())
    own = [p for p in processes if province is not None and p.province_id == province.pk]
    default = [p for p in processes if p.province_id is None]
    return (own or default or [None])[0]
