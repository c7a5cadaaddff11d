"""One batch of an import: decide each row's outcome, then write the batch in one go.

``decide`` reads (keys, duplicates, access) with one query per kind and batch; ``write``
inserts and updates through moyeu.dataio.bulk, journals the batch (the checkpoint and what
revert needs), and records one audit entry and one event for the whole batch, all inside
the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.context import Actor
from moyeu.core.ids import new_id
from moyeu.core.models import ExternalId
from moyeu.core.services import validation_rules
from moyeu.core.services.audit import json_value
from moyeu.dataio import relations
from moyeu.dataio.duplicates import find_duplicates
from moyeu.dataio.plan import Plan, Prepared


def column_changes(changes: dict[str, Any], spec: Any) -> dict[str, Any]:
    """The changes that are columns of the record (not its tags or its link)."""
    link = spec.link.name if spec.link is not None else None
    return {k: v for k, v in changes.items() if k != relations.TAGS and k != link}


@dataclass
class Decision:
    prepared: Prepared
    outcome: str  # created, updated, skipped, rejected
    record_id: uuid.UUID | None = None
    reason: list[tuple[str, str]] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)
    previous: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchContext:
    plan: Plan
    actor: Actor
    allow_duplicates: bool
    fuzzy_duplicates: bool = False
    seen_keys: dict[str, int] = field(default_factory=dict)  # key -> line, across batches

    @property
    def model(self) -> Any:
        return self.plan.spec.model


def _existing_by_key(ctx: BatchContext, keys: set[str]) -> dict[str, list[uuid.UUID]]:
    found: dict[str, list[uuid.UUID]] = defaultdict(list)
    if not keys:
        return found
    key = ctx.plan.key
    if key.startswith("external_ids."):
        links = ExternalId.objects.filter(
            content_type=ContentType.objects.get_for_model(ctx.model),
            system=key[13:],
            value__in=keys,
        ).values_list("value", "object_id")
    else:
        links = ctx.model._base_manager.filter(**{f"{key}__in": keys}).values_list(key, "id")
    for value, pk in links:
        found[str(value)].append(pk)
    return found


def _taken_external_ids(ctx: BatchContext, rows: list[Prepared]) -> set[tuple[str, str]]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for system, value in row.external.items():
            wanted[system].add(value)
    taken: set[tuple[str, str]] = set()
    content_type = ContentType.objects.get_for_model(ctx.model)
    for system, values in wanted.items():
        query = ExternalId.objects.filter(
            content_type=content_type, system=system, value__in=values
        ).values_list("value", flat=True)
        taken.update((system, value) for value in query)
    return taken


def decide(ctx: BatchContext, rows: list[Prepared]) -> list[Decision]:
    plan, mode = ctx.plan, ctx.plan.mode
    decisions = [Decision(row, "rejected", reason=list(row.errors)) for row in rows]
    valid = [d for d in decisions if not d.prepared.errors]
    key_header = plan.header_of(plan.key) if plan.key else ""
    for decision in valid:
        row = decision.prepared
        if plan.key and not row.key and mode != "create":
            decision.reason.append((key_header, _("The key column is empty.")))
        elif row.key and row.key in ctx.seen_keys:
            decision.outcome = "skipped"
            line = ctx.seen_keys[row.key]
            decision.reason.append((key_header, _("Same key as line %s of this file.") % line))
        elif row.key:
            ctx.seen_keys[row.key] = row.line
    valid = [d for d in valid if not d.reason]
    _resolve_refs(ctx, valid)
    valid = [d for d in valid if not d.reason]
    existing = _existing_by_key(ctx, {d.prepared.key for d in valid if d.prepared.key})
    changeable_ids = {pk for pks in existing.values() for pk in pks}
    if changeable_ids:
        changeable_ids = set(
            ctx.model.objects.filter(pk__in=changeable_ids)
            .filter(access.scope_filter(ctx.actor, ctx.model, "change"))
            .values_list("id", flat=True)
        )
    creates: list[Decision] = []
    updates: list[Decision] = []
    for decision in valid:
        matches = existing.get(decision.prepared.key, []) if decision.prepared.key else []
        if len(matches) > 1:
            decision.reason.append((key_header, _("%s records have this key.") % len(matches)))
        elif matches and mode == "create":
            decision.outcome = "skipped"
            decision.record_id = matches[0]
            decision.reason.append((key_header, _("A record with this key already exists.")))
        elif matches and matches[0] not in changeable_ids:
            decision.reason.append((key_header, _("You may not change the record with this key.")))
        elif matches:
            decision.record_id = matches[0]
            updates.append(decision)
        elif mode == "update":
            decision.outcome = "skipped"
            decision.reason.append((key_header, _("No record has this key.")))
        else:
            missing = plan.missing_required(decision.prepared)
            decision.reason.extend(missing)
            if not missing:
                creates.append(decision)
    _decide_creates(ctx, creates)
    _decide_updates(ctx, updates)
    _check_rules(ctx, [d for d in decisions if d.outcome in ("created", "updated")])
    return decisions


def _resolve_refs(ctx: BatchContext, decisions: list[Decision]) -> None:
    """Owner, team and link cells to ids: one query per kind for the batch."""
    plan, refs = ctx.plan, [d for d in decisions if d.prepared.refs]
    if not refs:
        return
    cells: dict[str, set[str]] = defaultdict(set)
    for decision in refs:
        for name, cell in decision.prepared.refs.items():
            cells[name].add(cell)
    users = relations.users_named(cells[relations.OWNER])
    teams = relations.teams_named(cells[relations.TEAM])
    link = plan.spec.link
    targets = link.resolve(ctx.actor, cells[link.name]) if link and cells[link.name] else {}
    for decision in refs:
        prepared = decision.prepared
        for name, cell in prepared.refs.items():
            if name == relations.OWNER:
                found, field_name = users.get(cell.lower(), []), "owner_id"
                missing = _("No active user has the login or e-mail “%s”.") % cell
                several = _("Several users have the login or e-mail “%s”.") % cell
            elif name == relations.TEAM:
                found, field_name = teams.get(cell.lower(), []), "team_id"
                missing = _("No team is named “%s”.") % cell
                several = ""
            else:
                assert link is not None
                found, field_name = targets.get(cell, []), ""
                missing = str(link.not_found) % {"value": cell}
                several = str(link.ambiguous) % {"value": cell, "count": len(found)}
            if len(found) == 1 and field_name:
                prepared.values[field_name] = found[0]
            elif len(found) == 1:
                prepared.link_id = found[0]
            else:
                decision.reason.append((plan.header_of(name), several if found else missing))


def _check_rules(ctx: BatchContext, decisions: list[Decision]) -> None:
    """The administrators' validation rules, one evaluation per batch (unique rules look in
    the database and within the batch); a row breaking one is rejected, named by column."""
    model, model_spec = ctx.plan.spec.model, ctx.plan.spec
    if not decisions or not validation_rules.active_rules(model._meta.label_lower):
        return
    updated = [d.record_id for d in decisions if d.outcome == "updated"]
    stored: dict[Any, dict[str, Any]] = {
        row["id"]: dict(row) for row in model._base_manager.filter(pk__in=updated).values()
    }
    rows = []
    for d in decisions:
        if d.outcome == "created":
            rows.append({**d.prepared.values, "custom": d.prepared.custom})
        else:  # the whole record as it will be: conditional rules read other fields
            columns = column_changes(d.changes, model_spec)
            rows.append({**stored[d.record_id], **columns, "id": d.record_id})
    found = validation_rules.evaluate_batch(model._meta.label_lower, rows)
    for decision, errors in zip(decisions, found, strict=True):
        if errors:
            decision.outcome = "rejected"
            for path, messages in errors.items():
                decision.reason.append((ctx.plan.header_of(path), " ".join(messages)))


def _decide_creates(ctx: BatchContext, creates: list[Decision]) -> None:
    if not creates:
        return
    if not access.can_create(ctx.actor, ctx.model):
        for decision in creates:
            decision.reason.append(("", _("You may not create this kind of record.")))
        return
    mapped = [h for _i, h, f in ctx.plan.columns if f in (relations.OWNER, relations.TEAM)]
    allowed: dict[tuple[Any, Any], bool] = {}
    for decision in list(creates):
        values = decision.prepared.values
        if mapped:  # every row names both, so that rows insert alike
            values.setdefault("owner_id", ctx.actor.user_id)
            values.setdefault("team_id", _team_of(ctx.actor))
        pair = (
            values.get("owner_id", ctx.actor.user_id),
            values.get("team_id", _team_of(ctx.actor)),
        )
        if pair not in allowed:
            stub = ctx.model(owner_id=pair[0], team_id=pair[1])
            allowed[pair] = access.can(ctx.actor, stub, "create")
        if not allowed[pair]:
            column = ", ".join(mapped)
            decision.reason.append(
                (column, _("You may not create a record for this owner or team."))
            )
            creates.remove(decision)
    taken = _taken_external_ids(ctx, [d.prepared for d in creates])
    duplicates = (
        [[] for _ in creates]
        if ctx.allow_duplicates
        else find_duplicates(
            ctx.plan.spec,
            [d.prepared.values for d in creates],
            actor=ctx.actor,
            fuzzy=ctx.fuzzy_duplicates,
        )
    )
    for decision, candidates in zip(creates, duplicates, strict=True):
        clash = [(s, v) for s, v in decision.prepared.external.items() if (s, v) in taken]
        if clash:
            system, value = clash[0]
            decision.reason.append(
                (
                    ctx.plan.header_of(f"external_ids.{system}"),
                    _("Another record already has %(system)s id %(value)s.")
                    % {"system": system, "value": value},
                )
            )
        elif candidates:
            decision.outcome = "skipped"
            decision.record_id = candidates[0]
            decision.reason.append(("", _("Possible duplicate of record %s.") % candidates[0]))
        else:
            decision.outcome = "created"
            decision.record_id = new_id()


def _decide_updates(ctx: BatchContext, updates: list[Decision]) -> None:
    if not updates:
        return
    names = sorted({name for d in updates for name in d.prepared.values})
    if ctx.plan.has_custom:
        names.append("custom")
    record_ids = [d.record_id for d in updates]
    current = {
        row["id"]: row
        for row in ctx.model._base_manager.filter(pk__in=record_ids).values(
            "id", "owner_id", "team_id", *names
        )
    }
    with_tags = [d.record_id for d in updates if d.prepared.tags is not None]
    tags = relations.tags_of(ctx.model, with_tags) if with_tags else {}
    link = ctx.plan.spec.link
    with_link = [d.record_id for d in updates if d.prepared.link_id is not None]
    linked = link.existing(with_link) if link is not None and with_link else {}
    for decision in updates:
        before = current[decision.record_id]
        changes = {k: v for k, v in decision.prepared.values.items() if before[k] != v}
        previous = {k: json_value(before[k]) for k in changes}
        if decision.prepared.custom:
            merged = {**before["custom"], **decision.prepared.custom}
            if merged != before["custom"]:
                changes["custom"] = merged
                previous["custom"] = before["custom"]
        if "owner_id" in changes or "team_id" in changes:
            stub = ctx.model(
                owner_id=changes.get("owner_id", before["owner_id"]),
                team_id=changes.get("team_id", before["team_id"]),
            )
            if not access.can(ctx.actor, stub, "change"):
                decision.outcome = "rejected"
                column = ", ".join(
                    h for _i, h, f in ctx.plan.columns if f in (relations.OWNER, relations.TEAM)
                )
                decision.reason.append(
                    (column, _("You may not give this record to that owner or team."))
                )
                continue
        wanted_tags = decision.prepared.tags
        if wanted_tags is not None and wanted_tags != tags.get(decision.record_id, []):
            changes[relations.TAGS] = wanted_tags
            previous[relations.TAGS] = tags.get(decision.record_id, [])
        target = decision.prepared.link_id
        if link is not None and target is not None:
            targets, has_primary = linked.get(decision.record_id, (set(), False))
            if target not in targets:
                changes[link.name] = {"target": target, "primary": not has_primary}
                previous[link.name] = {"added": str(target)}
        if not changes:
            decision.outcome = "skipped"
            decision.reason.append(("", _("Nothing to change.")))
            continue
        decision.outcome = "updated"
        decision.changes = changes
        decision.previous = previous


def _team_of(actor: Actor) -> Any:
    return getattr(actor.user, "primary_team_id", None) if actor.user is not None else None


def insert_constants(actor: Actor) -> dict[str, Any]:
    now = timezone.now()
    return {
        "created_at": now,
        "updated_at": now,
        "created_by_id": actor.user_id,
        "updated_by_id": actor.user_id,
        "owner_id": actor.user_id,
        "team_id": _team_of(actor),
        "version": 1,
        "custom": {},
    }
