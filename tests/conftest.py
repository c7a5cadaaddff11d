"""Shared fixtures: personas for access tests, an actor helper, service requirements.

Personas (see tests/personas.py): ``admin`` (superuser), ``owner`` and ``teammate`` (sales
reps in team "Ventes Nord"), ``manager`` (manages "Ventes", parent of "Ventes Nord"), and
``outsider`` (a rep in another team, "Support").
"""

from __future__ import annotations

import pytest

from tests.personas import Personas, make_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()
