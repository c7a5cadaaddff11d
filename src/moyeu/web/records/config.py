"""What a module tells the generic record pages about one record type."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q
from django.utils.functional import Promise

from moyeu.core.context import Actor

if TYPE_CHECKING:
    from moyeu.web.records.forms import RecordForm

Label = str | Promise


@dataclass(frozen=True)
class Column:
    """A list column: a model field (``email``, ``account``) or ``custom.<name>``."""

    name: str
    label: Label
    sort: str | None = None  # order_by expression; None: not sortable
    is_link: bool = False  # the column that links to the detail page


@dataclass(frozen=True)
class Filter:
    """A list filter on a model field, offered as a select (choices) or a text box."""

    name: str  # query-string parameter
    label: Label
    lookup: str  # ORM lookup the value goes to, e.g. "kind" or "account_id"
    choices: Callable[[Actor], Sequence[tuple[str, Any]]] | None = None
    # The condition of a value that needs more than a lookup (normalised, or through a child
    # table); it raises ValueError for a value that cannot match.
    condition: Callable[[str], Q] | None = None


@dataclass(frozen=True)
class RecordServices:
    """The module's service functions, adapted to one calling convention."""

    create: Callable[..., Any]  # (actor=, values=, custom=, tags=) -> record
    update: Callable[..., Any]  # (actor=, record_id=, values=, custom=, tags=, expected_version=)
    delete: Callable[..., None]  # (actor=, record_id=, expected_version=)


@dataclass(frozen=True)
class MenuEntry:
    """A navigation link a module contributes; ``audience`` is "module" (users granted the
    module's view), "records" (a business page open to everyone signed in, which shows only
    what each may see), "user" (a personal settings page) or "admin"."""

    label: Label
    url_name: str
    audience: str = "module"


@dataclass(frozen=True)
class RecordUI:
    model: type[Model]
    namespace: str  # URL namespace of the module ("directory")
    name: str  # record name in URL names ("contact" -> contact_list, contact_detail...)
    columns: tuple[Column, ...]
    form_class: type[RecordForm]
    services: RecordServices
    filters: tuple[Filter, ...] = ()
    default_sort: str = "-created_at"
    detail_fields: tuple[str, ...] = ()
    select_related: tuple[str, ...] = ("owner", "team")
    detail_panels: tuple[str, ...] = ()  # extra templates rendered on the detail page
    panel_context: Callable[[Actor, Any], Mapping[str, Any]] | None = None
    page_size: int = 25
    search_fields: tuple[str, ...] = field(default=())
    # False: records are made elsewhere (an order, by accepting a quote): no "New" button.
    creatable: bool = True

    @property
    def record_type(self) -> str:
        return self.model._meta.label_lower

    @property
    def module(self) -> str:
        return self.model._meta.app_label

    @property
    def verbose_name(self) -> Label:
        return self.model._meta.verbose_name or self.name

    @property
    def verbose_name_plural(self) -> Label:
        return self.model._meta.verbose_name_plural or self.name

    def url(self, action: str) -> str:
        return f"{self.namespace}:{self.name}_{action}"

    def parse_id(self, raw: str) -> uuid.UUID | None:
        try:
            return uuid.UUID(raw)
        except ValueError:
            return None


_by_record_type: dict[str, RecordUI] = {}


def register_ui(ui: RecordUI) -> RecordUI:
    """Remember ``ui`` so that shared pages (saved views) can find it by record type."""
    _by_record_type[ui.record_type] = ui
    return ui


def ui_for(record_type: str) -> RecordUI | None:
    return _by_record_type.get(record_type)
