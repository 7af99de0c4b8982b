# SPDX-License-Identifier: AGPL-3.0-or-later
"""The assistant's full page /tro-ly/ (trợ lý ảo): the chat widget's fallback that works without JavaScript.

Thin: a form posts the question (and, for a dossier, its code and the applicant's phone), one call to
`services.assistant_ask`, the answer rendered by the server. A POST counts against the same per-address
counter as the API (MOTCUA_RATELIMIT_RATES["assistant"]) and, with a code and a phone, against the tracking
page's counters too (as api.py does), so this page is no faster way to guess a proof. A refusal comes back as
the page with its Vietnamese message and a 4xx status, never a 500.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts.ratelimits import too_many_requests
from motcua.core.errors import ApplicationError
from motcua.dossiers.selectors import track_code_clean

from .answers import Intent
from .intents import dossier_code_find
from .limits import assistant_rate_limited
from .services import MAX_QUESTION_LENGTH, assistant_ask

UNSURE_BELOW = 0.5  # the same threshold as the widget (static/assistant/widget.js)
SUGGESTIONS = (_("Làm giấy khai sinh cần gì?"), _("Phí làm sổ đỏ?"), _("Hồ sơ của tôi đến đâu rồi?"))


class ProofInput(forms.TextInput):
    """The phone is proof: never written back into the page (as /tra-cuu/)."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class AskForm(forms.Form):
    question = forms.CharField(label=_("Câu hỏi của bạn"), max_length=MAX_QUESTION_LENGTH)
    dossier_code = forms.CharField(label=_("Mã hồ sơ"), max_length=64, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                            widget=ProofInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))


def needs_proof(answer) -> bool:
    """A status answer that gave nothing away asks for the code and phone (confidence 0: services.py)."""
    return answer.intent == Intent.STATUS and not answer.confidence > 0


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def assistant_page(request):
    form = AskForm(request.POST if request.method == "POST" else None)
    answer, error, status = None, "", 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        code, phone = data["dossier_code"].strip(), data["phone"].strip()
        proof_code = track_code_clean(code or dossier_code_find(data["question"]))
        if assistant_rate_limited(request, code=proof_code, phone=phone):
            return too_many_requests(request)
        try:
            answer = assistant_ask(question=data["question"], dossier_code=code, phone=phone, user=request.user,
                                   channel="portal", language=(get_language() or "vi")[:2])
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status
    elif form.is_bound:
        status = 400
    proof = answer is not None and needs_proof(answer)
    context = {
        "form": form,
        "suggestions": SUGGESTIONS,
        "answer": answer,
        "error": error,
        "unsure": answer is not None and answer.intent != Intent.STATUS and answer.confidence < UNSURE_BELOW,
        "show_proof": proof or bool(form.is_bound and form.data.get("dossier_code")),
        # The question stays in the box while the code and phone are asked for, so one tap resends it.
        "keep_question": proof or answer is None,
    }
    return render(request, "assistant/page.html", context, status=status)
