"""The integration console, under /integrations/."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from moyeu.integrations.views import pages
from moyeu.web.records.config import MenuEntry

menu = [MenuEntry(_("Webhooks"), "webhook_list", audience="admin")]

urlpatterns = [
    path("webhooks/", pages.webhook_list, name="webhook_list"),
    path("webhooks/new/", pages.webhook_create, name="webhook_create"),
    path("webhooks/<uuid:webhook_id>/", pages.webhook_detail, name="webhook_detail"),
    path("webhooks/<uuid:webhook_id>/rotate/", pages.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<uuid:webhook_id>/delete/", pages.webhook_delete, name="webhook_delete"),
    path("webhooks/<uuid:webhook_id>/replay/", pages.webhook_replay, name="webhook_replay"),
    path(
        "webhooks/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/",
        pages.delivery_detail,
        name="delivery_detail",
    ),
    path(
        "webhooks/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/replay/",
        pages.delivery_replay,
        name="delivery_replay",
    ),
]
