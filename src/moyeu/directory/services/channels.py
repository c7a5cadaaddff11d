"""The typed e-mails, phones and addresses of a record: checked, ordered, written.

Input rows are mappings (``{"kind": "work", "email": "...", "is_primary": true}``). A list
given replaces the record's rows; the primary row (the first one unless another is marked)
comes first, and its value is repeated on the record (``email``, ``phone``/``phone_e164``,
``postcode``/``city``/``country``). Errors are collected under ``<list>.<index>.<key>``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from moyeu.directory.models import AddressKind, EmailKind, PhoneKind
from moyeu.directory.services.normalise import (
    clean_country,
    clean_email,
    clean_phone,
    clean_text,
)

Errors = dict[str, list[str]]
Row = dict[str, Any]

_EMAIL_KEYS = {"kind", "email", "is_primary"}
_PHONE_KEYS = {"kind", "number", "is_primary", "e164"}
_ADDRESS_KEYS = {"kind", "line1", "line2", "postcode", "city", "region", "country", "is_primary"}


def add_error(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


def _rows(
    raw: Any,
    name: str,
    allowed: set[str],
    errors: Errors,
    clean: Callable[[Mapping[str, Any], str], Row | None],
) -> list[Row]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        add_error(errors, name, _("Expected a list."))
        return []
    cleaned: list[Row] = []
    for index, item in enumerate(raw):
        path = f"{name}.{index}"
        if not isinstance(item, Mapping):
            add_error(errors, path, _("Expected an object."))
            continue
        for key in sorted(set(item) - allowed):
            add_error(errors, f"{path}.{key}", _("Unknown field."))
        row = clean(item, path)
        if row is not None:
            row["is_primary"] = bool(item.get("is_primary"))
            row["index"] = index
            cleaned.append(row)
    return cleaned


def _kind(
    item: Mapping[str, Any],
    path: str,
    choices: type[models.TextChoices],
    default: str,
    errors: Errors,
) -> str:
    kind = clean_text(item.get("kind") or default).lower()
    if kind not in choices.values:
        add_error(
            errors,
            f"{path}.kind",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)},
        )
    return kind


def _primary_first(rows: list[Row], name: str, errors: Errors) -> list[Row]:
    """One primary row, put first: the one marked, else the first one."""
    marked = [row for row in rows if row["is_primary"]]
    if len(marked) > 1:
        add_error(
            errors, f"{name}.{marked[1]['index']}.is_primary", _("Only one can be the primary one.")
        )
    primary = marked[0] if marked else (rows[0] if rows else None)
    ordered = ([primary] if primary else []) + [row for row in rows if row is not primary]
    for row in ordered:
        row["is_primary"] = row is primary
    return ordered


def clean_emails(raw: Any, errors: Errors, *, name: str = "emails") -> list[Row]:
    seen: dict[str, int] = {}

    def clean(item: Mapping[str, Any], path: str) -> Row | None:
        kind = _kind(item, path, EmailKind, EmailKind.WORK, errors)
        try:
            email = clean_email(item.get("email"))
        except ValueError as exc:
            add_error(errors, f"{path}.email", str(exc))
            return None
        if email in seen:
            add_error(errors, f"{path}.email", _("This e-mail is already in the list."))
            return None
        seen[email] = 1
        return {"kind": kind, "email": email}

    return _primary_first(_rows(raw, name, _EMAIL_KEYS, errors, clean), name, errors)


def clean_phones(raw: Any, region: str, errors: Errors, *, name: str = "phones") -> list[Row]:
    seen: set[str] = set()

    def clean(item: Mapping[str, Any], path: str) -> Row | None:
        kind = _kind(item, path, PhoneKind, PhoneKind.WORK, errors)
        try:
            number, e164 = clean_phone(item.get("number"), region)
        except ValueError as exc:
            add_error(errors, f"{path}.number", str(exc))
            return None
        if e164 in seen:
            add_error(errors, f"{path}.number", _("This number is already in the list."))
            return None
        seen.add(e164)
        return {"kind": kind, "number": number, "e164": e164}

    return _primary_first(_rows(raw, name, _PHONE_KEYS, errors, clean), name, errors)


def clean_addresses(raw: Any, errors: Errors, *, name: str = "addresses") -> list[Row]:
    def clean(item: Mapping[str, Any], path: str) -> Row | None:
        row: Row = {"kind": _kind(item, path, AddressKind, AddressKind.BILLING, errors)}
        limits = {"line1": 200, "line2": 200, "postcode": 20, "city": 100, "region": 100}
        for key, limit in limits.items():
            row[key] = clean_text(item.get(key))
            if len(row[key]) > limit:
                add_error(errors, f"{path}.{key}", _("At most %(n)s characters.") % {"n": limit})
        row["postcode"] = row["postcode"].upper()
        try:
            row["country"] = clean_country(item.get("country"))
        except ValueError as exc:
            add_error(errors, f"{path}.country", str(exc))
            return None
        if not row["country"]:
            add_error(errors, f"{path}.country", _("An address needs its country."))
            return None
        if not (row["line1"] or row["postcode"] or row["city"]):
            add_error(errors, f"{path}.line1", _("Give at least a street, a postcode or a city."))
        return row

    return _primary_first(_rows(raw, name, _ADDRESS_KEYS, errors, clean), name, errors)


def replace_primary(rows: Sequence[Row], row: Row | None) -> list[Row]:
    """``rows`` with the primary one replaced by ``row`` (or removed, when None)."""
    others = [dict(r, is_primary=False) for r in rows if not r.get("is_primary")]
    if row is None:
        if others:
            others[0]["is_primary"] = True
        return others
    return [dict(row, is_primary=True), *others]


def single_email(values: dict[str, Any], errors: Errors) -> Row | None:
    """The flat ``email`` of ``values`` as a row (None when blank); its error on ``email``."""
    if not clean_text(values["email"]):
        values["email"] = ""
        return None
    try:
        return {"kind": EmailKind.WORK, "email": clean_email(values["email"])}
    except ValueError as exc:
        add_error(errors, "email", str(exc))
        return None


_FLAT_LISTS = {
    "email": "emails",
    "phone": "phones",
    "postcode": "addresses",
    "city": "addresses",
    "country": "addresses",
}


def flat_conflicts(
    given: Mapping[str, Any], listed: set[str], values: Mapping[str, Any], errors: Errors
) -> None:
    """A flat value given beside its list must be the list's primary one.

    ``given`` holds the caller's flat values as cleaned, ``values`` those derived from the
    lists; a difference would otherwise be dropped without a word.
    """
    for key, value in given.items():
        name = _FLAT_LISTS[key]
        if name not in listed:
            continue
        derived = values.get("phone_e164" if key == "phone" else key, "")
        if value != derived:
            add_error(
                errors,
                key,
                _("Differs from the primary one in %(list)s; change the list instead.")
                % {"list": name},
            )


def cleaned_flat(flat: Mapping[str, Any], region: str) -> dict[str, Any]:
    """Flat values as the lists would store them (a phone as E.164), to compare them."""
    cleaned: dict[str, Any] = {}
    for key, value in flat.items():
        text = clean_text(value)
        if key == "phone":
            with contextlib.suppress(ValueError):
                text = clean_phone(text, region)[1] if text else ""
        elif key == "email":
            text = text.lower()
        elif key in ("postcode", "country"):
            text = text.upper()
        cleaned[key] = text
    return cleaned


def field_errors(obj: models.Model, values: Mapping[str, Any], errors: Errors) -> None:
    """Add the model fields' own errors (blank, length, choices) of ``values`` to ``errors``.

    So that one answer lists every mistake, not only the first service check's.
    """
    names = {f.attname for f in obj._meta.concrete_fields}
    given = {key for key in values if key in names}
    for key in given:
        setattr(obj, key, values[key])
    exclude = [f.name for f in obj._meta.concrete_fields if f.attname not in given]
    exclude += [key for key in errors if "." not in key]
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                add_error(errors, key, message)


def write_rows(model: type[models.Model], owner: Mapping[str, Any], rows: Sequence[Row]) -> None:
    """Replace the rows of ``owner`` (e.g. ``{"contact": obj}``) with ``rows``."""
    model._default_manager.filter(**owner).delete()
    model._default_manager.bulk_create(
        model(**owner, **{k: v for k, v in row.items() if k != "index"}, position=position)
        for position, row in enumerate(rows)
    )


def apply_flat_channels(
    values: dict[str, Any],
    nested: dict[str, Any],
    rows: dict[str, list[Row]],
    region: str,
    errors: Errors,
    *,
    default_phone_kind: str,
) -> None:
    """Clean the e-mail and phone lists, or fold a flat ``email``/``phone`` into them.

    A list given replaces the rows; a flat value given alone replaces the primary row. Either
    way the record's flat columns end up repeating the primary row.
    """
    if "emails" in nested:
        rows["emails"] = clean_emails(nested["emails"], errors)
    elif "email" in values:
        single = single_email(values, errors)
        kind = rows["emails"][0]["kind"] if rows["emails"] else "work"
        rows["emails"] = replace_primary(
            rows["emails"], dict(single, kind=kind) if single else None
        )
        nested["emails"] = rows["emails"]
    if "phones" in nested:
        rows["phones"] = clean_phones(nested["phones"], region, errors)
    elif "phone" in values:
        values["phone"] = clean_text(values["phone"])
        try:
            number, e164 = clean_phone(values["phone"], region) if values["phone"] else ("", "")
        except ValueError as exc:
            add_error(errors, "phone", str(exc))
            number = e164 = ""
        kind = rows["phones"][0]["kind"] if rows["phones"] else default_phone_kind
        new = {"kind": kind, "number": number, "e164": e164} if e164 else None
        rows["phones"] = replace_primary(rows["phones"], new)
        nested["phones"] = rows["phones"]
    if "emails" in nested:
        values["email"] = rows["emails"][0]["email"] if rows["emails"] else ""
    if "phones" in nested:
        values["phone"] = rows["phones"][0]["number"] if rows["phones"] else ""
        values["phone_e164"] = rows["phones"][0]["e164"] if rows["phones"] else ""
