"""Calendar pages: week and month grids, subscription links (make, make again, revoke)
and the iCalendar feed behind a link."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from moyeu.activities.calendar import grid, ics
from moyeu.activities.calendar.items import (
    FEED_FUTURE,
    FEED_PAST,
    MAX_ITEMS,
    calendar_items,
    team_member_ids,
)
from moyeu.activities.models import Activity
from moyeu.activities.services import calendar as feeds
from moyeu.activities.services import calendar as services
from moyeu.activities.services.calendar_import import calendar_import
from moyeu.core.context import Actor
from moyeu.core.errors import (
    MoyeuError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VersionConflict,
)


def _feed_url(request: HttpRequest, secret: str) -> str:
    return request.build_absolute_uri(reverse("web:activities:calendar_feed", args=[secret]))


@login_required
def feed_links(request: HttpRequest) -> HttpResponse:
    """The user's calendar and their teams', each with its link's state and buttons."""
    actor = request.actor  # type: ignore[attr-defined]
    live = feeds.live_feeds(actor)
    shown = request.session.pop("calendar_feed_secret", None)
    rows: list[dict[str, Any]] = [
        {"team": None, "label": _("My calendar"), "feed": live.get("user")}
    ]
    for team in feeds.feed_teams(actor):
        label = _("Team %(name)s") % {"name": team.name}
        rows.append({"team": team, "label": label, "feed": live.get(feeds.scope_of(team.pk))})
    for row in rows:
        feed = row["feed"]
        if shown and feed is not None and str(feed.pk) == shown[0]:
            row["url"] = _feed_url(request, shown[1])
    return render(request, "activities/calendar_links.html", {"rows": rows})


@login_required
@require_POST
def feed_issue(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    raw = request.POST.get("team", "")
    try:
        team_id = uuid.UUID(raw) if raw else None
    except ValueError:
        raise Http404 from None
    try:
        feed, secret = feeds.calendar_feed_issue(actor=actor, team_id=team_id)
    except MoyeuError as exc:
        messages.error(request, exc.message)
        return redirect("web:activities:calendar_links")
    # Shown once, on the next page, then forgotten: only the hash is kept.
    request.session["calendar_feed_secret"] = (str(feed.pk), secret)
    messages.success(request, _("New calendar link made; any older link stops working."))
    return redirect("web:activities:calendar_links")


@login_required
@require_POST
def feed_revoke(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    try:
        feeds.calendar_feed_revoke(actor=actor, feed_id=pk)
    except MoyeuError:
        raise Http404 from None
    messages.success(request, _("Calendar link revoked."))
    return redirect("web:activities:calendar_links")


@require_GET
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The iCalendar feed behind a secret link: no session; 404 for an unknown or revoked
    link. It shows what the link's user may see now."""
    found = feeds.feed_for_secret(secret)
    if found is None:
        raise Http404
    viewer = Actor(user=found.user, channel="feed")
    now = timezone.now()
    if found.team_id is None:
        user_ids: list[object] = [found.user_id]
        name = _("Moyeu — %(name)s") % {"name": found.user.get_full_name() or found.user}
    else:
        user_ids = team_member_ids(found.team_id)
        name = _("Moyeu — %(name)s") % {"name": found.team}
    items = calendar_items(
        viewer,
        user_ids=user_ids,
        team_id=found.team_id,
        start=now - FEED_PAST,
        end=now + FEED_FUTURE,
    )[:MAX_ITEMS]

    def url_of(activity: Activity) -> str:
        return request.build_absolute_uri(
            reverse("web:activities:activity_detail", args=[activity.pk])
        )

    body = ics.calendar(name, items, url_of).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Disposition"] = 'inline; filename="moyeu.ics"'
    return response


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    """A week or month of the user's (or one of their teams') meetings and tasks.

    htmx navigation (previous, today, next, week/month) swaps the grid only."""
    actor = request.actor  # type: ignore[attr-defined]
    view = "month" if request.GET.get("view") == "month" else "week"
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    teams = feeds.feed_teams(actor)
    team = None
    if request.GET.get("team"):
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
        if team is None:
            raise Http404
    first, end = grid.period(view, day)
    start_at, end_at = grid.bounds(first, end)
    user_ids = team_member_ids(team.pk) if team is not None else [actor.user_id]
    items = list(
        calendar_items(
            actor,
            user_ids=user_ids,
            team_id=team.pk if team is not None else None,
            start=start_at,
            end=end_at,
        )[:MAX_ITEMS]
    )
    days, hours = grid.place(view, day, items)
    context = {
        "view": view,
        "day": day,
        "first": first,
        "last": end - datetime.timedelta(days=1),
        "days": days,
        "rows": grid.week_rows(days, hours) if view == "week" else [],
        "weeks": grid.month_weeks(days) if view == "month" else [],
        "previous": grid.shift(view, day, -1).isoformat(),
        "next": grid.shift(view, day, 1).isoformat(),
        "today": timezone.localdate(),
        "team": team,
        "teams": teams,
        "team_q": f"&team={team.pk}" if team is not None else "",
    }
    if getattr(request, "htmx", False):
        return render(request, "activities/partials/calendar_grid.html", context)
    return render(request, "activities/calendar.html", context)


@login_required
@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    """Import an .ics file into the user's calendar; the outcome shows on the calendar."""
    actor = request.actor  # type: ignore[attr-defined]
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an .ics file to import."))
        return redirect("web:activities:calendar")
    try:
        result = calendar_import(actor=actor, data=upload.read())
    except ValidationFailed as exc:
        messages.error(request, _("Nothing was imported: the file has errors."))
        for message in exc.errors.get("file", [])[:10]:
            messages.error(request, message)
        return redirect("web:activities:calendar")
    except MoyeuError as exc:
        messages.error(request, exc.message)
        return redirect("web:activities:calendar")
    messages.success(
        request,
        _("Imported. New: %(created)s; updated: %(updated)s; unchanged: %(unchanged)s.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    for reason in result.skipped[:10]:
        messages.warning(request, _("Left out: %(reason)s") % {"reason": reason})
    return redirect("web:activities:calendar")


@login_required
@require_POST
def move(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Move a meeting dropped on a slot: ``start`` (local, 2026-11-26T14:00) and the
    ``version`` the page showed. 204, or the reason as text: 404, 403, 409 (changed since),
    422 (bad start, not a meeting)."""
    actor = request.actor  # type: ignore[attr-defined]
    raw = request.POST.get("start", "")
    try:
        naive = datetime.datetime.fromisoformat(raw)
        version = int(request.POST["version"]) if request.POST.get("version") else None
    except (ValueError, TypeError):
        return HttpResponse(_("Give the new start as 2026-11-26T14:00."), status=422)
    starts_at = naive if naive.tzinfo else timezone.make_aware(naive)
    try:
        services.meeting_move(
            actor=actor, activity_id=pk, starts_at=starts_at, expected_version=version
        )
    except NotFound:
        raise Http404 from None
    except VersionConflict:
        return HttpResponse(
            _("Someone else changed this meeting; the calendar is reloaded."), status=409
        )
    except PermissionDenied as exc:
        return HttpResponse(exc.message, status=403)
    except ValidationFailed as exc:
        return HttpResponse(" ".join(m for ms in exc.errors.values() for m in ms), status=422)
    return HttpResponse(status=204)
