"""Words as the index stores them: accents removed, case folded, split on punctuation.

Both engines index and query the output of :func:`words`, so "Élodie", "ELODIE" and "elodie"
are one word everywhere, and an e-mail address is its parts ("jean", "dupont", "example",
"com") on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters NFKD does not decompose into a base letter and a mark.
_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "\u0131": "i", "ŀ": "l"})
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-cased text without accents ("Élodie Œuvray" -> "elodie oeuvray")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def content_of(values: Iterable[object]) -> str:
    """The indexed text of a record: the words of its searchable values, in order."""
    return " ".join(word for value in values if value for word in words(str(value)))


def edit_distance(first: str, second: str, bound: int) -> int:
    """Levenshtein distance with adjacent transpositions, or ``bound + 1`` once it exceeds
    ``bound`` (the fuzzy match of the SQLite engine never needs more)."""
    if abs(len(first) - len(second)) > bound:
        return bound + 1
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            cost = 0 if a == b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > bound:
            return bound + 1
        previous2, previous = previous, current
    return min(previous[-1], bound + 1)
