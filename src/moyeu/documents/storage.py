"""The documents storage (settings ``STORAGES["documents"]``): local folder or S3-compatible.

Names are random (``ab/cd/<32 hex>``), carry no extension and nothing of the uploaded name, so
a stored file can never be found by guessing, nor run by a web server that would serve the
folder by mistake.
"""

from __future__ import annotations

import secrets

from django.core.files.storage import Storage, storages

ALIAS = "documents"


def documents_storage() -> Storage:
    return storages[ALIAS]


def random_name(suffix: str = "") -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:4]}/{token}{suffix}"
