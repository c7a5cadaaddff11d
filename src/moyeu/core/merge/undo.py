"""Undoing a merge: losers back with their ids, values and every row that moved.

Refused (409, naming what changed) when the survivor or a moved row changed since the merge,
when a loser's id is taken again, or when the merge was already undone.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor, action_context
from moyeu.core.errors import Conflict, NotFound
from moyeu.core.merge.primaries import restore_primaries
from moyeu.core.merge.relations import from_values, model_of
from moyeu.core.models import DuplicateCandidate, DuplicateStatus, MergeRecord, MoyeuModel
from moyeu.core.search import index as search_index
from moyeu.core.services import audit, events
from moyeu.core.services.records import lock_for_change, snapshot


def merge_model(merge: MergeRecord) -> type[MoyeuModel]:
    module, _dot, name = merge.record_type.partition(".")
    for model in apps.get_app_config(module).get_models():
        if model._meta.model_name == name:
            return model  # type: ignore[return-value]
    raise NotFound(_("No such record type."))


def _changed_since(merge: MergeRecord, survivor: MoyeuModel) -> list[str]:
    changed: list[str] = []
    if survivor.version != merge.survivor_version:
        changed.append(
            _("%(record)s changed since the merge (version %(then)s, now %(now)s)")
            % {"record": survivor, "then": merge.survivor_version, "now": survivor.version}
        )
    for move in merge.data["moves"]:
        if move["op"] != "moved":
            continue
        model = model_of(move["model"])
        row = model._default_manager.filter(pk=move["pk"]).values(move["column"]).first()
        current = None if row is None else row[move["column"]]
        if row is None or str(current) != str(merge.survivor_id):
            changed.append(
                _("%(model)s %(pk)s moved or was deleted since the merge")
                % {"model": model._meta.verbose_name, "pk": move["pk"]}
            )
            continue
        if "version" in move:
            version = model._default_manager.filter(pk=move["pk"]).values_list(
                "version", flat=True
            )[0]
            if version != move["version"]:
                changed.append(
                    _("%(model)s %(pk)s changed since the merge")
                    % {"model": model._meta.verbose_name, "pk": move["pk"]}
                )
    model = type(survivor)
    taken = model._default_manager.filter(pk__in=merge.loser_ids).values_list("pk", flat=True)
    changed.extend(_("the id %(pk)s is in use again") % {"pk": pk} for pk in taken)
    return changed


def _replay_backwards(merge: MergeRecord) -> None:
    restore_primaries(merge.data.get("primaries", []))
    for move in reversed(merge.data["moves"]):
        model = model_of(move["model"])
        manager = model._default_manager
        if move["op"] == "deleted":
            from_values(model, move["row"]).save(force_insert=True)
            continue
        change: dict[str, Any] = {move["column"]: move["from"]}
        if move.get("flag"):
            change[move["flag"]] = True
        if "version" in move:
            change["version"] = move["version"] + 1
        manager.filter(pk=move["pk"]).update(**change)


def undo_merge(merge_id: uuid.UUID, *, actor: Actor) -> MergeRecord:
    with action_context(channel=actor.channel), transaction.atomic():
        merge = MergeRecord.objects.select_for_update().filter(pk=merge_id).first()
        if merge is None:
            raise NotFound(_("No such merge."))
        model = merge_model(merge)
        survivor = lock_for_change(model, merge.survivor_id, actor=actor, action="merge")
        if merge.is_undone:
            raise Conflict(_("This merge was already undone."), code="core.merge_undone")
        changed = _changed_since(merge, survivor)
        if changed:
            raise Conflict(
                _("The merge cannot be undone: %(what)s.") % {"what": "; ".join(changed)},
                code="core.merge_changed_since",
            )
        before = snapshot(survivor)
        try:
            with transaction.atomic():
                for values in merge.data["losers"]:
                    from_values(model, values).save(force_insert=True)
                _replay_backwards(merge)
        except IntegrityError:
            raise Conflict(
                _("The merge cannot be undone: restored rows clash with rows added since."),
                code="core.merge_changed_since",
            ) from None
        restored = cast(MoyeuModel, from_values(model, merge.data["survivor_before"]))
        restored.version = survivor.version + 1
        restored.updated_by = actor.user
        restored.updated_at = timezone.now()
        restored.save(force_update=True)
        search_index.index_records(model, [uuid.UUID(str(pk)) for pk in merge.loser_ids])
        search_index.index_record(restored)
        DuplicateCandidate.objects.filter(pk__in=merge.data.get("candidates", [])).update(
            status=DuplicateStatus.OPEN, resolved_at=None
        )
        merge.undone_at = timezone.now()
        merge.undone_by = actor.user
        merge.save(update_fields=["undone_at", "undone_by"])
        module, _dot, name = merge.record_type.partition(".")
        after = snapshot(restored)
        audit.record(
            restored,
            f"{module}.{name}.merge_undone",
            actor,
            changes={k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v},
            data={"merge_id": str(merge.pk), "restored": merge.loser_ids},
        )
        for loser in model._default_manager.filter(pk__in=merge.loser_ids):
            audit.record(
                loser, f"{module}.{name}.merge_undone", actor, data={"merge_id": str(merge.pk)}
            )
        events.emit(
            f"{name}.merge_undone",
            record_type=merge.record_type,
            record=restored,
            payload={"merge_id": str(merge.pk), "restored": merge.loser_ids, "survivor": after},
            actor=actor,
        )
    return merge
