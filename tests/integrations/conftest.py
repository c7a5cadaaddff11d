from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import moyeu.integrations.consumers  # noqa: F401  (registers the outbox consumers)
from tests.integrations.receivers import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    """Tests' receivers listen on 127.0.0.1: allowed explicitly, as an administrator would."""
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
