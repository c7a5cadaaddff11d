"""Company identifiers: SIREN, SIRET, intra-EU or Swiss VAT number, NAF/NACE activity code.

Checked with python-stdnum and stored in their compact form ("732 829 320" -> "732829320").
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from stdnum import exceptions
from stdnum.ch import uid as ch_uid
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat
from stdnum.fr import siren, siret

from moyeu.directory.reference import naf
from moyeu.directory.services.normalise import clean_text


def clean_siren(value: Any) -> str:
    text = clean_text(value)
    if not text:
        return ""
    try:
        return str(siren.validate(text))
    except exceptions.InvalidChecksum:
        raise ValueError(_("This SIREN's check digit is wrong.")) from None
    except exceptions.ValidationError:
        raise ValueError(_("A SIREN has 9 digits.")) from None


def clean_siret(value: Any) -> str:
    text = clean_text(value)
    if not text:
        return ""
    try:
        return str(siret.validate(text))
    except exceptions.InvalidChecksum:
        raise ValueError(_("This SIRET's check digit is wrong.")) from None
    except exceptions.ValidationError:
        raise ValueError(_("A SIRET has 14 digits: the SIREN and 5 more.")) from None


def _clean_swiss_vat(text: str) -> str:
    """CHE, the 9-digit UID and the language suffix: "CHE-116.281.710 MWST" ->
    "CHE116281710MWST" (MWST, TVA, IVA and TPF name the same registration)."""
    try:
        return str(ch_vat.validate(text))
    except exceptions.InvalidChecksum:
        raise ValueError(_("This VAT number's check digits are wrong.")) from None
    except exceptions.ValidationError:
        if ch_uid.is_valid(text):
            raise ValueError(
                _("A Swiss VAT number ends with MWST, TVA, IVA or TPF: CHE-123.456.789 MWST.")
            ) from None
        raise ValueError(
            _("A Swiss VAT number is CHE, 9 digits and MWST, TVA, IVA or TPF.")
        ) from None


def clean_vat_number(value: Any) -> str:
    text = clean_text(value)
    if not text:
        return ""
    if text.upper().startswith("CHE"):
        return _clean_swiss_vat(text)
    try:
        return str(vat.validate(text))
    except exceptions.InvalidComponent:
        raise ValueError(
            _("A VAT number starts with its country code: an EU one such as FR or BE, or CHE.")
        ) from None
    except exceptions.InvalidChecksum:
        raise ValueError(_("This VAT number's check digits are wrong.")) from None
    except exceptions.ValidationError:
        raise ValueError(_("Not a valid VAT number for its country.")) from None


def clean_industry(value: Any) -> str:
    text = clean_text(value)
    if not text:
        return ""
    code = naf.normalise_code(text)
    if code is None:
        raise ValueError(_("Not a NAF/NACE code: give a division (62) or a full code (62.01Z)."))
    return code


def consistency_errors(siren_value: str, siret_value: str, vat_value: str) -> dict[str, str]:
    """Identifiers that contradict each other, by field."""
    errors: dict[str, str] = {}
    if siren_value and siret_value and siret_value[:9] != siren_value:
        errors["siret"] = _("The SIRET must start with the SIREN (%(siren)s).") % {
            "siren": siren_value
        }
    if siren_value and vat_value.startswith("FR") and vat_value[4:] != siren_value:
        errors["vat_number"] = _("A French VAT number must end with the SIREN (%(siren)s).") % {
            "siren": siren_value
        }
    return errors
