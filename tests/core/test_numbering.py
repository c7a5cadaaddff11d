"""Gap-free numbers: taken in the issuing transaction, never twice, given back on rollback."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from moyeu.core import numbering
from moyeu.core.models import SequenceCounter
from tests.services import require_service

pytestmark = pytest.mark.django_db(transaction=True)


def _take(sequence: str = "test.doc", year: int = 2026) -> int:
    with transaction.atomic():
        return numbering.take(sequence, year=year)


def test_numbers_follow_each_other_per_sequence_and_year() -> None:
    assert [_take() for _ in range(3)] == [1, 2, 3]
    assert _take(year=2027) == 1
    assert _take("other") == 1
    assert _take() == 4
    assert numbering.peek("test.doc", year=2026) == 4
    assert numbering.peek("test.doc", year=2030) == 0
    assert numbering.format_number("DEV", 2026, 42) == "DEV-2026-00042"
    with transaction.atomic():
        number = numbering.next_number("sales.quote", prefix="DEV")
    assert number.startswith("DEV-") and number.endswith("-00001")


def test_taking_a_number_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        numbering.take("test.doc", year=2026)
    assert SequenceCounter.objects.count() == 0


def test_a_rolled_back_issue_leaves_no_gap() -> None:
    assert _take() == 1
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert numbering.take("test.doc", year=2026) == 2
        1 / 0  # noqa: B018  (the document's issue fails after taking its number)
    assert _take() == 2
    # The very first number of a year, rolled back, leaves no row behind either.
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        numbering.take("test.doc", year=2031)
        1 / 0  # noqa: B018
    assert _take(year=2031) == 1


def _run(workers: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            work(n)
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_concurrent_issuers_never_share_a_number() -> None:
    """Eight workers take five numbers each, the first ones racing to create the year's row."""
    start = threading.Barrier(8)
    taken: list[int] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        start.wait()
        for _ in range(5):
            number = _take(year=2040)
            with lock:
                taken.append(number)

    assert _run(8, work) == []
    assert sorted(taken) == list(range(1, 41))
    assert numbering.peek("test.doc", year=2040) == 40


def test_on_postgresql_a_second_issuer_waits_for_the_first_and_a_rollback_gives_back() -> None:
    require_service(
        "postgresql",
        connection.vendor == "postgresql",
        "run with DATABASE_URL=postgres://... (the row lock is what is tested)",
    )
    assert _take() == 1
    first_took, release, second_done = threading.Event(), threading.Event(), threading.Event()
    got: dict[str, int] = {}

    def first() -> None:
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            got["first"] = numbering.take("test.doc", year=2026)
            first_took.set()
            release.wait(timeout=30)
            1 / 0  # noqa: B018  (the first issue fails: its number goes back)

    def second() -> None:
        first_took.wait(timeout=30)
        got["second"] = _take()
        second_done.set()

    def work(n: int) -> None:
        (first if n == 0 else second)()

    runner = threading.Thread(target=lambda: got.update(errors=len(_run(2, work))))
    runner.start()
    assert first_took.wait(timeout=30)
    # The second issuer is blocked on the counter row while the first transaction is open.
    assert not second_done.wait(timeout=0.5)
    release.set()
    runner.join(timeout=60)
    assert got == {"first": 2, "second": 2, "errors": 0}
    assert numbering.peek("test.doc", year=2026) == 2
