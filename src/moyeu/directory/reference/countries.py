"""ISO 3166-1 alpha-2 countries, from the region data phonenumbers maintains.

phonenumbers' locale table names every ISO 3166-1 country (249) and AN, the Netherlands
Antilles, withdrawn from ISO 3166-1 in 2010 (now BQ, CW, SX), which we leave out; so are the
codes that are not ISO 3166-1 assignments, should a later version add them (AC, TA, XK).
"""

from __future__ import annotations

from functools import cache

from phonenumbers.geodata.locale import LOCALE_DATA

_NOT_ISO_3166_1 = frozenset({"AN", "AC", "TA", "XK"})

COUNTRY_CODES: frozenset[str] = frozenset(
    code
    for code in LOCALE_DATA
    if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_ISO_3166_1
)


def is_country(code: str) -> bool:
    return code in COUNTRY_CODES


def country_name(code: str, language: str = "en") -> str:
    """The country's name in ``language`` (English when the table has none), or the code."""
    names = LOCALE_DATA.get(code)
    if names is None:
        return code
    name = names.get(language[:2].lower()) or names.get("aa") or code
    seen = set()
    while name.startswith("*") and name not in seen:
        seen.add(name)
        name = names.get(name[1:]) or code
    return name


@cache
def country_choices(language: str) -> list[tuple[str, str]]:
    """(code, name) of every country, sorted by name in ``language``."""
    pairs = [(code, country_name(code, language)) for code in COUNTRY_CODES]
    return sorted(pairs, key=lambda pair: pair[1].casefold())
