"""Moyeu's background-work runtime: the database task backend, the worker and its leases.

Business code never imports from here except :func:`moyeu.core.jobs.progress.report_progress`;
it declares tasks with ``django_tasks.task`` and enqueues them with ``.enqueue()``.
"""
