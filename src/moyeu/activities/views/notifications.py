"""A user's notifications: the list, the badge in the top bar, marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from moyeu.activities import queries
from moyeu.activities.models import Notification
from moyeu.activities.services import reminders
from moyeu.core.errors import NotFound

PAGE = 100


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = (
        Notification.objects.filter(user_id=request.actor.user_id)  # type: ignore[attr-defined]
        .select_related("activity")
        .order_by("-created_at", "-id")[:PAGE]
    )
    overdue = queries.overdue_tasks(request.actor)[:PAGE]  # type: ignore[attr-defined]
    context = {"notifications": list(items), "overdue": list(overdue)}
    return render(request, "activities/notifications.html", context)


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    count = queries.unread_count(request.user.pk)
    return render(request, "activities/partials/badge.html", {"count": count})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: str) -> HttpResponse:
    try:
        actor = request.actor  # type: ignore[attr-defined]
        notification = reminders.notification_mark_read(actor=actor, notification_id=pk)
    except NotFound:
        raise Http404 from None
    if notification.activity_id is not None:
        return redirect("web:activities:activity_detail", pk=notification.activity_id)
    if notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect("web:activities:notification_list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    reminders.notifications_mark_all_read(actor=request.actor)  # type: ignore[attr-defined]
    return redirect("web:activities:notification_list")
