"""Shared fixtures: personas for access tests, an actor helper, service requirements.

Personas (see tests/personas.py): ``admin`` (superuser), ``owner`` and ``teammate`` (sales
reps in team "Ventes Nord"), ``manager`` (manages "Ventes", parent of "Ventes Nord"), and
``outsider`` (a rep in another team, "Support").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from tests.personas import Personas, make_personas


@pytest.fixture(autouse=True)
def audit_codes_are_declared() -> Iterator[None]:
    """Every audit entry any test writes carries a code the registry declares."""
    from django.db.models.signals import post_save

    from moyeu.core.models import AuditEntry
    from moyeu.core.registry import registry

    written: set[str] = set()

    def seen(sender: Any, instance: AuditEntry, created: bool, **kwargs: Any) -> None:
        if created:
            written.add(instance.code)

    post_save.connect(seen, sender=AuditEntry, dispatch_uid="tests.audit_codes")
    try:
        yield
    finally:
        post_save.disconnect(sender=AuditEntry, dispatch_uid="tests.audit_codes")
    undeclared = sorted(written - registry.audit_codes())
    assert not undeclared, f"audit codes written but not declared in the registry: {undeclared}"


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Service messages are asserted in English; UI tests switch language per request."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def documents_folder(settings: Any, tmp_path: Path) -> Path:
    """Files attached to records (the documents module, demo data too) go to the test's own
    folder, never to var/documents."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow by design; tests of password storage itself check the real setting."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp(settings: Any) -> Iterator[Any]:
    """A real SMTP server on 127.0.0.1 (tests/smtp.py), and Django sending to it."""
    from tests.smtp import smtp_server

    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = inbox.host, inbox.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.DEFAULT_FROM_EMAIL = "Moyeu <crm@moyeu.test>"
        yield inbox
