"""Activities tests: a JSON client per persona, as in tests/api."""

from __future__ import annotations

import pytest

from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)
