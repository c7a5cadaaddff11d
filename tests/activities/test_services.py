"""The activity services: kinds and their fields, links, sanitising, status changes."""

from __future__ import annotations

import datetime

import pytest

from moyeu.activities.models import Activity, ActivityLink
from moyeu.activities.services import (
    activity_cancel,
    activity_complete,
    activity_create,
    activity_reopen,
    activity_update,
)
from moyeu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry, OutboxEvent
from moyeu.directory.services import account_create, contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _contact(personas: Personas, name: str = "Martin", who: str = "owner") -> str:
    contact = contact_create(actor=personas.actor(who), values={"last_name": name})
    return f"directory.contact:{contact.pk}"


def test_a_call_is_logged_done_with_its_number_in_e164_audited_and_announced(
    personas: Personas,
) -> None:
    owner = personas.actor("owner")
    ref = _contact(personas)
    call = activity_create(
        actor=owner,
        values={
            "kind": "call",
            "subject": "Relance",
            "phone_number": "06 12 34 56 78",
            "direction": "inbound",
            "duration_seconds": 95,
            "outcome": "voicemail",
            "links": [ref],
        },
    )
    call.refresh_from_db()
    assert (call.status, call.phone_number, call.owner_id, call.team_id) == (
        "done",
        "+33612345678",
        personas.owner.pk,
        personas.north.pk,
    )
    assert [link.as_ref() for link in call.links.all()] == [ref]
    assert AuditEntry.objects.get(object_id=call.pk).code == "activities.activity.created"
    event = OutboxEvent.objects.get(record_id=call.pk)
    assert (event.type, event.payload["links"]) == ("activity.created", [ref])


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (
            {"kind": "note", "phone_number": "+33612345678"},
            {"phone_number": ["Not a field of this kind of activity (note)."]},
        ),
        ({"kind": "call", "phone_number": "12"}, {"phone_number": ["Not a valid phone number."]}),
        ({"kind": "meeting", "subject": "RDV"}, {"occurred_at": ["Give the meeting's start."]}),
        (
            {
                "kind": "meeting",
                "occurred_at": "2026-12-01T10:00:00+01:00",
                "ends_at": "2026-12-01T09:00:00+01:00",
            },
            {"ends_at": ["The meeting ends before it starts."]},
        ),
        (
            {"kind": "task", "occurred_at": "2026-12-01T10:00:00Z"},
            {"occurred_at": ["A task's date is its due date."]},
        ),
        (
            {"kind": "note", "attendees": [{"user": "x"}]},
            {"attendees": ["Only meetings have attendees."]},
        ),
        (
            {"kind": "email", "email_to": ["ok@exemple.fr", "nope"]},
            {"email_to.1": ["Not a valid e-mail address: An email address must have an @-sign."]},
        ),
        ({"kind": "fax"}, {"kind": ["Choose one of: call, meeting, task, note, email, message."]}),
    ],
)
def test_bad_values_are_refused_by_field_and_write_nothing(
    personas: Personas, values: dict[str, object], errors: dict[str, list[str]]
) -> None:
    ref = _contact(personas)
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        activity_create(actor=personas.actor("owner"), values={**values, "links": [ref]})
    assert caught.value.errors == errors
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before
    assert Activity.objects.count() == 0


def test_a_link_to_a_record_the_actor_cannot_see_or_that_does_not_exist_is_refused(
    personas: Personas,
) -> None:
    hidden = _contact(personas, "Caché", who="owner")  # team Ventes Nord: outsider cannot see
    theirs = _contact(personas, "Visible", who="outsider")
    with pytest.raises(ValidationFailed) as caught:
        activity_create(
            actor=personas.actor("outsider"),
            values={
                "kind": "note",
                "links": [theirs, hidden, "directory.contact:not-an-id", "sales.lead:" + "0" * 32],
            },
        )
    assert caught.value.errors == {
        "links.1": ["No such record."],
        "links.2": ["No such record."],
        "links.3": ["No such record."],
    }
    assert (Activity.objects.count(), ActivityLink.objects.count()) == (0, 0)


def test_a_link_by_bare_id_finds_the_record_type(personas: Personas) -> None:
    account = account_create(actor=personas.actor("owner"), values={"name": "ACME"})
    note = activity_create(
        actor=personas.actor("owner"), values={"kind": "note", "links": [str(account.pk)]}
    )
    assert [link.as_ref() for link in note.links.all()] == [f"directory.account:{account.pk}"]


def test_rich_text_is_sanitised_and_a_message_stays_plain_text(personas: Personas) -> None:
    ref = _contact(personas)
    owner = personas.actor("owner")
    note = activity_create(
        actor=owner,
        values={
            "kind": "note",
            "body": '<p onclick="x()">Bonjour <script>alert(1)</script><b>Jeanne</b> '
            '<a href="javascript:alert(1)">lien</a> <a href="https://ex.fr">site</a></p>'
            '<img src="https://tracker.example/p.gif">',
            "links": [ref],
        },
    )
    assert note.body == (
        '<p>Bonjour <b>Jeanne</b> <a rel="noopener noreferrer">lien</a> '
        '<a href="https://ex.fr" rel="noopener noreferrer">site</a></p>'
    )
    message = activity_create(
        actor=owner,
        values={
            "kind": "message",
            "channel": "whatsapp",
            "body": " 1 < 2 & <b>ok</b> ",
            "links": [ref],
        },
    )
    assert message.body == "1 < 2 & <b>ok</b>"


