"""A contact's links to accounts: roles, and the one primary link that is ``Contact.account``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.directory.models import Account, Contact
from moyeu.directory.services.channels import Errors, Row, add_error
from moyeu.directory.services.normalise import clean_text

_KEYS = {"account", "role", "is_primary"}


def current_links(contact: Contact | None) -> list[Row]:
    if contact is None:
        return []
    return [
        {"account": link.account_id, "role": link.role, "is_primary": link.is_primary}
        for link in contact.account_links.all()
    ]


def _uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def clean_links(actor: Actor, raw: Any, errors: Errors) -> list[Row]:
    """Checked links, the primary one first (the one marked, else the first)."""
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        add_error(errors, "links", _("Expected a list."))
        return []
    wanted: list[tuple[int, uuid.UUID, Mapping[str, Any]]] = []
    for index, item in enumerate(raw):
        path = f"links.{index}"
        if not isinstance(item, Mapping):
            add_error(errors, path, _("Expected an object."))
            continue
        for key in sorted(set(item) - _KEYS):
            add_error(errors, f"{path}.{key}", _("Unknown field."))
        account_id = _uuid(item.get("account"))
        if account_id is None:
            add_error(errors, f"{path}.account", _("No such account."))
            continue
        if any(account_id == other for _i, other, _item in wanted):
            add_error(errors, f"{path}.account", _("This account is already linked."))
            continue
        role = clean_text(item.get("role"))
        if len(role) > 100:
            add_error(errors, f"{path}.role", _("At most %(n)s characters.") % {"n": 100})
        wanted.append((index, account_id, item))
    visible = set(
        Account.objects.visible_to(actor, "view")
        .filter(pk__in=[account_id for _i, account_id, _item in wanted])
        .values_list("pk", flat=True)
    )
    rows: list[Row] = []
    for index, account_id, item in wanted:
        if account_id not in visible:
            add_error(errors, f"links.{index}.account", _("No such account."))
            continue
        rows.append(
            {
                "account": account_id,
                "role": clean_text(item.get("role")),
                "is_primary": bool(item.get("is_primary")),
                "index": index,
            }
        )
    marked = [row for row in rows if row["is_primary"]]
    if len(marked) > 1:
        add_error(
            errors, f"links.{marked[1]['index']}.is_primary", _("Only one link can be primary.")
        )
    primary = marked[0] if marked else (rows[0] if rows else None)
    ordered = ([primary] if primary else []) + [row for row in rows if row is not primary]
    for row in ordered:
        row["is_primary"] = row is primary
    return ordered


def with_primary_account(links: Sequence[Row], account_id: uuid.UUID | None) -> list[Row]:
    """``links`` once ``account_id`` is the primary account (None: no primary account).

    The former primary link stays, as a secondary one; a new account gets a link.
    """
    rows = [dict(row, is_primary=False) for row in links]
    if account_id is None:
        return rows
    chosen = next((row for row in rows if row["account"] == account_id), None)
    if chosen is None:
        chosen = {"account": account_id, "role": "", "is_primary": True}
    else:
        rows.remove(chosen)
    chosen["is_primary"] = True
    return [chosen, *rows]


def check_account(actor: Actor, account_id: Any, errors: Errors, path: str = "account") -> None:
    if account_id is None:
        return
    if not Account.objects.visible_to(actor, "view").filter(pk=account_id).exists():
        add_error(errors, path, _("No such account."))
