"""Cleaning of activity values: which fields each kind has, sanitised text, phones, e-mails."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any

import nh3
import phonenumbers
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email

from moyeu.activities.models import ActivityKind

Errors = dict[str, list[str]]

COMMON = frozenset({"subject", "body", "occurred_at", "owner_id", "team_id"})
# The columns each kind may set, besides COMMON. Status moves through complete/reopen/cancel.
KIND_FIELDS: dict[str, frozenset[str]] = {
    ActivityKind.CALL: frozenset(
        {"direction", "phone_number", "duration_seconds", "outcome", "recording_url"}
    ),
    ActivityKind.MEETING: frozenset({"ends_at", "location", "video_url", "reminder_at"}),
    ActivityKind.TASK: frozenset({"due_at", "priority", "reminder_at"}),
    ActivityKind.NOTE: frozenset(),
    ActivityKind.EMAIL: frozenset(
        {"direction", "email_from", "email_to", "email_cc", "message_id", "thread_id"}
    ),
    ActivityKind.MESSAGE: frozenset({"channel", "direction"}),
}
# Kinds that are planned, then done: they start open. The others are done when logged.
PLANNED = frozenset({ActivityKind.MEETING, ActivityKind.TASK})
# Rich text allowed in bodies: what a note or an e-mail needs, nothing that runs or loads.
ALLOWED_TAGS = frozenset(
    {"p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "blockquote", "a", "code"}
    | {"pre", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def sanitise_html(value: str) -> str:
    """Rich text as stored: allowed tags only, links made safe (rel=noopener noreferrer)."""
    return nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    ).strip()


def clean_phone(value: Any) -> str:
    """An E.164 number; numbers without a country code are read in the default region."""
    text = str(value or "").strip()
    if not text:
        return ""
    region = str(getattr(settings, "MOYEU_DEFAULT_PHONE_REGION", "FR") or "FR").upper()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(_("Not a phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("Not a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_email(value: Any) -> str:
    """An address, from "Name <address>" or a bare address, checked and lower-cased."""
    text = str(value or "").strip()
    address = parseaddr(text)[1] or text
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(_("Not a valid e-mail address: %(reason)s") % {"reason": exc}) from None


def clean_datetime(value: Any) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        parsed: datetime.datetime | None = value
    else:
        parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(_("Not a date and time, such as 2026-11-25T14:30:00+01:00."))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def check_kind_fields(kind: str, values: Mapping[str, Any], errors: Errors) -> None:
    allowed = COMMON | KIND_FIELDS[kind]
    for name in sorted(values):
        if name not in allowed:
            add_error(
                errors,
                name.removesuffix("_id") if name in {"owner_id", "team_id"} else name,
                _("Not a field of this kind of activity (%(kind)s).") % {"kind": kind},
            )


def clean_values(kind: str, values: dict[str, Any], errors: Errors) -> None:
    """Normalise ``values`` in place; errors go to ``errors`` by field name."""
    for name in ("subject", "location", "email_from", "message_id", "thread_id"):
        if name in values:
            values[name] = str(values[name] or "").strip()
    if "body" in values:
        text = str(values["body"] or "")
        # A message's text is plain text (shown escaped); other bodies are sanitised rich text.
        values["body"] = text.strip() if kind == ActivityKind.MESSAGE else sanitise_html(text)
    for name in ("occurred_at", "ends_at", "due_at", "reminder_at"):
        if name in values:
            try:
                values[name] = clean_datetime(values[name])
            except ValueError as exc:
                add_error(errors, name, str(exc))
    if "phone_number" in values:
        try:
            values["phone_number"] = clean_phone(values["phone_number"])
        except ValueError as exc:
            add_error(errors, "phone_number", str(exc))
    if values.get("email_from"):
        try:
            values["email_from"] = clean_email(values["email_from"])
        except ValueError as exc:
            add_error(errors, "email_from", str(exc))
    for name in ("email_to", "email_cc"):
        if name not in values:
            continue
        raw = values[name] or []
        if isinstance(raw, str):
            raw = [part for part in raw.replace(";", ",").split(",") if part.strip()]
        cleaned: list[str] = []
        for index, item in enumerate(raw):
            try:
                cleaned.append(clean_email(item))
            except ValueError as exc:
                add_error(errors, f"{name}.{index}", str(exc))
        values[name] = list(dict.fromkeys(cleaned))
    if "message_id" in values:
        values["message_id"] = values["message_id"].strip("<>").strip()
    if "thread_id" in values:
        values["thread_id"] = values["thread_id"].strip("<>").strip()
