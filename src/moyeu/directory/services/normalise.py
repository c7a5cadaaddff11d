"""Light normalisation shared by account and contact services (issue 4 deepens it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = " ".join(value.split())
            if key == "email":
                value = value.lower()
            elif key == "country":
                value = value.upper()
        cleaned[key] = value
    return cleaned
