"""Helpers the sales services share: who may administer the catalogue, errors, decimals."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import PermissionDenied
from moyeu.core.registry import registry
from moyeu.identity.access import can_module

Errors = dict[str, list[str]]
MODULE = "sales"


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def require_administer(actor: Actor) -> None:
    if not can_module(actor, MODULE, "administer"):
        raise PermissionDenied(_("Only sales administrators may change the catalogue."))


def decimal_or_error(
    errors: Errors,
    field: str,
    raw: Any,
    *,
    places: int,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    required: bool = True,
) -> Decimal | None:
    """``raw`` as a Decimal of at most ``places`` decimals, or an error on ``field``."""
    if raw in (None, ""):
        if required:
            add_error(errors, field, _("This field is required."))
        return None
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        add_error(errors, field, _("Enter a number."))
        return None
    if not value.is_finite():
        add_error(errors, field, _("Enter a number."))
        return None
    exponent = value.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and -exponent > places
        and value != value.quantize(Decimal(1).scaleb(-places))
    ):
        add_error(errors, field, _("At most %(n)d decimal places.") % {"n": places})
        return None
    if minimum is not None and value < minimum:
        add_error(errors, field, _("At least %(v)s.") % {"v": minimum})
        return None
    if maximum is not None and value > maximum:
        add_error(errors, field, _("At most %(v)s.") % {"v": maximum})
        return None
    return value


def date_or_error(errors: Errors, field: str, raw: Any) -> datetime.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    try:
        parsed = parse_date(str(raw))
    except ValueError:
        parsed = None
    if parsed is None:
        add_error(errors, field, _("Enter a date as YYYY-MM-DD."))
    return parsed


def uuid_or_none(raw: Any) -> uuid.UUID | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def directory_model(name: str) -> type[Model]:
    """The directory's account or contact model, through the registry (no import)."""
    model = registry.record_model(f"directory.{name}")
    if model is None:
        raise LookupError(f"directory.{name} is not installed")
    return model


def visible_record(actor: Actor, record_type: str, record_id: Any) -> Model | None:
    """The record of another module, if it exists and ``actor`` may see it."""
    model = registry.record_model(record_type)
    pk = uuid_or_none(record_id)
    if model is None or pk is None:
        return None
    found: Model | None = (
        model._default_manager.visible_to(actor, "view").filter(pk=pk).first()  # type: ignore[attr-defined]
    )
    return found
