"""The directory's match specifications, read by moyeu.core.dedup."""

from moyeu.directory.duplicates.accounts import ACCOUNT
from moyeu.directory.duplicates.contacts import CONTACT

MATCH_SPECS = [CONTACT, ACCOUNT]

__all__ = ["ACCOUNT", "CONTACT", "MATCH_SPECS"]
