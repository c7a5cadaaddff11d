"""Contacts: names and channels normalised, links to accounts with one primary.

``values`` takes the model's fields plus the lists ``emails``, ``phones``, ``addresses``
and ``links`` (``{"account": id, "role": "...", "is_primary": bool}``). ``account_id`` is
the primary account: given alone it moves the primary link, and given ``links`` it follows
the primary one. Phones without a country code are read in the primary account's country.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import MoyeuError, ValidationFailed
from moyeu.core.services import records
from moyeu.directory.duplicates import check
from moyeu.directory.models import (
    Account,
    AccountContactLink,
    Address,
    Contact,
    ContactEmail,
    ContactPhone,
)
from moyeu.directory.services import channels, links
from moyeu.directory.services.channels import Errors, Row, add_error
from moyeu.directory.services.normalise import (
    clean_language,
    clean_name,
    clean_text,
    default_region,
)

_NESTED = ("emails", "phones", "addresses", "links")


def _region(account_id: Any, addresses: list[Row]) -> str:
    country = ""
    if account_id is not None:
        country = (
            Account.objects.filter(pk=account_id).values_list("country", flat=True).first() or ""
        )
    if not country and addresses:
        country = addresses[0]["country"]
    return default_region(country or None)


def _current_rows(contact: Contact | None) -> dict[str, list[Row]]:
    if contact is None:
        return {"emails": [], "phones": [], "addresses": [], "links": []}
    snapshot = contact.related_snapshot()
    rows = {key: snapshot[key] for key in ("emails", "phones", "addresses")}
    rows["links"] = links.current_links(contact)
    return rows


def prepare(
    actor: Actor, values: Mapping[str, Any], current: Contact | None
) -> tuple[dict[str, Any], Callable[[Contact], None]]:
    """The contact's checked values and the writer of its child rows; or ValidationFailed."""
    values = dict(values)
    errors: Errors = {}
    if "phone_e164" in values:
        add_error(errors, "phone_e164", _("Derived from the phones; give phones instead."))
    nested = {key: values.pop(key) for key in _NESTED if key in values}
    listed = set(nested)
    flat = {k: values[k] for k in ("email", "phone", "postcode", "city", "country") if k in values}
    if "account" in values:
        values["account_id"] = values.pop("account")
    for key in ("first_name", "last_name"):
        if key in values:
            values[key] = clean_name(values[key])
    for key in ("job_title", "civility"):
        if key in values:
            values[key] = clean_text(values[key])
    if "language" in values:
        try:
            values["language"] = clean_language(values["language"])
        except ValueError as exc:
            add_error(errors, "language", str(exc))

    rows = _current_rows(current)
    if "links" in nested:
        rows["links"] = links.clean_links(actor, nested["links"], errors)
        primary_id = rows["links"][0]["account"] if rows["links"] else None
        if "account_id" in values and values["account_id"] != primary_id:
            add_error(errors, "account_id", _("The primary account is the primary link's."))
        values["account_id"] = primary_id
    elif "account_id" in values:
        links.check_account(actor, values["account_id"], errors, "account_id")
        rows["links"] = links.with_primary_account(rows["links"], values["account_id"])
        nested["links"] = rows["links"]
    if "addresses" in nested:
        rows["addresses"] = channels.clean_addresses(nested["addresses"], errors)
    account_id = (
        values["account_id"] if "account_id" in values else getattr(current, "account_id", None)
    )
    region = _region(account_id, rows["addresses"])
    channels.apply_flat_channels(values, nested, rows, region, errors, default_phone_kind="mobile")
    channels.flat_conflicts(channels.cleaned_flat(flat, region), listed, values, errors)
    if errors:
        channels.field_errors(copy.copy(current) if current else Contact(), values, errors)
        raise ValidationFailed(errors)

    def write(contact: Contact) -> None:
        owner = {"contact": contact}
        if "emails" in nested:
            channels.write_rows(ContactEmail, owner, rows["emails"])
        if "phones" in nested:
            channels.write_rows(ContactPhone, owner, rows["phones"])
        if "addresses" in nested:
            channels.write_rows(Address, owner, rows["addresses"])
        if "links" in nested:
            link_rows = [
                {"account_id": r["account"], "role": r["role"], "is_primary": r["is_primary"]}
                for r in rows["links"]
            ]
            channels.write_rows(AccountContactLink, owner, link_rows)

    return values, write


def _visible(actor: Actor, contact_id: Any) -> Contact | None:
    return Contact.objects.visible_to(actor, "view").filter(pk=contact_id).first()


def contact_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
    reject_duplicates: bool = False,
) -> Contact:
    """With ``reject_duplicates``, a record that may already exist is refused (409)."""
    cleaned, write = prepare(actor, values, None)
    if reject_duplicates:
        check.reject_duplicates(actor, "directory.contact", cleaned)
    return records.record_create(
        Contact,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        related=write,
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
    cleaned, write = prepare(actor, values or {}, _visible(actor, contact_id))
    return records.record_update(
        Contact,
        contact_id,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
        related=write,
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
    found = records.find_by_external_id(Contact, system, value)
    cleaned, write = prepare(actor, values, _visible(actor, found.pk) if found else None)
    return records.record_upsert_by_external_id(
        Contact,
        system=system,
        value=value,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        expected_version=expected_version,
        related=write,
    )


def contact_link_account(
    *,
    actor: Actor,
    contact_id: uuid.UUID,
    account_id: uuid.UUID,
    role: str = "",
    is_primary: bool = False,
    expected_version: int | None = None,
) -> Contact:
    """Link the contact to an account (or change the link's role / make it primary)."""
    current = _visible(actor, contact_id)
    rows = [dict(row) for row in links.current_links(current)]
    existing = next((row for row in rows if row["account"] == account_id), None)
    if existing is None:
        rows.append({"account": account_id, "role": role, "is_primary": is_primary})
    else:
        existing["role"] = role
        existing["is_primary"] = existing["is_primary"] or is_primary
    if is_primary:
        for row in rows:
            row["is_primary"] = row["account"] == account_id
    return contact_update(
        actor=actor,
        contact_id=contact_id,
        values={"links": rows},
        expected_version=expected_version,
    )


def contact_unlink_account(
    *,
    actor: Actor,
    contact_id: uuid.UUID,
    account_id: uuid.UUID,
    expected_version: int | None = None,
) -> Contact:
    """Remove the link; when it was the primary one, the next link becomes primary."""
    current = _visible(actor, contact_id)
    rows = [dict(row) for row in links.current_links(current)]
    remaining = [row for row in rows if row["account"] != account_id]
    if len(remaining) == len(rows):
        raise ValidationFailed({"account": [_("This contact is not linked to that account.")]})
    return contact_update(
        actor=actor,
        contact_id=contact_id,
        values={"links": remaining},
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
