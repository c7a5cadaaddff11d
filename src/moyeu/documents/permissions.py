"""Who may do what with a document: what they may do with the record it is attached to.

Seeing a record lets one see and download its documents; changing the record lets one upload,
add versions, rename, move, delete and restore them. A document of a record the actor cannot
see does not exist for them (404); of a record they see but may not change, the change is
refused (403). A token must also carry a ``documents`` scope for the action.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, PermissionDenied
from moyeu.core.registry import registry
from moyeu.identity.access import token_allows

MODULE = "documents"
_NOTHING = Q(pk__in=[])


@cache
def attachable_types() -> dict[str, str]:
    """``{"directory.contact": "directory.Contact", ...}``: every record type but documents."""
    return {
        f"{spec.label}.{record_type.name}": record_type.model_label
        for spec, record_type in registry.record_types()
        if spec.label != MODULE
    }


def parent_model(record_type: str) -> type[Model] | None:
    label = attachable_types().get(record_type)
    return apps.get_model(label) if label else None


def record_action(action: str) -> str:
    """The action on the record that an action on its documents needs."""
    return "view" if action == "view" else "change"


def visible_documents_q(actor: Actor, action: str = "view") -> Q:
    if not token_allows(actor.token_scopes, MODULE, action):
        return _NOTHING
    condition = _NOTHING
    for record_type, label in attachable_types().items():
        model = apps.get_model(label)
        records = model._default_manager.filter(
            access.scope_filter(actor, model, record_action(action))
        )
        condition |= Q(record_type=record_type, record_id__in=records.values("pk"))
    return condition


def find_record(actor: Actor, record_type: str, record_id: uuid.UUID | None) -> Model:
    """The record a document goes on, if ``actor`` sees it (else NotFound naming the field)."""
    model = parent_model(record_type)
    if model is None:
        raise NotFound(
            _("Documents cannot be attached to %(type)s.") % {"type": record_type or "?"},
            code="documents.unknown_record_type",
            field="record_type",
        )
    record = (
        model._default_manager.filter(access.scope_filter(actor, model, "view"))
        .filter(pk=record_id)
        .first()
        if record_id is not None
        else None
    )
    if record is None or not token_allows(actor.token_scopes, MODULE, "view"):
        raise NotFound(_("No such record."), field="record")
    return record


def require_change(actor: Actor, record: Model, action: str = "change") -> None:
    """Refuse (403) unless ``actor`` may change ``record`` and the token allows ``action``."""
    if not access.can(actor, record, "change") or not token_allows(
        actor.token_scopes, MODULE, action
    ):
        raise PermissionDenied(
            _("You may not change the documents of this record."), field="record"
        )


def can_change_record(actor: Actor, record: Any) -> bool:
    return access.can(actor, record, "change") and token_allows(
        actor.token_scopes, MODULE, "change"
    )
