# SPDX-License-Identifier: AGPL-3.0-or-later
"""Petitions (phản ánh, kiến nghị) in the back office: the list of those about dossiers of the units the
official may see, and the answer form. Thin: read with `dossiers.selectors`, answer with
`dossiers.feedback.petition_answer`, which checks that the official holds a handling role in the
petition's unit (seeing a petition is not enough to answer it)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from motcua.core.errors import ApplicationError, NotFound
from motcua.dossiers.feedback import ANSWER_MAX_LENGTH, petition_answer, petition_may_answer
from motcua.dossiers.selectors import petition_get_visible, petition_list_visible

from .views import _not_found, official_required

PAGE_SIZE = 20
STATES = (
    ("cho_tra_loi", gettext_lazy("Chờ trả lời")),
    ("qua_han", gettext_lazy("Quá hạn trả lời")),
    ("da_tra_loi", gettext_lazy("Đã trả lời")),
    ("", gettext_lazy("Tất cả")),
)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Nội dung trả lời"), max_length=ANSWER_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 6}), label_suffix="",
                             help_text=gettext_lazy("Câu trả lời được gửi tới chủ hồ sơ và hiện trên trang hồ sơ "
                                                    "của họ; không ghi thông tin nội bộ."),
                             error_messages={"required": gettext_lazy("Cần ghi nội dung trả lời.")})


@official_required
@require_safe
def petition_list(request):
    """Phản ánh, kiến nghị: open ones first, most urgent on top; a tab per state."""
    state = request.GET.get("trang_thai", "cho_tra_loi")
    state = state if state in dict(STATES) else "cho_tra_loi"
    now = timezone.now()
    petitions = petition_list_visible(user=request.user, state=state, now=now)
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/petitions.html", {
        "page": page, "states": STATES, "state": state, "now": now})


@official_required
@require_http_methods(["GET", "HEAD", "POST"])
def petition_detail(request, pk: int):
    try:
        petition = petition_get_visible(user=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, str(exc.message))
    may_answer = petition.answered_at is None and petition_may_answer(petition=petition, user=request.user)
    form, error, status = AnswerForm(), "", 200
    if request.method == "POST":
        form = AnswerForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                petition_answer(petition=petition, actor=request.user, answer=form.cleaned_data["answer"])
            except ApplicationError as exc:
                error, status = str(exc.message), exc.status
            else:
                messages.success(request, _("Đã trả lời phản ánh, kiến nghị về hồ sơ %(code)s.")
                                 % {"code": petition.dossier.code})
                return redirect("backoffice:petition", pk=petition.pk)
    return render(request, "backoffice/petitions_detail.html", {
        "petition": petition, "form": form if may_answer or error else None, "error": error,
        "may_answer": may_answer, "now": timezone.now()}, status=status)
