"""The activities' pages, mounted by the web app under /activities/ (namespace
web:activities)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from moyeu.activities.views import calendar, notifications, pages, partials
from moyeu.activities.views.pages import ACTIVITIES
from moyeu.web.records.config import MenuEntry
from moyeu.web.records.panels import RecordPanel
from moyeu.web.records.urls import record_urls

menu = [
    MenuEntry(_("My day"), "my_day"),
    MenuEntry(_("Activities"), "activity_list"),
    MenuEntry(_("Calendar"), "calendar", audience="user"),
    MenuEntry(_("Notifications"), "notification_list", audience="user"),
]
# Every record's page loads its timeline (moyeu.web.records.panels).
record_panels = [RecordPanel("timeline_panel", _("Timeline"), "timeline-panel")]
# Fragments the top bar loads (htmx) on every page: the notifications badge.
topbar = ["notification_badge"]

urlpatterns = [
    path("my-day/", pages.my_day, name="my_day"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/<uuid:pk>/move/", calendar.move, name="calendar_move"),
    path("calendar/import/", calendar.import_file, name="calendar_import"),
    path("calendar/links/", calendar.feed_links, name="calendar_links"),
    path("calendar/links/new/", calendar.feed_issue, name="calendar_link_new"),
    path("calendar/links/<uuid:pk>/revoke/", calendar.feed_revoke, name="calendar_link_revoke"),
    # No session: calendar programs read it with the secret alone.
    path("calendar/feed/<str:secret>.ics", calendar.feed, name="calendar_feed"),
    # Before the generic pages: creation and edition go through one form per kind.
    path("activities/new/", pages.create, name="activity_new"),
    path("activities/<str:pk>/edit/", pages.edit, name="activity_change"),
    *[
        path(
            f"activities/<str:pk>/{change}/",
            pages.change_status,
            {"change": change},
            name=f"activity_{change}",
        )
        for change in ("complete", "reopen", "cancel")
    ],
    path("activities/<str:pk>/invite/", pages.invite, name="activity_invite"),
    *record_urls(ACTIVITIES, "activities"),
    path("timeline/", partials.timeline_items, name="timeline"),
    path("timeline/panel/", partials.timeline_panel, name="timeline_panel"),
    path("quick/<str:kind>/", partials.quick_form, name="quick_form"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/badge/", notifications.badge, name="notification_badge"),
    path("notifications/read/", notifications.mark_all_read, name="notification_read_all"),
    path("notifications/<uuid:pk>/read/", notifications.mark_read, name="notification_read"),
]
