"""The reasons of a duplicate match, in the user's language.

The engine stores each reason's ``detail`` in English (the API returns it as stored, for
logs and integrations); pages show it translated through this table: each part of a detail
(parts are joined by ", ") is a fixed phrase or a phrase with a similarity such as 0.93.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELDS = {
    "name": gettext_lazy("name"),
    "email": gettext_lazy("e-mail"),
    "phone": gettext_lazy("phone"),
    "account": gettext_lazy("account"),
    "company_id": gettext_lazy("company identifier"),
    "domain": gettext_lazy("web domain"),
    "address": gettext_lazy("address"),
    "evidence": gettext_lazy("evidence"),
}

_FIXED: dict[str, Callable[[], str]] = {
    "same last name": lambda: _("same last name"),
    "same first name": lambda: _("same first name"),
    "same first name (nickname or accents)": lambda: _("same first name (nickname or accents)"),
    "first name missing on one side": lambda: _("first name missing on one side"),
    "initial matches": lambda: _("initial matches"),
    "initial differs": lambda: _("initial differs"),
    "same e-mail": lambda: _("same e-mail"),
    "same e-mail user at another domain": lambda: _("same e-mail user at another domain"),
    "different e-mails": lambda: _("different e-mails"),
    "same phone": lambda: _("same phone"),
    "same phone number": lambda: _("same phone number"),
    "other prefix": lambda: _("other prefix"),
    "different phones": lambda: _("different phones"),
    "same account": lambda: _("same account"),
    "different accounts": lambda: _("different accounts"),
    "same SIRET": lambda: _("same SIRET"),
    "same SIREN": lambda: _("same SIREN"),
    "different SIREN": lambda: _("different SIREN"),
    "same VAT number": lambda: _("same VAT number"),
    "different VAT": lambda: _("different VAT numbers"),
    "same name": lambda: _("same name"),
    "same web domain": lambda: _("same web domain"),
    "different web domains": lambda: _("different web domains"),
    "same place": lambda: _("same place"),
    "no identifying field on both sides": lambda: _("no identifying field on both sides"),
    "a common name and no identifying field on both sides": lambda: _(
        "a common name and no identifying field on both sides"
    ),
}

_SCORED: list[tuple[re.Pattern[str], Callable[[str], str]]] = [
    (re.compile(r"^last names (\d\.\d+) alike$"), lambda s: _("last names %s alike") % s),
    (re.compile(r"^first names (\d\.\d+) alike$"), lambda s: _("first names %s alike") % s),
    (re.compile(r"^names (\d\.\d+) alike$"), lambda s: _("names %s alike") % s),
    (re.compile(r"^places (\d\.\d+) alike$"), lambda s: _("places %s alike") % s),
]

_SWAPPED = " (names swapped)"


def _part(text: str) -> str:
    fixed = _FIXED.get(text)
    if fixed is not None:
        return fixed()
    for pattern, phrase in _SCORED:
        found = pattern.match(text)
        if found:
            return phrase(number_format(float(found.group(1)), 2))
    return text  # a phrase this table does not know yet stays as stored


def detail_text(detail: str) -> str:
    swapped = detail.endswith(_SWAPPED)
    parts = [_part(p) for p in detail.removesuffix(_SWAPPED).split(", ")]
    text = ", ".join(parts)
    return text + " " + _("(names swapped)") if swapped else text


def field_label(name: str) -> str:
    return str(FIELDS.get(name, name))
