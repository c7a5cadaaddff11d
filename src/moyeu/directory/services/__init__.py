from moyeu.directory.services.accounts import (
    account_create,
    account_delete,
    account_update,
    account_upsert_by_external_id,
)
from moyeu.directory.services.contacts import (
    contact_bulk_create,
    contact_create,
    contact_delete,
    contact_link_account,
    contact_unlink_account,
    contact_update,
    contact_upsert_by_external_id,
)

__all__ = [
    "account_create",
    "account_delete",
    "account_update",
    "account_upsert_by_external_id",
    "contact_bulk_create",
    "contact_create",
    "contact_delete",
    "contact_link_account",
    "contact_unlink_account",
    "contact_update",
    "contact_upsert_by_external_id",
]
