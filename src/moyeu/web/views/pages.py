"""The home page and the read-only background jobs page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from moyeu.core.models import AuditEntry, Job, JobStatus
from moyeu.web.navigation import sections_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    recent = AuditEntry.objects.filter(actor_id=request.user.pk).order_by("-occurred_at")[:8]
    context = {"sections": sections_for(actor), "recent": recent}
    return render(request, "web/home.html", context)


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    status = request.GET.get("status", "")
    queryset = Job.objects.order_by("-enqueued_at")
    if status in JobStatus.values:
        queryset = queryset.filter(status=status)
    context = {"jobs": list(queryset[:100]), "status": status, "statuses": JobStatus.choices}
    return render(request, "web/jobs.html", context)
