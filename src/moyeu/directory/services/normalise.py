"""Normalisation of the directory's values: text, names, e-mails, phones, countries.

Each ``clean_*`` function returns the stored form or raises ``ValueError`` with a message
for the person who typed the value; the services collect those under the field's path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import phonenumbers
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import DOT_ATOM_TEXT, EMAIL_MAX_LENGTH

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


# The common shape of an address: an ASCII dot-atom local part (the library's own pattern),
# one "@", an ASCII host name. For it the library's answer is the local part as typed joined
# to the normalised domain, provided the whole stays within the length limit; the domain's
# answer is asked of the library once per distinct domain. Anything else (quotes, display
# names, Unicode, any error) is the library's call. tests/directory/test_normalise_fast.py
# checks the two paths agree on generated addresses.
_EMAIL_SHAPE = re.compile(r"([^@]+)@([A-Za-z0-9.\-]+)")


@lru_cache(maxsize=65536)
def _email_domain(domain: str) -> tuple[str, str] | None:
    """(normalised, ASCII) forms of a domain the library accepts, or None."""
    try:
        checked = validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.domain, checked.ascii_domain


def _email_fast(text: str) -> str | None:
    shape = _EMAIL_SHAPE.fullmatch(text)
    if shape is None or not DOT_ATOM_TEXT.match(shape[1]):
        return None
    domain = _email_domain(shape[2])
    if domain is None:
        return None
    local = shape[1]
    longest = max(
        len(text), len(local) + 1 + len(domain[0].encode("utf-8")), len(local) + 1 + len(domain[1])
    )
    if longest > EMAIL_MAX_LENGTH:
        return None
    return f"{local}@{domain[0]}"


def clean_email(value: Any) -> str:
    """A syntactically valid e-mail, lower-cased (no DNS lookup)."""
    text = clean_text(value)
    fast = _email_fast(text)
    if fast is not None:
        return fast.lower()
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(_("Not a valid e-mail address: %(reason)s") % {"reason": exc}) from None
    return checked.normalized.lower()


def default_region(country: str | None = None) -> str:
    """The region of numbers typed without a country code."""
    return (country or getattr(settings, "MOYEU_DEFAULT_PHONE_REGION", "FR") or "FR").upper()


# Digits in groups separated by one space, dot or hyphen, with an optional leading "+": the
# library reads such a text exactly as the same digits without separators (it drops
# punctuation before parsing; none of these characters starts an extension), so the answer
# is memoised on that canonical form and the region. Other texts are parsed as typed.
_PHONE_SHAPE = re.compile(r"\+?[0-9]+(?:[ .\-][0-9]+)*")


def _e164(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _national_part(digits: str, region: str) -> tuple[int, str] | None:
    """(country code, national significant number) that phonenumbers' ``parse`` reads from
    ``digits`` (digits, or "+" and digits), for the plain cases only; None for the rest.

    Plain: a country code shared by no other region; for "+" numbers a known code followed
    by no national prefix; for national numbers no international prefix, no leading country
    code and a national prefix, if any, with no transform rule; never a national number
    starting with 0 (the "Italian leading zero"). What ``parse`` does beyond that keeps a
    number whole only when the stripped one would be invalid, which the caller checks.
    """
    if digits.startswith("+"):
        rest = digits[1:]
        for width in (1, 2, 3):
            regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(rest[:width] or 0))
            if regions is not None:
                break
        else:
            return None
        if len(regions) != 1 or rest[0] == "0":
            return None
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(regions[0], None)
        rest = rest[width:]
        prefix = metadata.national_prefix_for_parsing if metadata is not None else None
        if metadata is None or (prefix and re.match(prefix, rest)):
            return None
    else:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
        if metadata is None:
            return None
        code = metadata.country_code
        if code is None or len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())) != 1:
            return None
        intl = metadata.international_prefix
        if (intl and re.match(intl, digits)) or digits.startswith(str(code)):
            return None
        rest = digits
        prefix = metadata.national_prefix_for_parsing
        match = re.match(prefix, digits) if prefix else None
        if match is not None:
            if metadata.national_prefix_transform_rule:
                return None
            rest = digits[match.end() :]
    if not rest or rest[0] == "0" or len(rest) > 17 or metadata.country_code is None:
        return None
    return metadata.country_code, rest


def _e164_canonical(digits: str, region: str) -> str | None:
    """``_e164`` of digits without separators: the number is built directly when the text is
    plain (see ``_national_part``) and valid; phonenumbers parses everything else."""
    part = _national_part(digits, region)
    if part is not None:
        number = phonenumbers.PhoneNumber(country_code=part[0], national_number=int(part[1]))
        if phonenumbers.is_valid_number(number):
            return f"+{part[0]}{part[1]}"
    return _e164(digits, region)


_e164_cached = lru_cache(maxsize=65536)(_e164_canonical)
_SEPARATORS = str.maketrans("", "", " .-")


def clean_phone(value: Any, region: str) -> tuple[str, str]:
    """(the text as typed, trimmed; its E.164 form) of a valid phone number."""
    text = clean_text(value)
    if _PHONE_SHAPE.fullmatch(text):
        e164 = _e164_cached(text.translate(_SEPARATORS), region)
    else:
        e164 = _e164(text, region)
    if e164 is None:
        raise ValueError(
            _("Not a valid phone number (numbers without a country code are read as %(region)s).")
            % {"region": region}
        )
    return text, e164


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