def test_an_email_message_id_is_unique_and_starts_its_thread(personas: Personas) -> None:
    ref = _contact(personas)
    owner = personas.actor("owner")
    first = activity_create(
        actor=owner,
        values={
            "kind": "email",
            "subject": "Devis",
            "email_from": "Jeanne Martin <Jeanne@Exemple.FR>",
            "email_to": "a@exemple.fr; b@exemple.fr",
            "message_id": "<abc@exemple.fr>",
            "links": [ref],
        },
    )
    assert (first.email_from, first.email_to, first.message_id, first.thread_id) == (
        "jeanne@exemple.fr",
        ["a@exemple.fr", "b@exemple.fr"],
        "abc@exemple.fr",
        "abc@exemple.fr",
    )
    with pytest.raises(Conflict) as caught:
        activity_create(
            actor=owner, values={"kind": "email", "message_id": "abc@exemple.fr", "links": [ref]}
        )
    assert (caught.value.code, caught.value.status) == ("activities.message_id_taken", 409)
    assert Activity.objects.count() == 1


def test_a_task_sits_at_its_due_date_and_is_completed_reopened_cancelled(
    personas: Personas,
) -> None:
    owner = personas.actor("owner")
    task = activity_create(
        actor=owner,
        values={
            "kind": "task",
            "subject": "Envoyer le devis",
            "due_at": "2026-12-01T09:00:00Z",
            "links": [_contact(personas)],
        },
    )
    due = datetime.datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert (task.status, task.priority, task.occurred_at) == ("open", "normal", due)
    moved = activity_update(
        actor=owner, activity_id=task.pk, values={"due_at": "2026-12-02T09:00:00Z"}
    )
    assert moved.occurred_at == due + datetime.timedelta(days=1)
    done = activity_complete(actor=owner, activity_id=task.pk)
    assert (done.status, done.version, done.completed_at is not None) == ("done", 3, True)
    again = activity_complete(actor=owner, activity_id=task.pk)
    assert again.version == 3  # nothing changes, nothing is emitted
    reopened = activity_reopen(actor=owner, activity_id=task.pk)
    assert (reopened.status, reopened.completed_at) == ("open", None)
    cancelled = activity_cancel(actor=owner, activity_id=task.pk)
    assert cancelled.status == "cancelled"
    types = list(
        OutboxEvent.objects.filter(record_id=task.pk).order_by("id").values_list("type", flat=True)
    )
    assert types == [
        "activity.created",
        "activity.updated",
        "activity.completed",
        "activity.reopened",
        "activity.cancelled",
    ]
    codes = list(
        AuditEntry.objects.filter(object_id=task.pk).order_by("id").values_list("code", flat=True)
    )
    assert codes == [f"activities.{t}" for t in types]


def test_a_call_cannot_be_completed_nor_its_kind_changed(personas: Personas) -> None:
    owner = personas.actor("owner")
    call = activity_create(actor=owner, values={"kind": "call", "links": [_contact(personas)]})
    with pytest.raises(ValidationFailed) as caught:
        activity_complete(actor=owner, activity_id=call.pk)
    with pytest.raises(ValidationFailed) as changed:
        activity_update(actor=owner, activity_id=call.pk, values={"kind": "note"})
    assert caught.value.errors == {
        "status": ["Only tasks and meetings are completed or cancelled."]
    }
    assert changed.value.errors == {"kind": ["The kind of an activity cannot change."]}


def test_status_changes_check_record_access(personas: Personas) -> None:
    task = activity_create(
        actor=personas.actor("owner"), values={"kind": "task", "links": [_contact(personas)]}
    )
    with pytest.raises(PermissionDenied):
        activity_complete(actor=personas.actor("teammate"), activity_id=task.pk)
    with pytest.raises(NotFound):
        activity_complete(actor=personas.actor("outsider"), activity_id=task.pk)
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 1)


def test_meeting_attendees_are_users_and_visible_records(personas: Personas) -> None:
    owner = personas.actor("owner")
    ref = _contact(personas)
    meeting = activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Démo",
            "occurred_at": "2026-12-01T10:00:00+01:00",
            "ends_at": "2026-12-01T11:00:00+01:00",
            "video_url": "https://visio.example/abc",
            "attendees": [{"user": str(personas.teammate.pk)}, {"record": ref}],
            "links": [ref],
        },
    )
    assert meeting.related_snapshot()["attendees"] == [
        {"user": str(personas.teammate.pk)},
        {"record": ref},
    ]
    with pytest.raises(ValidationFailed) as caught:
        activity_update(
            actor=owner,
            activity_id=meeting.pk,
            values={"attendees": [{"user": "0" * 32}, {"record": "directory.contact:" + "1" * 32}]},
        )
    assert caught.value.errors == {
        "attendees.0.user": ["No such user."],
        "attendees.1.record": ["No such record."],
    }
    assert len(meeting.related_snapshot()["attendees"]) == 2
