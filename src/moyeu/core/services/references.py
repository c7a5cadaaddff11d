"""Rows of other modules that name a record by (type, id), when the record goes away.

Modules declare such rows as ``record_references`` (an activity's links and contact
attendees: ``("activities.ActivityLink", "record_type", "record_id")``). A merge moves them to
the survivor (moyeu.core.merge); a deletion — ``record_delete``, an import's revert, the
documents' purge — removes them here, in the deleting transaction, so that no link points
at a record that no longer exists. Core reads the declarations and imports no module.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.apps import apps
from django.db import models

from moyeu.core.registry import registry

BATCH = 2000


def forget_records(model: type[models.Model], ids: Iterable[uuid.UUID]) -> int:
    """Delete the declared reference rows naming these records of ``model``; rows deleted."""
    wanted = list(ids)
    record_type = model._meta.label_lower
    deleted = 0
    for label, type_column, id_column in registry.record_references():
        rows = apps.get_model(label)._base_manager
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            deleted += rows.filter(
                **{type_column: record_type, f"{id_column}__in": chunk}
            ).delete()[0]
    return deleted
