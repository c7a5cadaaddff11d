"""Task entry point of the background rebuild: parse the arguments, call the service."""

from __future__ import annotations

from django_tasks import task

from moyeu.core.context import action_context
from moyeu.core.jobs.progress import report_progress
from moyeu.core.search.rebuild import rebuild


@task(queue_name="default")
def rebuild_search_index(kinds: list[str]) -> dict[str, int]:
    done: dict[str, int] = {}

    def progress(record_type: str, indexed: int) -> None:
        done[record_type] = indexed
        report_progress(sum(done.values()), message=record_type)

    with action_context(channel="task"):
        results = rebuild(kinds=kinds or None, progress=progress)
    return {result.record_type: result.indexed for result in results}
