"""Time-ordered identifiers (UUID version 7, RFC 9562).

They sort by creation time, which keeps B-tree inserts local and gives lists a stable,
index-friendly order, and they stay valid across systems, merges and exports.
"""

from __future__ import annotations

import uuid

import uuid_utils


def new_id() -> uuid.UUID:
    return uuid.UUID(int=uuid_utils.uuid7().int)
