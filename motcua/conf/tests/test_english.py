# SPDX-License-Identifier: AGPL-3.0-or-later
"""The English catalogue of the core apps (motcua/locale/en): messages, labels and API errors come out in
English when English is chosen, and no string is left untranslated.

Vietnamese is the source language (every msgid is Vietnamese). After adding or changing a string, from
motcua/ run

    ../.venv/bin/python -m motcua makemessages -l en --no-obsolete --ignore='portal/*' \
        --ignore='backoffice/*' --ignore='dossiers/printing/*' --ignore='dossiers/templates/*' --ignore='*/tests/*'

fill in the new msgstr (and clear any "fuzzy" flag after checking the entry), then
`../.venv/bin/python -m motcua compilemessages -l en --ignore='portal/*' --ignore='backoffice/*'`.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from motcua.core.errors import NotFound
from motcua.dossiers.workflow import Action
from motcua.units.models import Unit
from motcua.units.selectors import unit_get

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MISSING_CODE = "99999"


def _unquote(line: str) -> str:
    body = line.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def po_entries(path: Path = PO) -> list[dict]:
    """The entries of a .po file (blocks separated by a blank line), without the header and obsolete (#~)
    entries: msgid, msgid_plural / msgctxt if any, msgstr (a list: one item, or one per plural form), flags
    and the line of the msgid."""
    entries, number = [], 0
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, field = {"flags": set(), "msgstr": []}, None
        for line in block.split("\n"):
            number += 1
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                if field == "msgstr":
                    entry["msgstr"][-1] += _unquote(line)
                else:
                    entry[field] += _unquote(line)
            else:
                keyword, _, rest = line.partition(" ")
                field = "msgstr" if keyword.startswith("msgstr") else keyword
                if field == "msgstr":
                    entry["msgstr"].append(_unquote(rest))
                else:
                    entry[field] = _unquote(rest)
                    if field == "msgid":
                        entry["line"] = number
        number += 1  # the blank line between blocks
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdrfixXeEgGc]|\{[A-Za-z_]\w*\}", text))


# --- the catalogue file ---------------------------------------------------------------------------------


def test_the_catalogue_has_the_strings_of_every_core_app():
    text = PO.read_text(encoding="utf-8")
    for app in ("accounts", "catalog", "core", "demo", "documents", "dossiers", "units", "workdays"):
        assert f"#: {app}/" in text or f" {app}/" in text, f"no string from {app}/ in {PO}"
    for excluded in ("portal/", "backoffice/", "dossiers/printing/", "dossiers/templates/", "/tests/"):
        assert excluded not in text, f"{excluded} strings belong elsewhere, not in {PO}"


def test_every_msgstr_is_filled():
    entries = po_entries()
    assert len(entries) > 400
    empty = [
        f"django.po:{e['line']}: {e['msgid']!r}" for e in entries if not all(s.strip() for s in e["msgstr"])
    ]
    assert not empty, "untranslated strings:\n" + "\n".join(empty)


def test_no_entry_is_fuzzy():
    fuzzy = [f"django.po:{e['line']}: {e['msgid']!r}" for e in po_entries() if "fuzzy" in e["flags"]]
    assert not fuzzy, "fuzzy entries (check them, then remove the flag):\n" + "\n".join(fuzzy)


def test_translations_keep_the_placeholders():
    wrong = [
        f"django.po:{e['line']}: {e['msgid']!r}"
        for e in po_entries()
        if any(_placeholders(s) != _placeholders(e["msgid"]) for s in e["msgstr"][:1])
    ]
    assert not wrong, "placeholders differ from the msgid:\n" + "\n".join(wrong)


def test_the_compiled_catalogue_is_up_to_date():
    """The .mo Django reads says what the .po says (run compilemessages after editing the .po)."""
    stale = []
    with translation.override("en"):
        for e in po_entries():
            if "msgid_plural" in e or "msgctxt" in e:
                continue
            if translation.gettext(e["msgid"]) != e["msgstr"][0]:
                stale.append(f"django.po:{e['line']}: {e['msgid']!r}")
    assert not stale, "the .mo differs from the .po for:\n" + "\n".join(stale)


# --- real messages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_application_error_in_english():
    with translation.override("en"), pytest.raises(NotFound) as caught:
        unit_get(code=MISSING_CODE)
    message = str(caught.value.message)
    assert "not found" in message.lower() and MISSING_CODE in message
    assert message == f"Unit with code {MISSING_CODE} not found."


@pytest.mark.django_db
def test_the_same_error_in_vietnamese():
    with translation.override("vi"), pytest.raises(NotFound) as caught:
        unit_get(code=MISSING_CODE)
    assert str(caught.value.message) == f"Không tìm thấy đơn vị có mã {MISSING_CODE}."


def test_model_and_field_names_in_english():
    with translation.override("en"):
        assert str(Unit._meta.verbose_name) == "unit"
        assert str(Unit._meta.get_field("agency_code").verbose_name) == "agency identifier"
    with translation.override("vi"):
        assert str(Unit._meta.verbose_name) == "đơn vị"


def test_workflow_action_labels_in_english():
    with translation.override("en"):
        assert str(Action.RECEIVE.label) == "Receive a dossier"
        assert str(Action.RESCHEDULE.label) == "Apology and new date"
        english = {action: str(action.label) for action in Action}
    with translation.override("vi"):
        assert str(Action.RECEIVE.label) == "Tiếp nhận hồ sơ"
        untranslated = [str(action.label) for action in Action if str(action.label) == english[action]]
    assert not untranslated, f"action labels left in Vietnamese: {untranslated}"


@pytest.mark.django_db
def test_the_api_speaks_the_language_asked_for(client):
    english = client.get(f"/api/v1/units/{MISSING_CODE}", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404
    assert english.json() == {
        "code": "unit_not_found",
        "message": f"Unit with code {MISSING_CODE} not found.",
    }
    assert english["Content-Language"] == "en"

    vietnamese = client.get(f"/api/v1/units/{MISSING_CODE}", HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.status_code == 404
    assert vietnamese.json()["message"] == f"Không tìm thấy đơn vị có mã {MISSING_CODE}."
    assert vietnamese["Content-Language"] == "vi"
