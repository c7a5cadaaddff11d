"""A real ``moyeu worker`` SIGKILLed in the middle of an import: the restarted worker
reclaims the job after its lease and finishes it; no row is lost or written twice."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest

from moyeu.core.models import Job
from moyeu.dataio import imports
from moyeu.dataio.models import ImportBatch, ImportJob
from moyeu.directory.models import Contact, ContactEmail
from tests.core.test_worker_processes import Processes, processes, subprocess_env, wait_until
from tests.dataio.helpers import CONTACT_HEADER, contact_rows, csv_bytes, upload
from tests.personas import Personas

__all__ = ["processes"]

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 6000
BATCH = 200


def checkpoint(job: ImportJob) -> int:
    return ImportJob.objects.values_list("checkpoint", flat=True).get(pk=job.pk)


def test_sigkill_mid_import_then_restart_loses_and_doubles_nothing(
    personas: Personas, processes: Processes, tmp_path: Path
) -> None:
    actor = personas.actor("owner")
    job = upload(actor, csv_bytes([CONTACT_HEADER, *contact_rows(ROWS)]))
    imports.import_set_mapping(actor=actor, import_id=job.pk, mapping=job.mapping, mode="create")
    env = subprocess_env(MOYEU_IMPORT_BATCH_SIZE=str(BATCH), MOYEU_JOB_LEASE_SECONDS="2")
    args = ("worker", "--queues", "imports", "--poll-interval", "0.1")
    worker = processes.start(*args, env=env)
    imports.import_start(actor=actor, import_id=job.pk)
    kills = []
    for threshold in (BATCH * 3, ROWS // 2):
        wait_until(lambda t=threshold: checkpoint(job) >= t, 120, f"checkpoint {threshold}")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        kills.append(checkpoint(job))
        assert ImportJob.objects.get(pk=job.pk).status == "running"
        worker = processes.start(*args, env=env)
    wait_until(
        lambda: ImportJob.objects.get(pk=job.pk).status == "done", 180, "the import to finish"
    )
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)

    job.refresh_from_db()
    assert all(0 < k < ROWS for k in kills), kills
    assert (job.checkpoint, job.created_count, job.rejected_count) == (ROWS, ROWS, 0)
    emails = Counter(Contact.objects.values_list("email", flat=True))
    assert len(emails) == ROWS and set(emails.values()) == {1}
    assert ContactEmail.objects.count() == ROWS
    numbers = list(ImportBatch.objects.filter(job=job).values_list("number", flat=True))
    assert numbers == list(range(1, ROWS // BATCH + 1))
    journal = [pk for b in ImportBatch.objects.filter(job=job) for _line, pk in b.created]
    assert sorted(journal) == sorted(str(pk) for pk in Contact.objects.values_list("id", flat=True))
    assert Job.objects.get(queue_name="imports").attempts >= 3
    print(f"killed at checkpoints {kills}; {ROWS} rows, each written once")
