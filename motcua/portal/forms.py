# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the citizen pages. They only parse what the browser sends; the rules live in the domain apps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Level, OnlineLevel

QUERY_MAX_LENGTH = 200
PAGE_MAX = 10_000


class ProcedureSearchForm(forms.Form):
    """Search and filters of the public catalogue (tra cứu thủ tục hành chính), read from GET.

    A value that does not parse is dropped, never an error page: a shared link with a stale field code
    or a hand-edited `page` still shows the catalogue. Use `filters()` and `page_number()`, not `is_valid()`.
    """

    q = forms.CharField(label=_("Tên thủ tục hoặc từ khóa"), required=False, strip=True)
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False,
                              choices=[("", _("Tất cả các cấp"))] + Level.choices)
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    online = forms.ChoiceField(label=_("Mức độ trực tuyến"), required=False,
                               choices=[("", _("Tất cả"))] + OnlineLevel.choices)
    page = forms.IntegerField(required=False, min_value=1, max_value=PAGE_MAX)

    def __init__(self, *args, fields: list[tuple[str, str]] = (), **kwargs):
        """`fields`: (code, name) of the fields (lĩnh vực) that have published procedures."""
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("Tất cả lĩnh vực")), *fields]

    def clean_q(self) -> str:
        # A pasted paragraph is cut rather than refused.
        return self.cleaned_data["q"][:QUERY_MAX_LENGTH]

    def _valid(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()  # runs cleaning; cleaned_data keeps only the fields that parsed
        return self.cleaned_data

    def filters(self) -> dict:
        """The keyword arguments for catalog.search.procedure_search, invalid values left out."""
        data = self._valid()
        return {"q": data.get("q") or "", "level": data.get("level") or None, "field": data.get("field") or None,
                "online": data.get("online") or None}

    def page_number(self) -> int:
        return self._valid().get("page") or 1

    def for_display(self) -> "ProcedureSearchForm":
        """An unbound copy showing the values in use: ignored values are not flagged as errors."""
        return ProcedureSearchForm(initial=self.filters(), fields=self.fields["field"].choices[1:])
