from moyeu.directory.models.accounts import Account, AccountKind
from moyeu.directory.models.contacts import Contact

__all__ = ["Account", "AccountKind", "Contact"]
