"""Normalisation of the directory's values: text, names, e-mails, phones, countries.

Each ``clean_*`` function returns the stored form or raises ``ValueError`` with a message
for the person who typed the value; the services collect those under the field's path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import phonenumbers
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email

from moyeu.directory.reference.countries import is_country

# Lower-case particles of family names, kept lower-case inside a name ("Jean de La Fontaine"
# keeps "de"; a name made only of them keeps its first letter up).
_PARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "van", "von", "der", "den", "di", "da"})
_NAME_PART = re.compile("([\\s\\-'\u2019]+)")


def clean_text(value: Any) -> str:
    """Unicode NFC, spaces collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def _name_case(text: str) -> str:
    parts = _NAME_PART.split(text.lower())
    out = []
    for index, part in enumerate(parts):
        is_word = index % 2 == 0 and part
        if is_word and (index == 0 or part not in _PARTICLES):
            part = part[:1].upper() + part[1:]
        out.append(part)
    return "".join(out)


def clean_name(value: Any) -> str:
    """A person's name: collapsed, and name-cased only when typed all upper or all lower.

    "jean-pierre" -> "Jean-Pierre", "DUPONT" -> "Dupont", "d'ARTAGNAN" stays (mixed case
    is the person's own), "McAllister" stays.
    """
    text = clean_text(value)
    if text and (text.isupper() or text.islower()):
        return _name_case(text)
    return text


def clean_email(value: Any) -> str:
    """A syntactically valid e-mail, lower-cased (no DNS lookup)."""
    text = clean_text(value)
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(_("Not a valid e-mail address: %(reason)s") % {"reason": exc}) from None
    return checked.normalized.lower()


def default_region(country: str | None = None) -> str:
    """The region of numbers typed without a country code."""
    return (country or getattr(settings, "MOYEU_DEFAULT_PHONE_REGION", "FR") or "FR").upper()


def clean_phone(value: Any, region: str) -> tuple[str, str]:
    """(the text as typed, trimmed; its E.164 form) of a valid phone number."""
    text = clean_text(value)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(
            _("Not a valid phone number (numbers without a country code are read as %(region)s).")
            % {"region": region}
        )
    return text, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_query(value: str, region: str | None = None) -> str | None:
    """The E.164 form of a phone number searched for, or None if it is not one."""
    try:
        return clean_phone(value, default_region(region))[1]
    except ValueError:
        return None


def clean_country(value: Any) -> str:
    code = clean_text(value).upper()
    if code and not is_country(code):
        raise ValueError(_("Not an ISO 3166-1 alpha-2 country code, such as FR or BE."))
    return code


def clean_language(value: Any) -> str:
    code = clean_text(value).lower()
    if code and (len(code) != 2 or code not in LANG_INFO):
        raise ValueError(_("Not an ISO 639-1 language code, such as fr or en."))
    return code


def clean_website(value: Any) -> str:
    """A web address with a scheme ("exemple.fr" -> "https://exemple.fr")."""
    text = clean_text(value)
    if text and "://" not in text:
        text = f"https://{text}"
    return text


def normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    """Whitespace collapsed in every text value; e-mail lower-cased, country upper-cased."""
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = clean_text(value)
            if key == "email":
                value = value.lower()
            elif key == "country":
                value = value.upper()
        cleaned[key] = value
    return cleaned
