"""Gap-free document numbers: ``DEV-2026-00001``, ``CMD-2026-00001``, later invoices.

French law wants invoices (and, by habit, quotes and orders) numbered in an unbroken
sequence per year. A number is taken by :func:`take` (or formatted by :func:`next_number`)
inside the transaction that issues the document, never for a draft:

- the counter row of (sequence, year) is incremented by one ``UPDATE ... SET last = last + 1``,
  which locks the row until the issuing transaction ends. A second issuer waits on that lock
  and then increments the committed value: two transactions never get the same number.
- if the issuing transaction rolls back, the increment rolls back with it: no gap.
- the first number of a year inserts the row; two first issuers racing on the insert see a
  unique violation in a savepoint, and the loser then increments the winner's row.

On SQLite, transactions take the write lock at ``BEGIN`` (``transaction_mode=IMMEDIATE``), so
issuers are serialised anyway. See docs/decisions (numbering).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from moyeu.core.models import SequenceCounter

__all__ = ["format_number", "next_number", "peek", "take"]


def take(sequence: str, *, year: int) -> int:
    """The next number of ``sequence`` in ``year`` (1, 2, 3...), in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering.take() outside a transaction: the number could leak")
    counters = SequenceCounter.objects.filter(sequence=sequence, year=year)
    if not counters.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                SequenceCounter.objects.create(sequence=sequence, year=year, last=1)
            return 1
        except IntegrityError:
            # Another transaction created the year's row first; it is committed now.
            counters.update(last=F("last") + 1)
    return int(counters.values_list("last", flat=True).get())


def format_number(prefix: str, year: int, value: int, width: int = 5) -> str:
    return f"{prefix}-{year}-{value:0{width}d}"


def next_number(
    sequence: str, *, prefix: str, on: datetime.date | None = None, width: int = 5
) -> str:
    """Take the next number of ``sequence`` for the year of ``on`` (today) and format it."""
    year = (on or timezone.localdate()).year
    return format_number(prefix, year, take(sequence, year=year), width)


def peek(sequence: str, *, year: int) -> int:
    """The last number taken (0 if none yet): for display, never to issue with."""
    found = SequenceCounter.objects.filter(sequence=sequence, year=year).values_list(
        "last", flat=True
    )
    return int(found.first() or 0)
