"""Preparing the rows of the next batches in helper processes while this one writes.

Row preparation (the module's normalisers: e-mail syntax, phone parsing...) is pure Python
and most of an import's CPU time; the writes wait on the database. With
``MOYEU_IMPORT_PROCESSES`` > 0 and the ``fork`` start method, batches are prepared by that
many forked helpers (they inherit the plan, so nothing but rows crosses the pipe) and
handed back in file order. Without fork (or with 0, or custom-field columns), preparation
runs inline. Helpers never touch the database: a killed worker loses nothing but work in
flight, redone from the checkpoint.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from typing import Any

from moyeu.dataio.plan import Plan, Prepared
from moyeu.dataio.sources import Row

_plan: Plan | None = None


def _prepare(rows: list[Row]) -> list[Prepared]:
    assert _plan is not None
    return [_plan.prepare(row) for row in rows]


def _install(plan: Plan) -> None:
    global _plan
    _plan = plan


def prepared_batches(
    plan: Plan, batches: Iterable[list[Row]], processes: int
) -> Iterator[list[Prepared]]:
    # Custom fields are checked against their definitions in the database: inline only, as
    # the helpers never use the database connection they inherit (nor close it: they leave
    # through os._exit, so the parent's connection is untouched).
    if processes <= 0 or plan.has_custom or "fork" not in multiprocessing.get_all_start_methods():
        for batch in batches:
            yield [plan.prepare(row) for row in batch]
        return
    context: Any = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_install, initargs=(plan,)) as pool:
        yield from pool.imap(_prepare, batches, chunksize=1)
