"""Shared fixtures: personas for access tests, an actor helper, service requirements.

Personas (see tests/personas.py): ``admin`` (superuser), ``owner`` and ``teammate`` (sales
reps in team "Ventes Nord"), ``manager`` (manages "Ventes", parent of "Ventes Nord"), and
``outsider`` (a rep in another team, "Support").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from tests.personas import Personas, make_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Service messages are asserted in English; UI tests switch language per request."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow by design; tests of password storage itself check the real setting."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
