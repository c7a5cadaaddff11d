"""The check at creation: refuse a contact or account that may already exist."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moyeu.core.context import Actor
from moyeu.core.dedup import find_duplicates
from moyeu.core.dedup.errors import DuplicatesFound


def reject_duplicates(actor: Actor, record_type: str, values: Mapping[str, Any]) -> None:
    """Raise DuplicatesFound (409) with the records ``actor`` may see that could be this one."""
    found = find_duplicates(record_type, values, actor=actor)
    if found:
        raise DuplicatesFound(found)
