"""Merging duplicate contacts or accounts, and undoing a merge.

The generic merge (moyeu.core.merge) moves every row pointing at the losers, including the
contacts of an account and the child e-mails, phones, addresses and account links of a
contact; these wrappers name the record type, so audit codes are directory.contact.merged,
directory.account.merged and ...merge_undone, and events contact.merged, account.merged,
contact.merge_undone and account.merge_undone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound
from moyeu.core.merge import merge_records, undo_merge
from moyeu.core.models import MergeRecord
from moyeu.directory.models import Account, Contact

RECORD_TYPES = ("directory.contact", "directory.account")


def contact_merge(
    *,
    actor: Actor,
    survivor_id: uuid.UUID,
    loser_ids: Sequence[uuid.UUID],
    choices: Mapping[str, uuid.UUID] | None = None,
    expected_versions: Mapping[uuid.UUID, int] | None = None,
) -> MergeRecord:
    return merge_records(
        Contact,
        actor=actor,
        survivor_id=survivor_id,
        loser_ids=loser_ids,
        choices=choices,
        expected_versions=expected_versions,
    )


def account_merge(
    *,
    actor: Actor,
    survivor_id: uuid.UUID,
    loser_ids: Sequence[uuid.UUID],
    choices: Mapping[str, uuid.UUID] | None = None,
    expected_versions: Mapping[uuid.UUID, int] | None = None,
) -> MergeRecord:
    return merge_records(
        Account,
        actor=actor,
        survivor_id=survivor_id,
        loser_ids=loser_ids,
        choices=choices,
        expected_versions=expected_versions,
    )


def merge_undo(*, actor: Actor, merge_id: uuid.UUID) -> MergeRecord:
    merge = MergeRecord.objects.filter(pk=merge_id, record_type__in=RECORD_TYPES).first()
    if merge is None:
        raise NotFound(_("No such merge."))
    return undo_merge(merge.pk, actor=actor)
