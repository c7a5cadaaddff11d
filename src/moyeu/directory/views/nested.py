"""Repeated rows of the directory forms: e-mails, phones, addresses, other accounts.

Each row's inputs are named ``<list>-<key>-<field>``; keys are numbers in display order (new
rows added with htmx get a larger one). A row left empty or ticked "remove" is dropped; the
primary row is chosen with the radio ``<list>-primary``. Errors the service reports as
``<list>.<index>.<field>`` come back beside the row's input.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from moyeu.core.context import Actor
from moyeu.directory.models import Account, AddressKind, EmailKind, PhoneKind
from moyeu.directory.reference.countries import country_choices

Choices = Callable[[Actor], Sequence[tuple[str, Any]]]


@dataclass(frozen=True)
class RowField:
    name: str
    label: str | Promise
    choices: Choices | None = None
    input_type: str = "text"
    size: str = "m"  # s, m or l: the column's width


@dataclass(frozen=True)
class RowSpec:
    name: str  # "phones": the service's list
    label: str | Promise
    add_label: str | Promise
    fields: tuple[RowField, ...]
    help: str | Promise = ""
    has_primary: bool = True

    def blank(self) -> dict[str, Any]:
        return {f.name: "" for f in self.fields}


@dataclass
class Row:
    key: int
    values: dict[str, Any]
    is_primary: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


def _choices(kind: Any) -> Choices:
    return lambda actor: list(kind.choices)


def _country_choices(actor: Actor) -> list[tuple[str, str]]:
    return [("", "—"), *country_choices(get_language() or "en")]


EMAILS = RowSpec(
    "emails",
    _("Other e-mails"),
    _("Add an e-mail"),
    (
        RowField("kind", _("Type"), _choices(EmailKind), size="s"),
        # Not "E-mail": the primary e-mail field above has that label.
        RowField("email", _("Address"), input_type="email", size="l"),
    ),
    help=_("Besides the e-mail above, which is the primary one."),
    has_primary=False,
)
PHONES = RowSpec(
    "phones",
    _("Other phones"),
    _("Add a phone"),
    (
        RowField("kind", _("Type"), _choices(PhoneKind), size="s"),
        RowField("number", _("Number"), input_type="tel", size="l"),
    ),
    help=_("Besides the phone above, which is the primary one."),
    has_primary=False,
)
ADDRESSES = RowSpec(
    "addresses",
    _("Addresses"),
    _("Add an address"),
    (
        RowField("kind", _("Type"), _choices(AddressKind), size="s"),
        RowField("line1", _("Street"), size="l"),
        RowField("line2", _("Address line 2"), size="l"),
        RowField("postcode", _("Postcode"), size="s"),
        RowField("city", _("City")),
        RowField("region", _("Region")),
        RowField("country", _("Country"), _country_choices, size="m"),
    ),
    help=_("The primary one is shown in lists and used first."),
)


def _account_choices(actor: Actor) -> list[tuple[str, str]]:
    visible = Account.objects.visible_to(actor, "view").order_by("name", "id")
    return [("", "—"), *((str(pk), name) for pk, name in visible.values_list("pk", "name"))]


OTHER_ACCOUNTS = RowSpec(
    "links",
    _("Other accounts"),
    _("Add an account"),
    (
        RowField("account", _("Account"), _account_choices, size="l"),
        RowField("role", _("Role")),
    ),
    help=_("Accounts this contact also works with, besides the primary one."),
    has_primary=False,
)
SPECS = {spec.name: spec for spec in (EMAILS, PHONES, ADDRESSES, OTHER_ACCOUNTS)}


@dataclass(frozen=True)
class Column:
    field: RowField
    choices: Sequence[tuple[str, Any]] | None


def columns(spec: RowSpec, actor: Actor) -> list[Column]:
    return [Column(f, f.choices(actor) if f.choices else None) for f in spec.fields]


_KEY = re.compile(r"^([a-z]+)-(\d{1,18})-([a-z0-9_]+)$")


def new_key() -> int:
    """A key larger than any a page rendered before, so new rows come last."""
    return time.time_ns() // 1_000_000


def rows_from_post(spec: RowSpec, data: Mapping[str, Any]) -> list[Row]:
    """The rows of ``spec`` posted, in key order, empty or removed ones left out."""
    keys: set[int] = set()
    for name in data:
        match = _KEY.match(name)
        if match and match.group(1) == spec.name:
            keys.add(int(match.group(2)))
    primary = data.get(f"{spec.name}-primary", "")
    rows: list[Row] = []
    for key in sorted(keys):
        prefix = f"{spec.name}-{key}-"
        if data.get(prefix + "remove"):
            continue
        values = {f.name: data.get(prefix + f.name, "").strip() for f in spec.fields}
        typed = [
            f.name for f in spec.fields if values[f.name] and f.name not in ("kind", "country")
        ]
        if not typed:
            continue
        rows.append(Row(key=len(rows), values=values, is_primary=str(key) == primary))
    return rows


def rows_from_record(spec: RowSpec, items: Sequence[Mapping[str, Any]]) -> list[Row]:
    return [
        Row(
            key=index,
            values={f.name: item.get(f.name, "") for f in spec.fields},
            is_primary=bool(item.get("is_primary")),
        )
        for index, item in enumerate(items)
    ]


def service_rows(spec: RowSpec, rows: Sequence[Row]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        item = dict(row.values)
        if spec.has_primary:
            item["is_primary"] = row.is_primary
        out.append(item)
    return out


def attach_error(rows: Sequence[Row], path: str, messages: Sequence[str]) -> bool:
    """Put the error of ``<list>.<index>.<field>`` on its row; False if there is no such row."""
    parts = path.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) >= len(rows):
        return False
    row = rows[int(parts[1])]
    row.errors.setdefault(parts[2], []).extend(messages)
    return True
