# SPDX-License-Identifier: AGPL-3.0-or-later
"""The procedure's electronic form (tờ khai điện tử): `Procedure.form_schema`, a JSON Schema kept in the
catalogue, turned into a Django form validated on the server.

Supported (docs/portal.md): an object schema with `properties`, `required` and, per property, `title`
(label), `description` (help text) and `propertyOrder` (display order: PostgreSQL's jsonb does not keep
key order) and:

- `string`: `minLength`, `maxLength`, `pattern` (searched, as JSON Schema says), `enum` (with optional
  `enumNames` labels), `format: "date"` (YYYY-MM-DD or DD/MM/YYYY typed), `format: "email"`,
  `"x-multiline": true` (text area);
- `integer`, `number`: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `enum` (integer);
  numbers accept the Vietnamese decimal comma;
- `boolean`: a tick box; listed in `required` (or `const: true`) it must be ticked (a pledge, cam đoan).

Anything else (arrays, nested objects, unknown formats, a broken pattern, a name that is not an
identifier) is **ignored safely**: the field is not shown, the other fields work, a warning is logged,
and `schema_problems()` names each ignored part in Vietnamese so an administrator can fix the catalogue.
Values are stored JSON-ready: dates as "YYYY-MM-DD", numbers as int or float.
"""

import logging
import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

PREFIX = "tk"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
STRING_MAX = 2000            # a string without maxLength still has a bound
MULTILINE_FROM = 256         # maxLength from which a text area is shown
RADIO_MAX = 5                # up to this many choices as radio buttons, more as a list
DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]
KNOWN_FORMATS = {"date", "email"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _props(schema) -> list[tuple[str, dict]]:
    """(name, property) in display order: `propertyOrder`, then the schema's own order."""
    if not isinstance(schema, dict):
        return []
    props = schema.get("properties")
    if not isinstance(props, dict):
        return []
    items = [(name, prop) for name, prop in props.items()]

    def order(entry):
        index, (_name, prop) = entry
        value = prop.get("propertyOrder") if isinstance(prop, dict) else None
        return (value if isinstance(value, int | float) and not isinstance(value, bool) else 10**9, index)

    return [item for _index, item in sorted(enumerate(items), key=order)]


def _required(schema) -> set[str]:
    required = schema.get("required") if isinstance(schema, dict) else None
    return {name for name in required if isinstance(name, str)} if isinstance(required, list) else set()


def _kind(prop: dict) -> str | None:
    """The one non-null type of a property ("string", ["string", "null"] → "string")."""
    kind = prop.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return kind if isinstance(kind, str) else None


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _problem(name: str, prop) -> str | None:
    """Why a property cannot be shown (Vietnamese), or None when it is supported."""
    if not NAME.fullmatch(name):
        return _("trường «%(name)s»: tên chỉ gồm chữ không dấu, số và dấu gạch dưới.") % {"name": name}
    if not isinstance(prop, dict):
        return _("trường «%(name)s»: phải là đối tượng JSON.") % {"name": name}
    kind = _kind(prop)
    if kind not in ("string", "integer", "number", "boolean"):
        return _("trường «%(name)s»: kiểu «%(type)s» chưa được hỗ trợ.") % {"name": name, "type": prop.get("type")}
    if kind == "string":
        fmt = prop.get("format")
        if fmt is not None and fmt not in KNOWN_FORMATS:
            return _("trường «%(name)s»: định dạng «%(format)s» chưa được hỗ trợ.") % {"name": name, "format": fmt}
        pattern = prop.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError):
                return _("trường «%(name)s»: biểu thức pattern không hợp lệ.") % {"name": name}
    enum = prop.get("enum")
    if enum is not None:
        wanted = str if kind == "string" else int
        if kind not in ("string", "integer") or not isinstance(enum, list) or not enum \
                or not all(isinstance(v, wanted) and not isinstance(v, bool) for v in enum):
            return _("trường «%(name)s»: enum phải là danh sách giá trị cùng kiểu với trường.") % {"name": name}
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"):
        if key in prop and not _number(prop[key]):
            return _("trường «%(name)s»: %(key)s phải là số.") % {"name": name, "key": key}
    return None


