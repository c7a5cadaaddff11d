"""Fixtures of the web UI tests: a signed-in client per persona."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.personas import Personas


@pytest.fixture
def login(personas: Personas) -> Callable[[str], Client]:
    """``login("owner")`` returns a client signed in as that persona, in English."""

    def make(name: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(getattr(personas, name))
        client.cookies["django_language"] = language
        return client

    return make
