"""Text folding shared by match specifications: accents, case, punctuation, tokens."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """Lower case, no accents nor punctuation, single spaces: "Élodie-Anne" -> "elodie anne"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value.replace("ß", "ss").replace("œ", "oe"))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", ascii_only).strip()


def tokens(value: str) -> list[str]:
    folded = fold(value)
    return folded.split() if folded else []


def digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())
