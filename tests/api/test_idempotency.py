"""Idempotency-Key: replay, scoping, expiry, what is not kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from moyeu.api.models import IdempotencyKey
from moyeu.directory.models import Contact
from tests.api.client import ApiClient
from tests.personas import Personas

pytestmark = pytest.mark.django_db
BODY = {"last_name": "Martin"}


def test_invalid_keys_are_refused(clients: dict[str, ApiClient]) -> None:
    answer = clients["owner"].post("/contacts", BODY, headers={"Idempotency-Key": "a b"})
    assert (answer.status, answer.code) == (400, "api.bad_header")
    assert Contact.objects.count() == 0


def test_keys_are_scoped_to_the_path(clients: dict[str, ApiClient]) -> None:
    key = {"Idempotency-Key": "k-1"}
    contact = clients["owner"].post("/contacts", BODY, headers=key)
    account = clients["owner"].post("/accounts", {"name": "Martin SA"}, headers=key)
    assert (contact.status, account.status) == (201, 201)
    assert "Idempotent-Replayed" not in account.headers


def test_errors_are_replayed_too_but_not_authentication_failures(
    clients: dict[str, ApiClient], anonymous: ApiClient
) -> None:
    key = {"Idempotency-Key": "k-2"}
    first = clients["owner"].post("/contacts", {"last_name": ""}, headers=key)
    again = clients["owner"].post("/contacts", {"last_name": ""}, headers=key)
    assert (first.status, again.status, again.headers["Idempotent-Replayed"]) == (
        422,
        422,
        "true",
    )
    assert again.body == first.body
    assert anonymous.post("/contacts", BODY, headers=key).status == 401
    assert IdempotencyKey.objects.count() == 1


def test_keys_expire_after_a_day(clients: dict[str, ApiClient], personas: Personas) -> None:
    key = {"Idempotency-Key": "k-3"}
    clients["owner"].post("/contacts", BODY, headers=key)
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    later = clients["owner"].post("/contacts?force=true", BODY, headers=key)  # same person
    assert (later.status, "Idempotent-Replayed" in later.headers) == (201, False)
    assert Contact.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1  # the expired row was purged


def test_server_errors_are_not_kept(
    clients: dict[str, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from moyeu.directory.api import routers

    def broken(**kwargs: object) -> None:
        raise RuntimeError("down")

    key = {"Idempotency-Key": "k-4"}
    with monkeypatch.context() as patched:
        patched.setattr(routers, "contacts", replace(routers.contacts, create_service=broken))
        assert clients["owner"].post("/contacts", BODY, headers=key).status == 500
    assert IdempotencyKey.objects.count() == 0
    assert clients["owner"].post("/contacts", BODY, headers=key).status == 201