def schema_problems(schema) -> list[str]:
    """Every part of `schema` the form ignores, in Vietnamese (empty when everything is supported)."""
    if schema in (None, {}):
        return []
    if not isinstance(schema, dict) or schema.get("type", "object") != "object":
        return [_("biểu mẫu điện tử phải là JSON Schema kiểu object.")]
    if not isinstance(schema.get("properties", {}), dict):
        return [_("properties phải là đối tượng JSON.")]
    return [problem for name, prop in _props(schema) if (problem := _problem(name, prop))]


def _choices(prop: dict, required: bool) -> list[tuple]:
    values = prop["enum"]
    names = prop.get("enumNames")
    labels = names if isinstance(names, list) and len(names) == len(values) else values
    choices = [(value, str(label)) for value, label in zip(values, labels, strict=True)]
    return choices if required else [("", _("— Không chọn —")), *choices]


def _messages(label: str, *, choose: bool = False) -> dict:
    required = _("Vui lòng chọn «%(label)s».") if choose else _("Vui lòng nhập «%(label)s».")
    return {"required": required % {"label": label},
            "invalid": _("«%(label)s» không hợp lệ.") % {"label": label},
            "invalid_choice": _("Giá trị đã chọn cho «%(label)s» không có trong danh sách.") % {"label": label}}


def _string_field(prop: dict, common: dict, label: str) -> forms.Field:
    fmt = prop.get("format")
    if fmt == "date":
        return forms.DateField(widget=DateInput, input_formats=DATE_INPUTS, **common,
                               error_messages={**_messages(label),
                                               "invalid": _("«%(label)s» phải là ngày hợp lệ (ngày/tháng/năm).")
                                               % {"label": label}})
    if fmt == "email":
        return forms.EmailField(max_length=int(prop.get("maxLength", 254)), **common,
                                error_messages={**_messages(label),
                                                "invalid": _("«%(label)s» phải là địa chỉ thư điện tử hợp lệ.")
                                                % {"label": label}})
    max_length = min(int(prop.get("maxLength", STRING_MAX)), STRING_MAX)
    validators = []
    if prop.get("pattern") is not None:
        message = prop.get("errorMessage") if isinstance(prop.get("errorMessage"), str) else (
            _("«%(label)s» không đúng định dạng yêu cầu.") % {"label": label})
        validators.append(RegexValidator(prop["pattern"], message=message, code="pattern"))
    # A patterned value (a 12-digit ID, a code) is one line even without a maxLength.
    multiline = prop.get("x-multiline") is True or (max_length >= MULTILINE_FROM and prop.get("pattern") is None)
    return forms.CharField(
        max_length=max_length, min_length=int(prop["minLength"]) if "minLength" in prop else None,
        validators=validators, widget=forms.Textarea(attrs={"rows": 4}) if multiline else forms.TextInput,
        **common, error_messages={**_messages(label),
                                  "max_length": _("«%(label)s» dài tối đa %(n)s ký tự.") % {"label": label, "n": max_length},
                                  "min_length": _("«%(label)s» cần ít nhất %(n)s ký tự.")
                                  % {"label": label, "n": prop.get("minLength")}})


def _bounds(prop: dict, step) -> dict:
    bounds = {}
    if "minimum" in prop:
        bounds["min_value"] = prop["minimum"]
    if "exclusiveMinimum" in prop:
        bounds["min_value"] = prop["exclusiveMinimum"] + step
    if "maximum" in prop:
        bounds["max_value"] = prop["maximum"]
    if "exclusiveMaximum" in prop:
        bounds["max_value"] = prop["exclusiveMaximum"] - step
    return bounds


def _number_messages(label: str, bounds: dict) -> dict:
    messages = _messages(label)
    if "min_value" in bounds:
        messages["min_value"] = _("«%(label)s» phải từ %(n)s trở lên.") % {"label": label, "n": bounds["min_value"]}
    if "max_value" in bounds:
        messages["max_value"] = _("«%(label)s» không được lớn hơn %(n)s.") % {"label": label, "n": bounds["max_value"]}
    return messages


