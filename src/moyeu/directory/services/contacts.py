from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import MoyeuError, ValidationFailed
from moyeu.core.services import records
from moyeu.directory.models import Account, Contact
from moyeu.directory.services.normalise import normalise


def _check_account(actor: Actor, values: Mapping[str, Any]) -> None:
    """A contact may only be linked to an account its author can see."""
    account_id = values.get("account_id")
    if account_id is None:
        return
    if not Account.objects.visible_to(actor, "view").filter(pk=account_id).exists():
        raise ValidationFailed({"account_id": [_("No such account.")]})


def contact_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
) -> Contact:
    cleaned = normalise(values)
    _check_account(actor, cleaned)
    return records.record_create(
        Contact, actor=actor, values=cleaned, custom=custom, tags=tags, external_ids=external_ids
    )


def contact_update(
    *,
    actor: Actor,
    contact_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
) -> Contact:
    cleaned = normalise(values or {})
    _check_account(actor, cleaned)
    return records.record_update(
        Contact,
        contact_id,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
    )


def contact_delete(
    *, actor: Actor, contact_id: uuid.UUID, expected_version: int | None = None
) -> None:
    records.record_delete(Contact, contact_id, actor=actor, expected_version=expected_version)


def contact_upsert_by_external_id(
    *,
    actor: Actor,
    system: str,
    value: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> tuple[Contact, bool]:
    """Update the contact ``system`` knows as ``value``, or create it: (contact, created)."""
    cleaned = normalise(values)
    _check_account(actor, cleaned)
    return records.record_upsert_by_external_id(
        Contact,
        system=system,
        value=value,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        expected_version=expected_version,
    )


def contact_bulk_create(*, actor: Actor, rows: Iterable[Mapping[str, Any]]) -> list[Contact]:
    """Create every row or none. ``rows`` hold contact_create's keyword arguments.

    Errors of all rows are reported together, keyed ``<row index>.<field>``.
    """
    errors: dict[str, list[str]] = {}
    created: list[Contact] = []
    with transaction.atomic():
        for index, row in enumerate(rows):
            try:
                with transaction.atomic():
                    created.append(contact_create(actor=actor, **row))
            except ValidationFailed as exc:
                for field, messages in exc.errors.items():
                    errors[f"{index}.{field}"] = messages
            except MoyeuError as exc:
                if exc.status != 409:
                    raise
                errors[f"{index}.{exc.details.get('field', 'row')}"] = [exc.message]
        if errors:
            raise ValidationFailed(errors)
    return created
