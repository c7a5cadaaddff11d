"""Registration numbers for the demo companies: valid check digits, derived from a key.

Made with python-stdnum's check-digit helpers so that they pass the same validation as real
ones, while being drawn from the company's key rather than taken from a register.
"""

from __future__ import annotations

import zlib

from stdnum import luhn
from stdnum.es import cif
from stdnum.fr import siren as siren_module


def _digits(seed: str, count: int) -> str:
    value = zlib.crc32(seed.encode()) * 7919 + zlib.crc32(seed[::-1].encode())
    return str(value).rjust(count, "0")[-count:]


def demo_siren(key: str) -> str:
    body = "9" + _digits(key, 7)  # SIRENs starting with 9 are rare in the register
    return body + luhn.calc_check_digit(body)


def demo_siret(key: str) -> str:
    body = demo_siren(key) + "0001"
    return body + luhn.calc_check_digit(body)


def demo_vat(key: str, country: str) -> str:
    """An intra-EU VAT number for ``country`` (empty where there is none, e.g. CH)."""
    if country == "FR":
        return f"FR{siren_module.to_tva(demo_siren(key))}"
    if country == "BE":
        body = "0" + _digits(key, 7)
        return f"BE{body}{97 - int(body) % 97:02d}"
    if country == "IT":
        body = _digits(key, 7) + "015"  # a provincial office code, as the registry issues
        return f"IT{body}{luhn.calc_check_digit(body)}"
    if country == "ES":
        body = "B" + _digits(key, 7)
        return f"ES{body}{cif.calc_check_digits(body)[0]}"
    return ""
