"""Password logins are rate-limited per username and per client address."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def test_too_many_failures_block_even_the_right_password(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MOYEU_LOGIN_RATE = 3
    request = RequestFactory().post("/login", REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert authenticate(request, username="owner", password="wrong") is None
    assert authenticate(request, username="owner", password=PASSWORD) is None
    assert request.moyeu_rate_limited is True  # type: ignore[attr-defined]


def test_success_resets_the_username_counter(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MOYEU_LOGIN_RATE = 3
    factory = RequestFactory()
    for address in ("198.51.100.1", "198.51.100.2"):
        assert (
            authenticate(factory.post("/", REMOTE_ADDR=address), username="owner", password="x")
            is None
        )
    user = authenticate(
        factory.post("/", REMOTE_ADDR="198.51.100.3"), username="owner", password=PASSWORD
    )
    assert user == personas.owner
    for address in ("198.51.100.4", "198.51.100.5"):
        assert (
            authenticate(factory.post("/", REMOTE_ADDR=address), username="owner", password="x")
            is None
        )
    assert (
        authenticate(
            factory.post("/", REMOTE_ADDR="198.51.100.6"), username="owner", password=PASSWORD
        )
        == personas.owner
    )


def test_service_accounts_cannot_log_in_with_a_password(personas: Personas) -> None:
    personas.outsider.is_service_account = True
    personas.outsider.save()
    assert authenticate(RequestFactory().post("/"), username="outsider", password=PASSWORD) is None
