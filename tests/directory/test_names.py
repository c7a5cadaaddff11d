"""The given-name table of duplicate matching: its shape and what it folds together."""

from __future__ import annotations

from collections import Counter

import pytest

from moyeu.core.dedup.text import fold
from moyeu.directory.duplicates.names import NICKNAMES, canonical_first_name


def test_the_table_is_folded_and_unambiguous() -> None:
    variants = Counter(v for forms in NICKNAMES.values() for v in forms)
    assert [v for v, n in variants.items() if n > 1] == []  # one full name per short form
    assert [v for v in variants if v in NICKNAMES] == []  # no chains: a full name is final
    assert [v for v in [*NICKNAMES, *variants] if fold(v) != v] == []
    assert len(NICKNAMES) >= 130 and sum(variants.values()) >= 370


@pytest.mark.parametrize(
    ("typed", "full"),
    [
        ("Bob", "robert"),
        ("BILL", "william"),
        ("Jean-Pierre", "jean pierre"),
        ("JP", "jean pierre"),
        ("Maggie", "marguerite"),
        ("Peggy", "marguerite"),
        ("Steve", "etienne"),
        ("Matthew", "mathieu"),
        ("Matthieu", "mathieu"),
        ("Jules", "jules"),  # a name of its own, not Julien
        ("Margaux", "margaux"),
        ("Jim", "james"),
        ("Élisabeth", "elisabeth"),
        ("Babette", "elisabeth"),
        ("Sue", "susanne"),
        ("Suzanne", "susanne"),
        ("Frédo", "fredo"),  # not in the table: folded only
        ("Alexis", "alexis"),  # a name of its own, not Alex
        ("Nathan", "nathan"),
    ],
)
def test_short_forms_fold_to_their_full_name(typed: str, full: str) -> None:
    assert canonical_first_name(typed) == full
