"""Saved list views: the only state the web UI owns."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.web.models import SavedView

# Parameters that belong to one visit, not to a view.
_TRANSIENT = {"page", "view", "csrfmiddlewaretoken"}


def clean_query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k not in _TRANSIENT and v != ""]
    return urlencode(pairs)


def saved_views_for(actor: Actor, record_type: str) -> QuerySet[SavedView]:
    """The actor's own views of ``record_type`` and the ones others shared."""
    if actor.user is None:
        return SavedView.objects.none()
    return (
        SavedView.objects.filter(record_type=record_type)
        .filter(Q(user=actor.user) | Q(is_shared=True))
        .select_related("user")
        .order_by("name", "id")
    )


def saved_view_save(
    *, actor: Actor, record_type: str, name: str, query: str, is_shared: bool = False
) -> SavedView:
    """Create the view, or replace the actor's own view of the same name."""
    if actor.user is None:
        raise PermissionDenied(_("Sign in first."))
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed({"name": [_("This field is required.")]})
    if len(name) > 100:
        raise ValidationFailed({"name": [_("At most 100 characters.")]})
    cleaned = clean_query(query)
    if len(cleaned) > 2000:
        raise ValidationFailed({"query": [_("This view has too many filters.")]})
    with transaction.atomic():
        view, _created = SavedView.objects.update_or_create(
            user=actor.user,
            record_type=record_type,
            name=name,
            defaults={"query": cleaned, "is_shared": is_shared},
        )
    return view


def saved_view_delete(*, actor: Actor, view_id: uuid.UUID) -> None:
    """Only the author deletes a view; others' views are "not found" to them."""
    if actor.user is None:
        raise PermissionDenied(_("Sign in first."))
    deleted, _rows = SavedView.objects.filter(pk=view_id, user=actor.user).delete()
    if not deleted:
        raise NotFound(_("No such saved view."))
