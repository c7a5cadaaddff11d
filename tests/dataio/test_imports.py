"""Import rules: modes, keys, duplicates, row errors, access, journal, audit, events, revert."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from moyeu.core.context import Actor
from moyeu.core.errors import PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry, ExternalId, OutboxEvent
from moyeu.dataio import imports
from moyeu.dataio.models import ImportBatch, ImportRowResult
from moyeu.directory.models import Contact, ContactEmail, ContactPhone
from moyeu.directory.services import contact_create
from tests.dataio.helpers import CONTACT_HEADER, as_dict, contact_rows, csv_bytes, run, upload
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def results(job: Any) -> list[tuple[int, str, list[dict[str, str]]]]:
    rows = ImportRowResult.objects.filter(job=job, is_dry_run=False).order_by("row")
    return [(r.row, r.outcome, r.messages) for r in rows]


def test_create_normalises_with_the_directory_rules(personas: Personas) -> None:
    actor = personas.actor("owner")
    data = csv_bytes(
        [CONTACT_HEADER, ["jean", "DUPONT", " Jean.Dupont@Exemple.FR ", "06 12 34 56 78", "DSI"]]
    )
    job = run(actor, data)
    assert as_dict(job)["created"] == 1
    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name, contact.email) == (
        "Jean",
        "Dupont",
        "jean.dupont@exemple.fr",
    )
    assert (contact.phone, contact.phone_e164) == ("06 12 34 56 78", "+33612345678")
    assert (contact.owner_id, contact.team_id, contact.version) == (
        personas.owner.pk,
        personas.owner.primary_team_id,
        1,
    )
    assert list(ContactEmail.objects.values_list("contact_id", "email", "is_primary")) == [
        (contact.pk, "jean.dupont@exemple.fr", True)
    ]
    assert list(ContactPhone.objects.values_list("e164", flat=True)) == ["+33612345678"]


def test_bad_rows_are_rejected_with_row_and_column_and_change_nothing(personas: Personas) -> None:
    actor = personas.actor("owner")
    data = csv_bytes(
        [
            CONTACT_HEADER,
            ["Ann", "Good", "ann@exemple.fr", "", ""],
            ["Bob", "Phone", "bob@exemple.fr", "12", ""],
            ["Cy", "", "cy@exemple.fr", "", ""],
            ["Di", "Mail", "not-an-email", "", ""],
            ["Ed", '=HYPERLINK("http://x")', "ed@exemple.fr", "", ""],
        ]
    )
    job = run(actor, data)
    assert as_dict(job) == {
        "status": "done",
        "created": 1,
        "updated": 0,
        "skipped": 0,
        "rejected": 4,
    }
    found = {
        row: (outcome, [m["column"] for m in messages]) for row, outcome, messages in results(job)
    }
    assert found == {
        3: ("rejected", ["Téléphone"]),
        4: ("rejected", ["Nom"]),
        5: ("rejected", ["E-mail"]),
        6: ("rejected", ["Nom"]),
    }
    assert "formula" in results(job)[-1][2][0]["message"]
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Good"]


def test_unknown_country_is_rejected_for_accounts(personas: Personas) -> None:
    actor = personas.actor("owner")
    data = csv_bytes([["Name", "Country", "City"], ["Acme", "ZZ", "Lyon"], ["Beta", "fr", "Nice"]])
    job = run(actor, data, name="accounts.csv", record_type="directory.account")
    assert as_dict(job)["created"] == 1
    assert results(job) == [
        (2, "rejected", [{"column": "Country", "message": results(job)[0][2][0]["message"]}])
    ]
    assert "ISO 3166" in results(job)[0][2][0]["message"]


def test_duplicates_by_strong_key_are_skipped(personas: Personas) -> None:
    actor = personas.actor("owner")
    contact_create(actor=actor, values={"last_name": "Known", "email": "known@exemple.fr"})
    data = csv_bytes(
        [
            CONTACT_HEADER,
            ["K", "Known", "KNOWN@exemple.fr", "", ""],
            ["N", "New", "new@exemple.fr", "", ""],
        ]
    )
    job = run(actor, data)
    assert as_dict(job)["skipped"] == 1
    assert results(job)[0][1] == "skipped" and "duplicate" in results(job)[0][2][0]["message"]
    assert Contact.objects.count() == 2
    job = run(
        actor,
        csv_bytes([CONTACT_HEADER, ["K", "Known", "known@exemple.fr", "", ""]]),
        duplicates="allow",
    )
    assert as_dict(job)["created"] == 1


def test_update_by_email_journals_previous_values_and_revert_restores(personas: Personas) -> None:
    actor = personas.actor("owner")
    kept = contact_create(
        actor=actor, values={"last_name": "Old", "email": "a@exemple.fr", "job_title": "Chef"}
    )
    data = csv_bytes(
        [
            ["email", "last_name", "job_title"],
            ["a@exemple.fr", "New", ""],
            ["b@exemple.fr", "Nobody", "x"],
        ]
    )
    job = run(actor, data, mode="update", key="email")
    assert as_dict(job) == {
        "status": "done",
        "created": 0,
        "updated": 1,
        "skipped": 1,
        "rejected": 0,
    }
    kept.refresh_from_db()
    assert (kept.last_name, kept.job_title, kept.version) == (
        "New",
        "Chef",
        2,
    )  # empty cell: unchanged
    batch = ImportBatch.objects.get(job=job)
    assert batch.updated == [[2, str(kept.pk), {"last_name": "Old"}]]
    imports.import_revert(actor=actor, import_id=job.pk)
    job = imports.import_revert_process(job.pk)
    kept.refresh_from_db()
    assert (job.status, kept.last_name, kept.version) == ("reverted", "Old", 3)


def test_upsert_by_external_id_then_revert_removes_created(personas: Personas) -> None:
    actor = personas.actor("owner")
    header = ["erp id", "Nom", "E-mail"]
    mapping = {"erp id": "external_ids.erp", "Nom": "last_name", "E-mail": "email"}
    first = run(
        actor,
        csv_bytes([header, ["E1", "One", "one@exemple.fr"], ["E2", "Two", ""]]),
        mode="upsert",
        key="external_ids.erp",
        mapping=mapping,
    )
    assert as_dict(first)["created"] == 2
    second = run(
        actor,
        csv_bytes([header, ["E1", "Uno", ""], ["E3", "Three", ""], ["E3", "Again", ""]]),
        mode="upsert",
        key="external_ids.erp",
        mapping=mapping,
    )
    assert as_dict(second) == {
        "status": "done",
        "created": 1,
        "updated": 1,
        "skipped": 1,
        "rejected": 0,
    }
    content_type = ContentType.objects.get_for_model(Contact)
    links = dict(
        ExternalId.objects.filter(content_type=content_type).values_list("value", "object_id")
    )
    assert sorted(links) == ["E1", "E2", "E3"]
    assert Contact.objects.get(pk=links["E1"]).last_name == "Uno"
    imports.import_revert(actor=actor, import_id=second.pk)
    imports.import_revert_process(second.pk)
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == ["One", "Two"]
    assert sorted(ExternalId.objects.values_list("value", flat=True)) == ["E1", "E2"]


def test_one_audit_entry_and_one_event_per_batch(personas: Personas, settings: Any) -> None:
    settings.MOYEU_IMPORT_BATCH_SIZE = 3
    actor = personas.actor("owner")
    job = run(actor, csv_bytes([CONTACT_HEADER, *contact_rows(7)]))
    assert job.created_count == 7
    entries = AuditEntry.objects.filter(code="directory.contact.imported").order_by("occurred_at")
    assert [(e.data["batch"], e.data["created"], e.data["import_id"]) for e in entries] == [
        (1, 3, str(job.pk)),
        (2, 3, str(job.pk)),
        (3, 1, str(job.pk)),
    ]
    events = OutboxEvent.objects.filter(type="contact.imported").order_by("seq")
    ids = [i for e in events for i in e.payload["created"]]
    assert sorted(ids) == sorted(str(pk) for pk in Contact.objects.values_list("id", flat=True))
    assert ImportBatch.objects.filter(job=job).count() == 3


def test_a_run_resumes_after_its_checkpoint(personas: Personas, settings: Any) -> None:
    """What a reclaimed job does: batches committed before the crash are not done again."""
    settings.MOYEU_IMPORT_BATCH_SIZE = 4
    actor = personas.actor("owner")
    job = upload(actor, csv_bytes([CONTACT_HEADER, *contact_rows(10)]))
    imports.import_set_mapping(actor=actor, import_id=job.pk, mapping=job.mapping, mode="create")
    imports.import_start(actor=actor, import_id=job.pk)
    calls = {"n": 0}
    original = imports.write_batch

    def crash_on_second(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed")
        return original(*args)

    imports.write_batch = crash_on_second  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt):
            imports.import_process(job.pk)
    finally:
        imports.write_batch = original  # type: ignore[assignment]
    job.refresh_from_db()
    assert (job.status, job.checkpoint, Contact.objects.count()) == ("running", 4, 4)
    job = imports.import_process(job.pk)
    assert (job.status, job.checkpoint, job.created_count) == ("done", 10, 10)
    emails = sorted(Contact.objects.values_list("email", flat=True))
    assert emails == sorted(f"person{n}@exemple.fr" for n in range(10))


def test_import_needs_the_import_action(personas: Personas) -> None:
    data = csv_bytes([CONTACT_HEADER, *contact_rows(1)])
    nobody = personas.actor("admin")
    no_grant = Actor(
        user=personas.admin.__class__.objects.create_user("plain", "", "x"), channel="web"
    )
    with pytest.raises(PermissionDenied):
        upload(no_grant, data)
    assert upload(nobody, data).status == "uploaded"


def test_update_only_touches_records_the_actor_may_change(personas: Personas) -> None:
    other = contact_create(
        actor=personas.actor("teammate"), values={"last_name": "Theirs", "email": "t@exemple.fr"}
    )
    job = run(
        personas.actor("owner"),
        csv_bytes([["email", "last_name"], ["t@exemple.fr", "Mine"]]),
        mode="update",
        key="email",
    )
    assert as_dict(job)["rejected"] == 1
    assert "may not change" in results(job)[0][2][0]["message"]
    other.refresh_from_db()
    assert other.last_name == "Theirs"


def test_mapping_is_suggested_then_remembered(personas: Personas) -> None:
    actor = personas.actor("owner")
    job = upload(
        actor, csv_bytes([["Prénom", "Nom", "Courriel", "Zzz"], ["a", "b", "c@exemple.fr", "x"]])
    )
    assert job.mapping == {"Prénom": "first_name", "Nom": "last_name", "Courriel": "email"}
    imports.import_set_mapping(
        actor=actor, import_id=job.pk, mapping={**job.mapping, "Zzz": "job_title"}, mode="create"
    )
    again = upload(actor, csv_bytes([["zzz", "Nom"], ["x", "y"]]))
    assert again.mapping == {"zzz": "job_title", "Nom": "last_name"}


def test_mapping_errors(personas: Personas) -> None:
    actor = personas.actor("owner")
    job = upload(actor, csv_bytes([["Nom", "E-mail"], ["a", "b@exemple.fr"]]))
    with pytest.raises(ValidationFailed) as caught:
        imports.import_set_mapping(
            actor=actor, import_id=job.pk, mapping={"Nom": "nope", "E-mail": "email"}, mode="update"
        )
    assert set(caught.value.errors) == {"mapping.Nom", "key"}


def test_dry_run_reports_each_row_and_writes_nothing(personas: Personas) -> None:
    actor = personas.actor("owner")
    job = upload(actor, csv_bytes([CONTACT_HEADER, *contact_rows(2), ["X", "", "", "", ""]]))
    imports.import_set_mapping(actor=actor, import_id=job.pk, mapping=job.mapping, mode="create")
    imports.import_dry_run(actor=actor, import_id=job.pk)
    rows = ImportRowResult.objects.filter(job=job, is_dry_run=True).order_by("row")
    assert [(r.row, r.outcome) for r in rows] == [(2, "created"), (3, "created"), (4, "rejected")]
    assert Contact.objects.count() == 0


def test_validation_rules_reject_rows_and_a_unique_rule_makes_a_key(personas: Personas) -> None:
    from moyeu.core.services.validation_rule_definitions import rule_create

    admin = personas.actor("admin")
    rule_create(actor=admin, record_type="directory.contact", field="job_title", kind="unique")
    rule_create(actor=admin, record_type="directory.contact", field="first_name", kind="required")
    actor = personas.actor("owner")
    rows = [
        ["Ann", "A", "", "", "Buyer"],
        ["", "B", "", "", "Seller"],
        ["Cy", "C", "", "", "Buyer"],
    ]
    job = run(actor, csv_bytes([CONTACT_HEADER, *rows]))
    assert as_dict(job)["created"] == 1
    assert [(row, [m["column"] for m in messages]) for row, _o, messages in results(job)] == [
        (3, ["Prénom"]),
        (4, ["Fonction"]),
    ]
    data = csv_bytes([["Fonction", "Nom"], ["Buyer", "Renamed"]])
    job = run(actor, data, mode="update", key="job_title")
    assert as_dict(job)["updated"] == 1, results(job)
    assert Contact.objects.get().last_name == "Renamed"
