"""An import (or revert) whose background job fails for good ends "failed", with the error.

The job backend retries a failing attempt and reclaims the job of a dead worker; only when
the attempts are spent is the import marked failed — on its page, in the API and in lists.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moyeu.core.jobs import claim
from moyeu.core.jobs.runner import execute
from moyeu.core.models import AuditEntry, Job, JobStatus
from moyeu.dataio import imports
from moyeu.dataio.models import ImportJob
from moyeu.directory.models import Contact
from tests.api.client import ApiClient
from tests.dataio.helpers import CONTACT_HEADER, contact_rows, csv_bytes, run, upload
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _started(personas: Personas, capture: Any, rows: int = 2) -> tuple[ImportJob, Job]:
    actor = personas.actor("owner")
    job = upload(actor, csv_bytes([CONTACT_HEADER, *contact_rows(rows)]))
    imports.import_set_mapping(actor=actor, import_id=job.pk, mapping=job.mapping, mode="create")
    with capture(execute=True):
        imports.import_start(actor=actor, import_id=job.pk)
    task = Job.objects.get(task_path="moyeu.dataio.tasks.run_import")
    Job.objects.filter(pk=task.pk).update(max_attempts=2)
    return job, task


def _attempt(worker: str) -> JobStatus:
    Job.objects.filter(status=JobStatus.READY).update(run_after=timezone.now())
    job = claim.claim_next(worker, ["imports"], lease_seconds=60)
    assert job is not None
    return execute(job, worker)


def test_every_attempt_failing_ends_the_import_failed_with_the_error(
    personas: Personas,
    clients: dict[str, ApiClient],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job, task = _started(personas, django_capture_on_commit_callbacks)

    def broken(*args: Any) -> Any:
        raise OSError("disk unplugged")

    monkeypatch.setattr(imports, "decide", broken)  # every attempt fails the same way
    assert _attempt("w1") == JobStatus.READY
    job.refresh_from_db()
    # One failed attempt of two: the backend will retry, the import is still on its way.
    assert imports.import_for(personas.actor("owner"), job.pk).status == "running"

    assert _attempt("w2") == JobStatus.FAILED
    answer = clients["owner"].call("GET", f"/imports/{job.pk}")
    assert answer.status == 200
    assert answer.body["status"] == "failed"
    assert answer.body["error"] == (
        "The import stopped: its background job failed after 2 attempts (last error: OSError:"
        " disk unplugged). Rows already imported are kept; revert the import to remove them."
    )
    job.refresh_from_db()
    assert (job.status, job.finished_at is not None) == ("failed", True)
    entry = AuditEntry.objects.get(code="directory.contact.import_failed")
    assert entry.data == {
        "import_id": str(job.pk),
        "job_id": str(task.pk),
        "was": "running",
        "attempts": 2,
        "error_class": "builtins.OSError",
    }
    # Read again: nothing more happens (one audit entry).
    imports.import_for(personas.actor("owner"), job.pk)
    assert AuditEntry.objects.filter(code="directory.contact.import_failed").count() == 1

    client = Client()
    client.force_login(personas.owner)
    client.cookies["django_language"] = "en"
    page = client.get(f"/data/imports/{job.pk}/").content.decode()
    assert (
        '<p class="alert alert-error" role="alert">The import stopped: its background job failed'
        " after 2 attempts" in page
    )
    assert "Failed" in page
    listed = clients["owner"].call("GET", "/imports")
    assert [(i["id"], i["status"]) for i in listed.body] == [(str(job.pk), "failed")]


def test_a_worker_dying_on_the_last_attempt_ends_the_import_failed(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    job, task = _started(personas, django_capture_on_commit_callbacks)
    claimed = claim.claim_next("w1", ["imports"], lease_seconds=60)
    assert claimed is not None and claimed.pk == task.pk
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    # The worker was killed: its lease runs out on the last attempt.
    Job.objects.filter(pk=task.pk).update(
        attempts=2, lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert claim.reclaim_expired() == (0, 1)
    listed = list(imports.imports_of(personas.actor("owner")))
    assert [(j.pk, j.status) for j in listed] == [(job.pk, "failed")]
    assert (
        "failed after 2 attempts (last error: worker w1 stopped renewing the lease"
        in listed[0].error
    )


def test_a_queued_import_whose_job_is_waiting_or_running_is_left_alone(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    job, _task = _started(personas, django_capture_on_commit_callbacks)
    assert imports.import_for(personas.actor("owner"), job.pk).status == "queued"
    claim.claim_next("w1", ["imports"], lease_seconds=60)
    assert imports.import_for(personas.actor("owner"), job.pk).status == "queued"
    assert not AuditEntry.objects.filter(code="directory.contact.import_failed").exists()


def test_a_failed_revert_ends_failed_and_can_be_started_again(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    actor = personas.actor("owner")
    job = run(actor, csv_bytes([CONTACT_HEADER, *contact_rows(3)]))
    assert Contact.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_revert(actor=actor, import_id=job.pk)
    task = Job.objects.get(task_path="moyeu.dataio.tasks.revert_import")
    Job.objects.filter(pk=task.pk).update(max_attempts=1, task_path="moyeu.dataio.tasks.nowhere")
    assert _attempt("w1") == JobStatus.FAILED
    # The job's path was broken to make it fail: put it back so the import finds its job.
    Job.objects.filter(pk=task.pk).update(task_path="moyeu.dataio.tasks.revert_import")
    job = imports.import_for(actor, job.pk)
    assert job.status == "failed"
    assert job.error.startswith("The revert stopped: its background job failed after 1 attempt ")
    assert job.error.endswith("Start the revert again to resume it.")
    assert Contact.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_revert(actor=actor, import_id=job.pk)
    assert _attempt("w2") == JobStatus.SUCCESSFUL
    job.refresh_from_db()
    assert (job.status, job.reverted_rows, Contact.objects.count()) == ("reverted", 3, 0)
