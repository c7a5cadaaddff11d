"""The events the documents module emits (payload: the document, its current version)."""

UPLOADED = "document.uploaded"
VERSION_ADDED = "document.version_added"
UPDATED = "document.updated"
DELETED = "document.deleted"
RESTORED = "document.restored"
PURGED = "document.purged"