def _field(name: str, prop: dict, required: bool) -> forms.Field:
    kind = _kind(prop)
    label = str(prop.get("title") or name)
    # Django prints help text unescaped; catalogue text is data, never markup.
    common = {"label": label, "help_text": conditional_escape(str(prop.get("description") or "")),
              "required": required}
    if kind == "boolean":
        must = required or prop.get("const") is True
        return forms.BooleanField(**{**common, "required": must}, error_messages={
            "required": _("Cần đánh dấu «%(label)s».") % {"label": label}})
    if "enum" in prop:
        widget = forms.RadioSelect if len(prop["enum"]) <= RADIO_MAX else forms.Select
        coerce = int if kind == "integer" else str
        return forms.TypedChoiceField(choices=_choices(prop, required), coerce=coerce, empty_value=None,
                                      widget=widget, **common, error_messages=_messages(label, choose=True))
    if kind == "string":
        return _string_field(prop, common, label)
    if kind == "integer":
        bounds = _bounds(prop, 1)
        return forms.IntegerField(**bounds, **common, error_messages={
            **_number_messages(label, bounds), "invalid": _("«%(label)s» phải là số nguyên.") % {"label": label}})
    bounds = {k: Decimal(str(v)) for k, v in _bounds(prop, 0).items()}
    messages = _number_messages(label, bounds)
    if "exclusiveMinimum" in prop:
        messages["min_value"] = _("«%(label)s» phải lớn hơn %(n)s.") % {"label": label, "n": prop["exclusiveMinimum"]}
        bounds["min_value"] = Decimal(str(prop["exclusiveMinimum"])) + Decimal("1e-9")
    if "exclusiveMaximum" in prop:
        messages["max_value"] = _("«%(label)s» phải nhỏ hơn %(n)s.") % {"label": label, "n": prop["exclusiveMaximum"]}
        bounds["max_value"] = Decimal(str(prop["exclusiveMaximum"])) - Decimal("1e-9")
    # max_digits: "1e1000000" is a valid Decimal whose int() costs seconds of CPU.
    return forms.DecimalField(**bounds, max_digits=20, localize=True, **common, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                              error_messages={**messages, "invalid": _("«%(label)s» phải là số.") % {"label": label}})


_warned: set[str] = set()


def _warn_once(problem: str) -> None:
    """Log an ignored field once per process, not on every page view."""
    if problem not in _warned and len(_warned) < 1000:
        _warned.add(problem)
        logger.warning("e-form field ignored: %s", problem)


def eform_fields(schema) -> dict[str, forms.Field]:
    """The supported properties of `schema` as form fields, in display order (see the module docstring)."""
    fields: dict[str, forms.Field] = {}
    if not isinstance(schema, dict) or schema.get("type", "object") != "object":
        return fields
    required = _required(schema)
    for name, prop in _props(schema):
        problem = _problem(name, prop)
        if problem:
            _warn_once(problem)
            continue
        fields[name] = _field(name, prop, name in required)
    return fields


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class EForm(forms.Form):
    """The e-form of one procedure; `json_data()` gives the cleaned values ready for `Dossier.form_data`."""

    required_css_class = "required"

    def __init__(self, *args, schema=None, **kwargs):
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        self.fields.update(eform_fields(schema))

    def json_data(self) -> dict:
        return {name: _json_value(value) for name, value in self.cleaned_data.items()
                if value not in (None, "")}


def eform_has_fields(schema) -> bool:
    return bool(eform_fields(schema))


def eform_display(schema, values: dict) -> list[tuple[str, str]]:
    """(label, value as shown to a person) for the review page and the receipt, in display order."""
    fields = eform_fields(schema)
    rows = []
    for name, field in fields.items():
        value = (values or {}).get(name)
        if isinstance(field, forms.BooleanField):
            shown = _("Có") if value else _("Không")
        elif value in (None, ""):
            shown = "—"
        elif isinstance(field, forms.TypedChoiceField):
            shown = dict((str(k), v) for k, v in field.choices).get(str(value), str(value))
        elif isinstance(field, forms.DateField):
            try:
                shown = date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except (TypeError, ValueError):
                shown = str(value)
        elif isinstance(value, int | float):
            shown = number_format(value, use_l10n=True)
        else:
            shown = str(value)
        rows.append((str(field.label), shown))
    return rows


NO_FORM = gettext_lazy("Thủ tục này không có tờ khai điện tử: bạn chỉ cần tải lên các giấy tờ.")
