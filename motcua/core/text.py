# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese text helpers: name normalisation, accent folding for search, labels of stored choices."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Unicode decomposition leaves đ/Đ alone: they are letters, not d + a mark.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def normalize_name(value: str) -> str:
    """NFC, trimmed, inner white space collapsed (sources carry stray double spaces), ASCII apostrophe."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "").translate(_APOSTROPHES)).strip()


def fold(value: str) -> str:
    """Lower case without diacritics: 'Đăng ký kết hôn' → 'dang ky ket hon'."""
    decomposed = unicodedata.normalize("NFD", normalize_name(value).translate(_D_MAP))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def choice_label(choices, value: str) -> str:
    """The label of a stored choice value in the active language (Role, Stage, TimeUnit, …); a value the
    choices do not know (older data, an import) is shown as it is rather than failing a page."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
