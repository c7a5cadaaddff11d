"""E-mails, phones and web domains in the forms duplicate detection compares."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers

from moyeu.core.dedup.text import digits

# Domains shared by unrelated people: they say nothing about a company.
PUBLIC_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.fr",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.fr",
        "live.com",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "laposte.net",
        "icloud.com",
        "gmx.de",
        "gmx.fr",
        "web.de",
        "proton.me",
        "protonmail.com",
        "aol.com",
        "bbox.fr",
        "neuf.fr",
    }
)


def email(value: str | None) -> str:
    """Lower case, without a "+tag" in the local part."""
    value = (value or "").strip().lower()
    if "@" not in value:
        return ""
    local, _, domain = value.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


@lru_cache(maxsize=65536)
def phone(value: str | None, region: str = "FR") -> str:
    """E.164 when the number parses, else its digits (so that formats still compare)."""
    value = (value or "").strip()
    if not value:
        return ""
    number = digits(value)
    if value.startswith("+"):
        return f"+{number}"
    if value.startswith("00"):
        return f"+{number[2:]}"
    if region == "FR" and len(number) == 10 and number.startswith("0"):
        return f"+33{number[1:]}"
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def domain(website: str | None) -> str:
    value = (website or "").strip().lower()
    if not value:
        return ""
    if "://" not in value:
        value = f"http://{value}"
    host = urlsplit(value).hostname or ""
    return host.removeprefix("www.")


def email_domain(value: str) -> str:
    found = value.rpartition("@")[2]
    return "" if found in PUBLIC_DOMAINS else found
