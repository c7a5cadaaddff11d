from moyeu.directory.models.accounts import Account
from moyeu.directory.models.channels import (
    AccountEmail,
    AccountPhone,
    Address,
    ContactEmail,
    ContactPhone,
)
from moyeu.directory.models.contacts import AccountContactLink, Contact
from moyeu.directory.models.kinds import (
    AccountKind,
    AddressKind,
    Civility,
    EmailKind,
    PhoneKind,
    SizeBand,
)

__all__ = [
    "Account",
    "AccountContactLink",
    "AccountEmail",
    "AccountKind",
    "AccountPhone",
    "Address",
    "AddressKind",
    "Civility",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "EmailKind",
    "PhoneKind",
    "SizeBand",
]
