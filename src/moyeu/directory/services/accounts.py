"""Accounts: identifiers checked, channels normalised, groups without cycles.

``values`` takes the model's fields plus the lists ``emails``, ``phones`` and ``addresses``
(see moyeu.directory.services.channels). The flat ``email``/``phone``/``city``... of an
account repeat its primary rows: given alone, they replace the primary row.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import ValidationFailed
from moyeu.core.services import records
from moyeu.directory.duplicates import check
from moyeu.directory.models import Account, AccountEmail, AccountPhone, Address
from moyeu.directory.services import channels, identifiers
from moyeu.directory.services.channels import Errors, Row, add_error
from moyeu.directory.services.normalise import (
    clean_country,
    clean_text,
    clean_website,
    default_region,
)

_TEXT = ("name", "trade_name", "city")
_CHECKED: dict[str, Callable[[Any], str]] = {
    "siren": identifiers.clean_siren,
    "siret": identifiers.clean_siret,
    "vat_number": identifiers.clean_vat_number,
    "industry": identifiers.clean_industry,
    "country": clean_country,
    "website": clean_website,
}
# Derived from the child rows: written by this service only.
_DERIVED = ("phone_e164",)


def _current_rows(account: Account | None) -> dict[str, list[Row]]:
    if account is None:
        return {"emails": [], "phones": [], "addresses": []}
    snapshot = account.related_snapshot()
    return {key: snapshot[key] for key in ("emails", "phones", "addresses")}


def _check_parent(
    actor: Actor, account_id: uuid.UUID | None, parent_id: Any, errors: Errors
) -> None:
    if parent_id is None:
        return
    visible = Account.objects.visible_to(actor, "view")
    if not visible.filter(pk=parent_id).exists():
        add_error(errors, "parent", _("No such account."))
        return
    seen: set[Any] = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == account_id:
            add_error(errors, "parent", _("An account cannot be its own parent, even indirectly."))
            return
        seen.add(current)
        current = Account.objects.filter(pk=current).values_list("parent_id", flat=True).first()


def prepare(
    actor: Actor, values: Mapping[str, Any], current: Account | None
) -> tuple[dict[str, Any], Callable[[Account], None]]:
    """The account's checked values and the writer of its child rows; or ValidationFailed."""
    values = dict(values)
    errors: Errors = {}
    for key in _DERIVED:
        if key in values:
            add_error(errors, key, _("Derived from the phones; give phones instead."))
    nested = {key: values.pop(key) for key in ("emails", "phones", "addresses") if key in values}
    listed = set(nested)
    flat = {k: values[k] for k in ("email", "phone", "postcode", "city", "country") if k in values}
    if "parent" in values:
        values["parent_id"] = values.pop("parent")
    for key in _TEXT:
        if key in values:
            values[key] = clean_text(values[key])
    for key, clean in _CHECKED.items():
        if key in values:
            try:
                values[key] = clean(values[key])
            except ValueError as exc:
                add_error(errors, key, str(exc))
    if "postcode" in values:
        values["postcode"] = clean_text(values["postcode"]).upper()
    if "parent_id" in values:
        _check_parent(actor, current.pk if current else None, values["parent_id"], errors)

    rows = _current_rows(current)
    if "addresses" in nested:
        rows["addresses"] = channels.clean_addresses(nested["addresses"], errors)
        primary = rows["addresses"][0] if rows["addresses"] else {}
        for key in ("postcode", "city", "country"):
            values[key] = primary.get(key, "")
    elif rows["addresses"] and {"postcode", "city", "country"} & set(values):
        address = dict(rows["addresses"][0])
        address.update({k: values[k] for k in ("postcode", "city", "country") if k in values})
        if address["country"]:
            rows["addresses"] = channels.replace_primary(rows["addresses"], address)
            nested["addresses"] = rows["addresses"]
    country = values.get("country", current.country if current else "")
    region = default_region(country or None)
    channels.apply_flat_channels(values, nested, rows, region, errors, default_phone_kind="work")

    _identifier_consistency(values, current, errors)
    channels.flat_conflicts(channels.cleaned_flat(flat, region), listed, values, errors)
    if errors:
        channels.field_errors(copy.copy(current) if current else Account(), values, errors)
        raise ValidationFailed(errors)

    def write(account: Account) -> None:
        owner = {"account": account}
        if "emails" in nested:
            channels.write_rows(AccountEmail, owner, rows["emails"])
        if "phones" in nested:
            channels.write_rows(AccountPhone, owner, rows["phones"])
        if "addresses" in nested:
            channels.write_rows(Address, owner, rows["addresses"])

    return values, write


def _identifier_consistency(
    values: dict[str, Any], current: Account | None, errors: Errors
) -> None:
    def effective(key: str) -> str:
        if key in errors:
            return ""
        return str(values[key] if key in values else getattr(current, key, "") or "")

    siren, siret = effective("siren"), effective("siret")
    if siret and not siren and "siren" not in errors:
        values["siren"] = siren = siret[:9]
    for key, message in identifiers.consistency_errors(
        siren, siret, effective("vat_number")
    ).items():
        add_error(errors, key, message)


def account_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
    reject_duplicates: bool = False,
) -> Account:
    """With ``reject_duplicates``, a record that may already exist is refused (409)."""
    cleaned, write = prepare(actor, values, None)
    if reject_duplicates:
        check.reject_duplicates(actor, "directory.account", cleaned)
    return records.record_create(
        Account,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        related=write,
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
    current = Account.objects.visible_to(actor, "view").filter(pk=account_id).first()
    cleaned, write = prepare(actor, values or {}, current)
    return records.record_update(
        Account,
        account_id,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        expected_version=expected_version,
        related=write,
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
    current = records.find_by_external_id(Account, system, value)
    if (
        current is not None
        and not Account.objects.visible_to(actor, "view").filter(pk=current.pk).exists()
    ):
        current = None
    cleaned, write = prepare(actor, values, current)
    return records.record_upsert_by_external_id(
        Account,
        system=system,
        value=value,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        expected_version=expected_version,
        related=write,
    )
