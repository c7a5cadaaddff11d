"""Reading an uploaded .ics file (RFC 5545) into plain items, or errors naming their line.

``icalendar`` parses leniently (a bad value becomes an entry in ``component.errors``), and
says nothing of line numbers; this module scans the file's lines first (unfolded as the RFC
says) to know where each VEVENT and VTODO and each of their properties starts, checks the
nesting of BEGIN/END, then lets ``icalendar`` decode the values and reports its errors at
those lines. Nothing is written here: the import service decides.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

MAX_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 2000
KINDS = ("VEVENT", "VTODO")
_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+(;[^:]*)?:")


class IcsError(ValueError):
    """The file cannot be imported; ``messages`` name the lines."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class Block:
    """Where a VEVENT or VTODO sits in the file: its BEGIN line and its properties' lines."""

    kind: str
    line: int
    properties: dict[str, int] = field(default_factory=dict)


@dataclass
class Item:
    kind: str  # "VEVENT" or "VTODO"
    line: int
    uid: str
    summary: str
    values: dict[str, Any]  # decoded: dtstart, dtend, due, location, description, url, ...
    attendees: list[str]  # e-mail addresses, lower-cased
    status: str
    is_recurring: bool

    def label(self) -> str:
        return _("%(kind)s “%(summary)s” at line %(line)s") % {
            "kind": self.kind,
            "summary": self.summary or "—",
            "line": self.line,
        }


def _lines(text: str) -> list[tuple[int, str]]:
    """Unfolded content lines with the number of the line each starts on."""
    unfolded: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and unfolded:
            start, value = unfolded[-1]
            unfolded[-1] = (start, value + raw[1:])
        elif raw.strip():
            unfolded.append((number, raw))
    return unfolded


def scan(text: str) -> list[Block]:
    """The VEVENT/VTODO blocks in file order, or IcsError naming the first bad lines."""
    errors: list[str] = []
    lines = _lines(text)
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise IcsError([_("Line 1: an iCalendar file starts with BEGIN:VCALENDAR.")])
    stack: list[tuple[str, int]] = []
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in lines:
        if not _CONTENT_LINE.match(line):
            errors.append(
                _("Line %(n)s: not a “NAME:value” line: %(text)s")
                % {"n": number, "text": line[:60]}
            )
            continue
        name, _sep, value = line.partition(":")
        name = name.split(";", 1)[0].upper()
        value = value.strip().upper()
        if name == "BEGIN":
            stack.append((value, number))
            if value in KINDS and len(stack) == 2:
                current = Block(value, number)
                blocks.append(current)
        elif name == "END":
            if not stack or stack[-1][0] != value:
                opened = stack[-1] if stack else None
                errors.append(
                    _("Line %(n)s: END:%(value)s closes %(open)s.")
                    % {
                        "n": number,
                        "value": value,
                        "open": _("BEGIN:%(kind)s (line %(n)s)")
                        % {"kind": opened[0], "n": opened[1]}
                        if opened
                        else _("nothing"),
                    }
                )
                break
            stack.pop()
            if len(stack) == 1:
                current = None
        elif current is not None and len(stack) == 2:
            current.properties.setdefault(name, number)
        if len(errors) >= 10:
            break
    if not errors and stack:
        kind, number = stack[-1]
        errors.append(
            _("Line %(n)s: BEGIN:%(kind)s is never closed (END:%(kind)s is missing).")
            % {"n": number, "kind": kind}
        )
    if errors:
        raise IcsError(errors)
    return blocks


def _aware(value: Any) -> datetime.datetime | None:
    """A DATE-TIME as an aware datetime (floating times in the current zone); a DATE as
    its midnight in the current zone."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
    return None


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def _addresses(component: Any) -> list[str]:
    raw = component.get("attendee")
    found = raw if isinstance(raw, list) else ([raw] if raw is not None else [])
    addresses = []
    for value in found:
        text = str(value).strip()
        if text.lower().startswith("mailto:"):
            addresses.append(text[7:].strip().lower())
    return list(dict.fromkeys(a for a in addresses if "@" in a))


def read(data: bytes) -> list[Item]:
    """The file's VEVENTs and VTODOs, decoded; IcsError naming lines and components."""
    if len(data) > MAX_BYTES:
        raise IcsError([_("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // 2**20}])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IcsError([_("Line %(n)s: the file is not UTF-8 text.") % {"n": line}]) from None
    blocks = scan(text)
    if len(blocks) > MAX_ITEMS:
        raise IcsError([_("At most %(n)s events and tasks in one file.") % {"n": MAX_ITEMS}])
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as exc:
        raise IcsError([_("The file could not be read: %(error)s") % {"error": exc}]) from None
    components = [c for c in calendar.walk() if c.name in KINDS]
    if len(components) != len(blocks):  # pragma: no cover - scan and parser disagree
        raise IcsError([_("The file could not be read: its components are nested oddly.")])
    items: list[Item] = []
    errors: list[str] = []
    for block, component in zip(blocks, components, strict=True):
        summary = _text(component, "summary")
        where = _("%(kind)s “%(summary)s”") % {"kind": block.kind, "summary": summary or "—"}
        for prop, message in getattr(component, "errors", []):
            line = block.properties.get(str(prop or "").upper(), block.line)
            errors.append(
                _("Line %(n)s (%(where)s, %(prop)s): %(message)s")
                % {"n": line, "where": where, "prop": prop or "?", "message": message}
            )
        uid = _text(component, "uid")
        if not uid:
            errors.append(
                _("Line %(n)s (%(where)s): no UID, so a new import could not update it.")
                % {"n": block.line, "where": where}
            )
        values: dict[str, Any] = {}
        for name in ("dtstart", "dtend", "due"):
            if component.get(name) is not None and name.upper() not in {
                str(p).upper() for p, _m in getattr(component, "errors", [])
            }:
                values[name] = _aware(component.decoded(name))
        if block.kind == "VEVENT":
            if values.get("dtstart") is None and not errors:
                errors.append(
                    _("Line %(n)s (%(where)s): no DTSTART, the meeting has no date.")
                    % {"n": block.line, "where": where}
                )
            if values.get("dtend") is None and component.get("duration") is not None:
                start = values.get("dtstart")
                if start is not None:
                    values["dtend"] = start + component.decoded("duration")
            start, end = values.get("dtstart"), values.get("dtend")
            if start is not None and end is not None and end < start:
                errors.append(
                    _("Line %(n)s (%(where)s): DTEND is before DTSTART.")
                    % {"n": block.properties.get("DTEND", block.line), "where": where}
                )
        for name in ("location", "description", "url"):
            values[name] = _text(component, name)
        try:
            values["priority"] = int(component.get("priority"))
        except (TypeError, ValueError):
            values["priority"] = None
        items.append(
            Item(
                kind=block.kind,
                line=block.line,
                uid=uid,
                summary=summary,
                values=values,
                attendees=_addresses(component),
                status=_text(component, "status").upper(),
                is_recurring=any(
                    component.get(k) is not None for k in ("rrule", "rdate", "recurrence-id")
                ),
            )
        )
        if len(errors) >= 20:
            break
    if errors:
        raise IcsError(errors)
    return items
