from moyeu.activities.services.activities import (
    activity_cancel,
    activity_complete,
    activity_create,
    activity_delete,
    activity_reopen,
    activity_update,
    activity_upsert_by_external_id,
)

__all__ = [
    "activity_cancel",
    "activity_complete",
    "activity_create",
    "activity_delete",
    "activity_reopen",
    "activity_update",
    "activity_upsert_by_external_id",
]
