"""Meeting invitations to contacts: queued by a service, sent as .ics e-mails by the worker.

``meeting_invite`` queues one METHOD:REQUEST message per contact attending with an e-mail
address (the first time, and again after a change: the SEQUENCE is the meeting's version, so
the guest's calendar replaces the older copy). Cancelling a meeting queues METHOD:CANCEL to
every guest who was sent an invitation (``queue_cancellations``, in the cancelling
transaction). ``send_pending_invitations`` is the worker's part (tasks.send_invitations).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moyeu.activities.calendar import invitation as itip
from moyeu.activities.models import (
    Activity,
    ActivityKind,
    InvitationMethod,
    MeetingInvitation,
    Status,
)
from moyeu.activities.services import mailing
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import ValidationFailed, VersionConflict
from moyeu.core.registry import registry
from moyeu.core.services import audit, events, records

logger = logging.getLogger(__name__)
BATCH = 200


@dataclass(frozen=True)
class InvitationRound:
    """What ``meeting_invite`` queued, and the contacts attending it cannot reach."""

    activity: Activity
    invitations: list[MeetingInvitation]
    without_address: list[str]  # names of contacts attending without an e-mail address


def _email_field(record_type: str) -> str:
    for spec, declared in registry.record_types():
        if record_type in (declared.model_label.lower(), f"{spec.label}.{declared.name}"):
            return declared.email_field
    return ""


def guests(actor: Actor, activity: Activity) -> tuple[list[tuple[Any, itip.Guest]], list[str]]:
    """The contacts attending (those ``actor`` may see): [(attendee, guest)], and the names of
    those without an e-mail address."""
    found: list[tuple[Any, itip.Guest]] = []
    without: list[str] = []
    for attendee in activity.attendees.filter(record_id__isnull=False).order_by("id"):
        model = registry.record_model(attendee.record_type)
        field = _email_field(attendee.record_type)
        if model is None:
            continue
        visible: Any = model._default_manager
        record = visible.visible_to(actor, "view").filter(pk=attendee.record_id).first()
        if record is None:
            continue
        address = str(getattr(record, field, "") or "").strip() if field else ""
        if address:
            found.append((attendee, itip.Guest(str(record), address)))
        else:
            without.append(str(record))
    return found, without


def organizer_of(activity: Activity) -> itip.Guest:
    owner = activity.owner
    if owner is None or not owner.email:
        raise ValidationFailed(
            {"owner": [_("The meeting's owner needs an e-mail address to send invitations.")]}
        )
    return itip.Guest(owner.get_full_name() or owner.get_username(), owner.email)


def _enqueue() -> None:
    from moyeu.activities.tasks import send_invitations

    transaction.on_commit(lambda: send_invitations.enqueue())


def _record(actor: Actor, activity: Activity, method: str, rows: list[MeetingInvitation]) -> None:
    data = {
        "method": method,
        "sequence": activity.version,
        "to": [row.email for row in rows],
    }
    audit.record(activity, "activities.activity.invited", actor, data=data)
    events.emit(
        "activity.invited",
        record_type="activities.activity",
        record=activity,
        payload={"id": str(activity.pk), **data},
        actor=actor,
    )


def meeting_invite(
    *, actor: Actor, activity_id: uuid.UUID, expected_version: int | None = None
) -> InvitationRound:
    """Queue an invitation (or an update) to every contact attending the meeting."""
    with action_context(channel=actor.channel), transaction.atomic():
        activity = records.lock_for_change(Activity, activity_id, actor=actor, action="change")
        if expected_version is not None and activity.version != expected_version:
            raise VersionConflict(
                _("This record was changed by someone else (version %(v)s).")
                % {"v": activity.version},
                current_version=activity.version,
            )
        if activity.kind != ActivityKind.MEETING:
            raise ValidationFailed({"kind": [_("Only meetings have invitations.")]})
        if activity.status == Status.CANCELLED:
            raise ValidationFailed(
                {"status": [_("This meeting is cancelled: its guests were told.")]}
            )
        if activity.status == Status.DONE:
            raise ValidationFailed({"status": [_("This meeting is over.")]})
        organizer_of(activity)
        found, without = guests(actor, activity)
        if not found:
            message = (
                _("No contact attending has an e-mail address.")
                if without
                else _("Add the contacts to invite as attendees first.")
            )
            raise ValidationFailed({"attendees": [message]})
        now = timezone.now()
        rows = MeetingInvitation.objects.bulk_create(
            [
                MeetingInvitation(
                    activity=activity,
                    record_type=attendee.record_type,
                    record_id=attendee.record_id,
                    name=guest.name[:300],
                    email=guest.email,
                    method=InvitationMethod.REQUEST,
                    sequence=activity.version,
                    requested_at=now,
                    requested_by=actor.user,
                )
                for attendee, guest in found
            ]
        )
        _record(actor, activity, InvitationMethod.REQUEST, rows)
        _enqueue()
    return InvitationRound(activity, rows, without)


def queue_cancellations(actor: Actor, activity: Activity) -> list[MeetingInvitation]:
    """Inside the cancelling transaction: METHOD:CANCEL to every guest who was (or is being)
    sent an invitation; invitations not sent yet are withdrawn instead."""
    now = timezone.now()
    requests = MeetingInvitation.objects.filter(activity=activity, method=InvitationMethod.REQUEST)
    # Never left, and no worker holds them: they are simply not sent.
    requests.filter(sent_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).delete()
    told: dict[str, MeetingInvitation] = {}
    for row in requests.order_by("requested_at"):
        told[row.email.lower()] = row
    if not told:
        return []
    rows = MeetingInvitation.objects.bulk_create(
        [
            MeetingInvitation(
                activity=activity,
                record_type=row.record_type,
                record_id=row.record_id,
                name=row.name,
                email=row.email,
                method=InvitationMethod.CANCEL,
                sequence=activity.version,
                requested_at=now,
                requested_by=actor.user,
            )
            for row in told.values()
        ]
    )
    _record(actor, activity, InvitationMethod.CANCEL, rows)
    _enqueue()
    return rows


def _invited(activity: Activity) -> list[itip.Guest]:
    """Everyone sent an invitation to the meeting: the ATTENDEE list of each message."""
    seen: dict[str, itip.Guest] = {}
    rows = MeetingInvitation.objects.filter(activity=activity, method=InvitationMethod.REQUEST)
    for name, email in rows.order_by("requested_at").values_list("name", "email"):
        seen.setdefault(email.lower(), itip.Guest(name, email))
    return list(seen.values())


def _colleagues(activity: Activity) -> list[itip.Guest]:
    return [
        itip.Guest(a.user.get_full_name() or a.user.get_username(), a.user.email)
        for a in activity.attendees.select_related("user").filter(user__isnull=False)
        if a.user is not None and a.user.email and a.user_id != activity.owner_id
    ]


def _send(row: MeetingInvitation) -> bool:
    """Send one invitation if no other worker is; whether this one sent it."""
    now = timezone.now()
    if not mailing.claim(
        MeetingInvitation, row.pk, sent_field="sent_at", claim_field="claimed_until", now=now
    ):
        return False
    activity = row.activity
    try:
        organizer = organizer_of(activity)
        # In the organiser's language, as their reminders are.
        language = getattr(activity.owner, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            calendar = itip.itip(
                activity,
                method=row.method,
                sequence=row.sequence,
                organizer=organizer,
                guests=_invited(activity)
                if row.method == InvitationMethod.REQUEST
                else [itip.Guest(row.name, row.email)],
                colleagues=_colleagues(activity),
                now=now,
            )
            email = itip.message(
                activity,
                calendar,
                method=row.method,
                to=itip.Guest(row.name, row.email),
                organizer=organizer,
                message_id=mailing.message_id("invitation", row.pk),
            )
        email.send()
    except Exception as exc:
        MeetingInvitation.objects.filter(pk=row.pk).update(
            error=str(exc)[:1000], claimed_until=None
        )
        raise
    mark_sent(row.pk)
    return True


def mark_sent(invitation_id: uuid.UUID) -> None:
    """The mail server accepted the invitation."""
    MeetingInvitation.objects.filter(pk=invitation_id).update(
        sent_at=timezone.now(), error="", claimed_until=None
    )


def send_pending_invitations() -> dict[str, int]:
    """Send every invitation not sent yet (the worker's job); a failure is recorded on its
    row and fails the job after the others were tried, so that it is retried."""
    sent = 0
    failed: Exception | None = None
    with action_context(channel="task"):
        pending = (
            MeetingInvitation.objects.filter(sent_at__isnull=True)
            .select_related("activity__owner")
            .order_by("requested_at", "id")
        )
        for row in list(pending[:BATCH]):
            try:
                sent += _send(row)
            except Exception as exc:  # one bad address must not hold back the others
                logger.warning("meeting invitation %s failed: %s", row.pk, exc)
                failed = exc
    if failed is not None:
        raise failed
    return {"sent": sent}


def invitations_of(actor: Actor, activity_id: uuid.UUID) -> Iterable[MeetingInvitation]:
    """The invitations of a meeting the actor may see, newest first."""
    activity = Activity.objects.visible_to(actor, "view").filter(pk=activity_id).first()
    if activity is None:
        from moyeu.core.errors import NotFound

        raise NotFound(_("No such activity."))
    return MeetingInvitation.objects.filter(activity=activity).order_by("-requested_at", "email")
