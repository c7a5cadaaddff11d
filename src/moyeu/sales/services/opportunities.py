"""Opportunities: create, change, move to another stage, delete, upsert by external id.

``values`` takes the model's fields (``account``, ``pipeline``, ``stage``, ``amount``,
``currency``, ``probability``, ``expected_close_date``, ``next_step``, ``competitors``,
``lost_reason``, ``lost_note``, ``owner``, ``team``; ``<name>_id`` forms too) plus ``contacts``
(``[{"contact": id, "role": "decision_maker", "is_primary": true}]``, replacing the list).

A new opportunity without a stage goes to the first open stage of its pipeline (the default
pipeline if none is named), without a currency to ``MOYEU_DEFAULT_CURRENCY``, without a close
date to the last day of the quarter; its probability is its stage's unless given.

Every stage change — ``opportunity_move_stage``, or ``stage`` in an update, an import or an
upsert — goes through :func:`_move`: the target stage's required fields are checked on the
opportunity as it will be (a lost stage needs a lost reason), the probability resets to the
stage's (an open stage accepts another), ``status`` and ``closed_at`` follow the stage's kind,
and the move is audited (``sales.opportunity.stage_changed`` / ``won`` / ``lost``) and emitted
(``opportunity.stage_changed``, plus ``opportunity.won`` or ``opportunity.lost``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor, action_context
from moyeu.core.errors import ValidationFailed, VersionConflict
from moyeu.core.search import index as search_index
from moyeu.core.services import audit, events, records, validation_rules
from moyeu.sales import money
from moyeu.sales.models import Opportunity, OpportunityContact, PipelineStage, StageKind
from moyeu.sales.services import stage_rules
from moyeu.sales.services.opportunity_values import (
    MOVE_FIELDS,
    Errors,
    add,
    check_account,
    check_known,
    clean_contacts,
    clean_fields,
    end_of_quarter,
    full_clean,
    normalise_keys,
    target_stage,
)


def _write_contacts(opportunity: Opportunity, rows: list[dict[str, Any]]) -> None:
    OpportunityContact.objects.filter(opportunity=opportunity).delete()
    OpportunityContact.objects.bulk_create(
        [
            OpportunityContact(opportunity=opportunity, position=index, **row)
            for index, row in enumerate(rows)
        ]
    )


def _enter(opportunity: Opportunity, stage: PipelineStage, probability: int | None) -> None:
    """Put ``opportunity`` in ``stage``: pipeline, status, probability, dates, lost reason."""
    now = timezone.now()
    opportunity.pipeline_id = stage.pipeline_id
    opportunity.stage = stage
    opportunity.stage_entered_at = now
    if stage.kind == StageKind.OPEN:
        opportunity.probability = stage.probability if probability is None else probability
        opportunity.closed_at = None
    else:
        opportunity.probability = stage.probability
        if opportunity.status != stage.kind or opportunity.closed_at is None:
            opportunity.closed_at = now
    if stage.kind != StageKind.LOST:
        opportunity.lost_reason = ""
        opportunity.lost_note = ""
    opportunity.status = stage.kind


def _check_closed_fields(values: Mapping[str, Any], kind: str, errors: Errors) -> None:
    """A lost reason belongs to a lost opportunity; a closed stage fixes the probability."""
    if kind != StageKind.LOST and (values.get("lost_reason") or values.get("lost_note")):
        field = "lost_reason" if values.get("lost_reason") else "lost_note"
        add(errors, field, _("Only a lost opportunity has a lost reason."))
    if kind != StageKind.OPEN and "probability" in values:
        fixed = 100 if kind == StageKind.WON else 0
        if values["probability"] != fixed:
            add(errors, "probability", _("A won or lost opportunity's probability is its stage's."))


def _touched(
    values: Mapping[str, Any], custom: Mapping[str, Any] | None, contacts: bool
) -> set[str]:
    fields = {"account" if k == "account_id" else k for k in values}
    fields |= {f"custom.{name}" for name in custom or {}}
    if contacts:
        fields.add("contacts")
    return fields


def opportunity_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str] | None = None,
) -> Opportunity:
    """Create an opportunity (see the module docstring for defaults and rules)."""
    cleaned = normalise_keys(values)
    contacts_raw = cleaned.pop("contacts", None)
    errors: Errors = {}
    check_known(cleaned, errors)
    clean_fields(cleaned, errors)
    stage = target_stage(cleaned, None, errors)
    cleaned.pop("stage_id", None)
    cleaned.pop("pipeline_id", None)
    probability = cleaned.pop("probability", None)
    if stage is not None:
        _check_closed_fields(
            {**cleaned, **({"probability": probability} if probability is not None else {})},
            stage.kind,
            errors,
        )
    if cleaned.get("account_id") in (None, ""):
        add(errors, "account", _("An opportunity is for an account: choose one."))
    if errors:
        raise ValidationFailed(errors)
    assert stage is not None
    cleaned.setdefault("currency", money.default_currency())
    if cleaned.get("expected_close_date") is None:
        cleaned["expected_close_date"] = end_of_quarter()
    probe = Opportunity(**{k: v for k, v in cleaned.items() if k != "stage"})
    _enter(probe, stage, probability)
    for name in (
        "pipeline_id",
        "stage_id",
        "status",
        "probability",
        "stage_entered_at",
        "closed_at",
        "lost_reason",
        "lost_note",
    ):
        cleaned[name] = getattr(probe, name)

    def write(opportunity: Opportunity) -> None:
        more: Errors = {}
        check_account(actor, opportunity.account_id, more)
        rows = clean_contacts(actor, contacts_raw, more) if contacts_raw is not None else []
        if more:
            raise ValidationFailed(more)
        _write_contacts(opportunity, rows)
        missing = stage_rules.missing_fields(stage, opportunity, len(rows))
        if missing:
            raise ValidationFailed(
                stage_rules.entry_errors(stage, missing, entering=True),
                _("This opportunity cannot enter the stage “%(stage)s” yet.")
                % {"stage": stage.name},
            )

    return records.record_create(
        Opportunity,
        actor=actor,
        values=cleaned,
        custom=custom,
        tags=tags,
        external_ids=external_ids,
        related=write,
    )


def _visible(actor: Actor, opportunity_id: Any) -> Opportunity | None:
    return (
        Opportunity.objects.visible_to(actor, "view")
        .select_related("stage")
        .filter(pk=opportunity_id)
        .first()
    )


def opportunity_update(
    *,
    actor: Actor,
    opportunity_id: uuid.UUID,
    values: Mapping[str, Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    external_ids: Mapping[str, str | None] | None = None,
    expected_version: int | None = None,
    replace_custom: bool = False,
) -> Opportunity:
    """Change an opportunity; a new ``stage`` (or ``pipeline``) moves it, rules applied."""
    current = _visible(actor, opportunity_id)
    if current is None:
        # Answers "not found" (record_update checks access in its transaction).
        return records.record_update(Opportunity, opportunity_id, actor=actor)
    cleaned = normalise_keys(values)
    contacts_raw = cleaned.pop("contacts", None)
    errors: Errors = {}
    check_known(cleaned, errors)
    clean_fields(cleaned, errors)
    placement = {k: cleaned.pop(k) for k in ("stage_id", "pipeline_id") if k in cleaned}
    target = target_stage(placement, current, errors) if placement else None
    if target is not None and target.pk == current.stage_id:
        target = None
    move_values = {k: cleaned.pop(k) for k in MOVE_FIELDS if k in cleaned} if target else {}
    if target is None:
        _check_closed_fields(cleaned, current.status, errors)
    if "account_id" in cleaned and cleaned["account_id"] in (None, ""):
        add(errors, "account", _("An opportunity is for an account: choose one."))
    if errors:
        raise ValidationFailed(errors)
    final_stage = target or current.stage
    touched = _touched(cleaned, custom, contacts_raw is not None)

    def write(opportunity: Opportunity) -> None:
        more: Errors = {}
        if "account_id" in cleaned:
            check_account(actor, opportunity.account_id, more)
        rows = clean_contacts(actor, contacts_raw, more) if contacts_raw is not None else None
        if more:
            raise ValidationFailed(more)
        if rows is not None:
            _write_contacts(opportunity, rows)
        count = len(rows) if rows is not None else opportunity.contact_roles.count()
        # Emptying a field the stage requires is refused; fields nobody touched are left be.
        missing = [
            f for f in stage_rules.missing_fields(final_stage, opportunity, count) if f in touched
        ]
        if missing and target is None:
            raise ValidationFailed(stage_rules.entry_errors(final_stage, missing, entering=False))

    with action_context(channel=actor.channel), transaction.atomic():
        opportunity = current
        updating = bool(cleaned) or any(
            x is not None for x in (contacts_raw, custom, tags, external_ids)
        )
        if updating or target is None:
            opportunity = records.record_update(
                Opportunity,
                opportunity_id,
                actor=actor,
                values=cleaned,
                custom=custom,
                tags=tags,
                external_ids=external_ids,
                expected_version=expected_version,
                replace_custom=replace_custom,
                related=write,
            )
            expected_version = None  # checked on the locked row just now
        if target is not None:
            opportunity = _move(
                actor=actor,
                opportunity_id=opportunity_id,
                stage=target,
                values=move_values,
                expected_version=expected_version,
            )
    return opportunity


def opportunity_move_stage(
    *,
    actor: Actor,
    opportunity_id: uuid.UUID,
    stage_id: Any,
    values: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    """Move to ``stage_id`` (of this or another pipeline), filling in ``values`` on the way
    (only the fields a move may carry: amount, currency, close date, next step, competitors,
    probability, lost reason and note). Moving to the stage it is in changes nothing."""
    cleaned = normalise_keys(values)
    errors: Errors = {}
    for key in sorted(set(cleaned) - set(MOVE_FIELDS)):
        add(errors, key, _("A move fills in only: %(f)s.") % {"f": ", ".join(MOVE_FIELDS)})
    clean_fields(cleaned, errors)
    current = _visible(actor, opportunity_id)
    stage = target_stage({"stage_id": stage_id}, current, errors)
    if errors:
        raise ValidationFailed(errors)
    assert stage is not None
    if current is not None and stage.pk == current.stage_id:
        if not cleaned:
            return records.record_update(
                Opportunity, opportunity_id, actor=actor, expected_version=expected_version
            )
        return opportunity_update(
            actor=actor,
            opportunity_id=opportunity_id,
            values=cleaned,
            expected_version=expected_version,
        )
    return _move(
        actor=actor,
        opportunity_id=opportunity_id,
        stage=stage,
        values=cleaned,
        expected_version=expected_version,
    )


def _stage_ref(stage: PipelineStage) -> dict[str, Any]:
    return {"id": str(stage.pk), "name": stage.name, "kind": stage.kind}


def _move(
    *,
    actor: Actor,
    opportunity_id: uuid.UUID,
    stage: PipelineStage,
    values: Mapping[str, Any],
    expected_version: int | None,
) -> Opportunity:
    with action_context(channel=actor.channel), transaction.atomic():
        opportunity = records.lock_for_change(
            Opportunity, opportunity_id, actor=actor, action="change"
        )
        if expected_version is not None and opportunity.version != expected_version:
            raise VersionConflict(
                _("This record was changed by someone else (version %(v)s).")
                % {"v": opportunity.version},
                current_version=opportunity.version,
            )
        if opportunity.stage_id == stage.pk:
            return opportunity
        origin = PipelineStage.objects.get(pk=opportunity.stage_id)
        errors: Errors = {}
        _check_closed_fields(values, stage.kind, errors)
        if errors:
            raise ValidationFailed(errors)
        before = records.snapshot(opportunity)
        fills = {k: v for k, v in values.items() if k != "probability"}
        for name, value in fills.items():
            setattr(opportunity, name, value)
        _enter(opportunity, stage, values.get("probability"))
        if stage.kind == StageKind.LOST:
            opportunity.lost_reason = values.get("lost_reason", opportunity.lost_reason) or ""
            opportunity.lost_note = values.get("lost_note", opportunity.lost_note) or ""
        missing = stage_rules.missing_fields(stage, opportunity, opportunity.contact_roles.count())
        if missing:
            raise ValidationFailed(
                stage_rules.entry_errors(stage, missing, entering=True),
                _("This opportunity cannot enter the stage “%(stage)s” yet.")
                % {"stage": stage.name},
            )
        full_clean(opportunity)
        validation_rules.check_record(opportunity)
        opportunity.version += 1
        opportunity.updated_by = actor.user
        opportunity.updated_at = timezone.now()
        opportunity.save()
        search_index.index_record(opportunity)
        after = records.snapshot(opportunity)
        changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
        verb = {"won": "won", "lost": "lost"}.get(str(stage.kind), "stage_changed")
        moved = {"from_stage": _stage_ref(origin), "to_stage": _stage_ref(stage)}
        audit.record(opportunity, f"sales.opportunity.{verb}", actor, changes=changes, data=moved)
        payload = {**after, **moved, "changed_fields": sorted(changes)}
        for event in ("stage_changed", verb) if verb != "stage_changed" else ("stage_changed",):
            events.emit(
                f"opportunity.{event}",
                record_type="sales.opportunity",
                record=opportunity,
                payload=payload,
                actor=actor,
            )
    return opportunity


def opportunity_delete(
    *, actor: Actor, opportunity_id: uuid.UUID, expected_version: int | None = None
) -> None:
    records.record_delete(
        Opportunity, opportunity_id, actor=actor, expected_version=expected_version
    )


def opportunity_upsert_by_external_id(
    *,
    actor: Actor,
    system: str,
    value: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> tuple[Opportunity, bool]:
    """Update the opportunity ``system`` knows as ``value`` (a stage change is a move), or
    create it: (opportunity, created)."""
    with transaction.atomic():
        found = records.find_by_external_id(Opportunity, system, value)
        if found is None:
            created = opportunity_create(
                actor=actor, values=values, custom=custom, tags=tags, external_ids={system: value}
            )
            return created, True
        updated = opportunity_update(
            actor=actor,
            opportunity_id=found.pk,
            values=values,
            custom=custom,
            tags=tags,
            expected_version=expected_version,
        )
        return updated, False
