"""NAF rév. 2 (the French edition of NACE Rev. 2): its 21 sections and 88 divisions.

An account's industry is a division ("62"), a group ("62.0"), a class ("62.01") or a French
sub-class ("62.01Z"), whose division must exist; it is stored in that dotted form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import get_language

from moyeu.directory.reference.naf_divisions import DIVISIONS as _DIVISIONS


@dataclass(frozen=True)
class Activity:
    code: str
    label_fr: str
    label_en: str

    def label(self, language: str | None = None) -> str:
        return (
            self.label_fr if (language or get_language() or "").startswith("fr") else self.label_en
        )


# Section letter -> (first division, last division, French label, English label).
_SECTIONS: tuple[tuple[str, int, int, str, str], ...] = (
    ("A", 1, 3, "Agriculture, sylviculture et pêche", "Agriculture, forestry and fishing"),
    ("B", 5, 9, "Industries extractives", "Mining and quarrying"),
    ("C", 10, 33, "Industrie manufacturière", "Manufacturing"),
    (
        "D",
        35,
        35,
        "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
        "Electricity, gas, steam and air conditioning supply",
    ),
    (
        "E",
        36,
        39,
        "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
        "Water supply; sewerage, waste management and remediation activities",
    ),
    ("F", 41, 43, "Construction", "Construction"),
    (
        "G",
        45,
        47,
        "Commerce ; réparation d'automobiles et de motocycles",
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    ("H", 49, 53, "Transports et entreposage", "Transportation and storage"),
    ("I", 55, 56, "Hébergement et restauration", "Accommodation and food service activities"),
    ("J", 58, 63, "Information et communication", "Information and communication"),
    ("K", 64, 66, "Activités financières et d'assurance", "Financial and insurance activities"),
    ("L", 68, 68, "Activités immobilières", "Real estate activities"),
    (
        "M",
        69,
        75,
        "Activités spécialisées, scientifiques et techniques",
        "Professional, scientific and technical activities",
    ),
    (
        "N",
        77,
        82,
        "Activités de services administratifs et de soutien",
        "Administrative and support service activities",
    ),
    (
        "O",
        84,
        84,
        "Administration publique",
        "Public administration and defence; compulsory social security",
    ),
    ("P", 85, 85, "Enseignement", "Education"),
    ("Q", 86, 88, "Santé humaine et action sociale", "Human health and social work activities"),
    (
        "R",
        90,
        93,
        "Arts, spectacles et activités récréatives",
        "Arts, entertainment and recreation",
    ),
    ("S", 94, 96, "Autres activités de services", "Other service activities"),
    (
        "T",
        97,
        98,
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées des "
        "ménages en tant que producteurs de biens et services pour usage propre",
        "Activities of households as employers; undifferentiated goods- and services-producing "
        "activities of households for own use",
    ),
    (
        "U",
        99,
        99,
        "Activités extra-territoriales",
        "Activities of extraterritorial organisations and bodies",
    ),
)

SECTIONS: dict[str, Activity] = {
    letter: Activity(letter, fr, en) for letter, _first, _last, fr, en in _SECTIONS
}
DIVISIONS: dict[str, Activity] = {code: Activity(code, fr, en) for code, fr, en in _DIVISIONS}

_CODE = re.compile(r"^(\d{2})(?:\.?(\d)(\d)?([A-Z])?)?$")


def section_of(division: str) -> Activity:
    number = int(division)
    for letter, first, last, _fr, _en in _SECTIONS:
        if first <= number <= last:
            return SECTIONS[letter]
    raise LookupError(division)


def normalise_code(raw: str) -> str | None:
    """``raw`` as a stored code ("6201z" -> "62.01Z"), or None if it names no division.

    A sub-class letter needs the full class ("62.01Z"), as INSEE writes it.
    """
    compact = "".join(raw.split()).upper()
    match = _CODE.match(compact)
    if match is None:
        return None
    division, group, klass, letter = match.groups()
    if division not in DIVISIONS or (letter and not klass):
        return None
    if group is None:
        return division
    return f"{division}.{group}{klass or ''}{letter or ''}"


def describe(code: str, language: str | None = None) -> str:
    """ "62.01Z — Programmation, conseil et autres activités informatiques" (its division's)."""
    division = DIVISIONS.get(code[:2])
    return f"{code} — {division.label(language)}" if division else code


def division_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, "62 — label") of every division, grouped in their sections' order."""
    return [(code, f"{code} — {d.label(language)}") for code, d in DIVISIONS.items()]
