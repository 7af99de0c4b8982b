# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese procedure search (first increment: every folded query word must appear in the folded
name/field/keywords; ranked by popularity). Replaced by the full-text backends of docs/search.md."""

from dataclasses import dataclass

from motcua.core.text import fold

from .selectors import procedure_list_public


@dataclass
class SearchResult:
    count: int
    results: list  # of Procedure, with field and handling_unit loaded


def procedure_search(*, q: str = "", level: str | None = None, field: str | None = None, unit: str | None = None,
                     online: str | None = None, limit: int = 20, offset: int = 0) -> SearchResult:
    """Search the public catalogue. `field` is a field code, `unit` a handling unit code,
    `online` "full" or "partial"."""
    qs = procedure_list_public()
    if level:
        qs = qs.filter(level=level)
    if field:
        qs = qs.filter(field__code=field)
    if unit:
        qs = qs.filter(handling_unit__code=unit)
    if online:
        qs = qs.filter(online_level=online)
    for word in fold(q).split():
        qs = qs.filter(search_text__contains=word)
    qs = qs.order_by("-popularity", "code")
    return SearchResult(count=qs.count(), results=list(qs[offset:offset + limit]))
