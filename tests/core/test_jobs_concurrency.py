"""Claiming under real concurrency: several connections, each job run exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, transaction
from django_tasks import task

from moyeu.core.jobs import claim
from moyeu.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)


@task()
def unit(n: int) -> int:
    return n


def test_concurrent_claimers_never_take_the_same_job() -> None:
    for n in range(40):
        unit.enqueue(n)
    taken: list[tuple[str, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        try:
            start.wait()
            while (job := claim.claim_next(name, ["default"], 60)) is not None:
                with lock:
                    taken.append((name, str(job.pk)))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    counts = Counter(job_id for _, job_id in taken)
    assert len(counts) == 40
    assert set(counts.values()) == {1}
    assert Job.objects.filter(status=JobStatus.RUNNING).count() == 40
    for name, job_id in taken:
        assert Job.objects.get(pk=job_id).worker_ids == [name]


def test_skip_locked_passes_over_a_job_another_transaction_holds() -> None:
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SELECT ... FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite has one writer")
    first = unit.enqueue(1)
    second = unit.enqueue(2)
    locked = threading.Event()
    release = threading.Event()

    def hold_first_row() -> None:
        try:
            with transaction.atomic():
                Job.objects.select_for_update().get(pk=first.id)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first_row)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        job = claim.claim_next("w1", ["default"], 60)  # does not wait for the lock
        assert job is not None and str(job.pk) == second.id
        assert claim.claim_next("w1", ["default"], 60) is None
    finally:
        release.set()
        holder.join(timeout=30)
    job = claim.claim_next("w1", ["default"], 60)
    assert job is not None and str(job.pk) == first.id
