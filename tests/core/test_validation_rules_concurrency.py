"""Unique rules under real concurrency: several connections, one value saved once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import translation

from moyeu.core.errors import ValidationFailed
from moyeu.core.services.validation_rule_definitions import rule_create
from moyeu.directory.models import Contact
from moyeu.directory.services import contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_writers_of_one_value_save_it_once(personas: Personas) -> None:
    rule_create(
        actor=personas.actor("admin"),
        record_type="directory.contact",
        field="email",
        kind="unique",
    )
    writers = 5
    start = threading.Barrier(writers)
    saved: list[str] = []
    refused: list[dict[str, list[str]]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        translation.activate("en")  # the test's language is the main thread's only
        try:
            start.wait()
            contact = contact_create(
                actor=personas.actor("owner"),
                values={"last_name": f"Martin {n}", "email": "meme@exemple.fr"},
            )
            with lock:
                saved.append(contact.last_name)
        except ValidationFailed as exc:
            with lock:
                refused.append(exc.errors)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            translation.deactivate()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(saved) == 1
    assert refused == [{"email": ["Another record already has this value."]}] * (writers - 1)
    assert Contact.objects.filter(email="meme@exemple.fr").count() == 1
