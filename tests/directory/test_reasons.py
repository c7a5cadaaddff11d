"""Duplicate reasons shown in the user's language; the API keeps them as stored."""

from __future__ import annotations

import inspect
import re

import pytest
from django.utils import translation

from moyeu.core.dedup import engine
from moyeu.directory.duplicates import accounts, contacts, reasons


@pytest.mark.parametrize(
    ("detail", "in_english", "in_french"),
    [
        (
            "same last name, same first name (nickname or accents)",
            "same last name, same first name (nickname or accents)",
            "même nom, même prénom (diminutif ou accents)",
        ),
        (
            "last names 0.93 alike, first names 0.81 alike (names swapped)",
            "last names 0.93 alike, first names 0.81 alike (names swapped)",
            "noms semblables à 0,93, prénoms semblables à 0,81 (nom et prénom inversés)",
        ),
        (
            "same phone number, other prefix",
            "same phone number, other prefix",
            "même numéro de téléphone, autre indicatif",
        ),
        ("different VAT", "different VAT numbers", "numéros de TVA différents"),
        ("something new", "something new", "something new"),
    ],
)
def test_details_are_translated_part_by_part(detail: str, in_english: str, in_french: str) -> None:
    assert reasons.detail_text(detail) == in_english
    with translation.override("fr"):
        assert reasons.detail_text(detail) == in_french
        assert reasons.field_label("company_id") == "identifiant d'entreprise"
        assert reasons.field_label("unknown") == "unknown"


def test_every_phrase_the_comparators_write_is_known() -> None:
    """A new phrase in a comparator must be added to the table (and translated)."""
    phrases: set[str] = set()
    for module in (contacts, accounts, engine):
        source = inspect.getsource(module)
        phrases.update(re.findall(r'(?:return|detail =) .*?"([a-z][^"{]* [^"{]*)"', source))
        phrases.update(re.findall(r'\(\d\.\d+, "([^"]+)"\)', source))
    parts = {part for phrase in phrases for part in phrase.split(", ")}
    assert parts, "no phrase found: the pattern no longer fits the comparators"
    assert sorted(p for p in parts if reasons.detail_text(p) == p and p not in _SAME) == []


# Phrases whose English text is its own translation key (detail_text returns them unchanged).
_SAME = set(reasons._FIXED) - {"different VAT"}
