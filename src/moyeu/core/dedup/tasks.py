"""Task entry point of the whole-base scan (queue "default"); resumable on retry."""

from __future__ import annotations

import uuid
from typing import Any

from django_tasks import task

from moyeu.core.dedup.scan import run_scan
from moyeu.core.jobs.progress import report_progress


@task(queue_name="default")
def duplicate_scan(scan_id: str) -> dict[str, Any]:
    scan = run_scan(uuid.UUID(scan_id), progress=report_progress)
    return dict(scan.stats)
