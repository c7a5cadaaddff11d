"""Which events a subscription wants: type patterns and an optional filter on payload fields.

Patterns are shell style on the event type (``contact.*``, ``*``). The filter maps a payload
field (dotted for nested objects: ``address.country``) to a value or a list of values; an
event matches when every field holds one of its values.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from typing import Any

_MISSING = object()


def type_matches(patterns: Iterable[str], event_type: str) -> bool:
    return any(fnmatch.fnmatchcase(event_type, pattern) for pattern in patterns)


def _field(payload: Mapping[str, Any], path: str) -> Any:
    value: Any = payload
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def filter_matches(conditions: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
    for path, wanted in conditions.items():
        value = _field(payload, path)
        if value is _MISSING:
            return False
        choices = wanted if isinstance(wanted, list) else [wanted]
        if value not in choices:
            return False
    return True


def matches(
    patterns: Iterable[str], conditions: Mapping[str, Any], event_type: str, payload: Any
) -> bool:
    if not type_matches(patterns, event_type):
        return False
    return not conditions or (isinstance(payload, Mapping) and filter_matches(conditions, payload))
