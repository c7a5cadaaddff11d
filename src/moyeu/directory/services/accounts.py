from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from moyeu.core.context import Actor
from moyeu.core.services import records
from moyeu.directory.models import Account
from moyeu.directory.services.normalise import normalise


def account_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
) -> Account:
    return records.record_create(
        Account,
        actor=actor,
        values=normalise(values),
        custom=custom,
        tags=tags,
        external_ids=external_ids,
    )


def account_update(
    *,
    actor: Actor,
    account_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
) -> Account:
    return records.record_update(
        Account,
        account_id,
        actor=actor,
        values=normalise(values or {}),
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
    )


def account_delete(
    *, actor: Actor, account_id: uuid.UUID, expected_version: int | None = None
) -> None:
    records.record_delete(Account, account_id, actor=actor, expected_version=expected_version)


def account_upsert_by_external_id(
    *,
    actor: Actor,
    system: str,
    value: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> tuple[Account, bool]:
    """Update the account ``system`` knows as ``value``, or create it: (account, created)."""
    return records.record_upsert_by_external_id(
        Account,
        system=system,
        value=value,
        actor=actor,
        values=normalise(values),
        custom=custom,
        tags=tags,
        expected_version=expected_version,
    )
