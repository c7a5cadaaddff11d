from moyeu.directory.services.accounts import account_create, account_delete, account_update
from moyeu.directory.services.contacts import contact_create, contact_delete, contact_update

__all__ = [
    "account_create",
    "account_delete",
    "account_update",
    "contact_create",
    "contact_delete",
    "contact_update",
]
