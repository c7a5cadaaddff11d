"""Owner, team, tags and account columns: resolved per batch, errors per row, access, revert."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.models import ExternalId, Tag
from moyeu.dataio import imports
from moyeu.dataio.models import ImportRowResult
from moyeu.directory.models import Account, AccountContactLink, Contact
from moyeu.directory.services import account_create, contact_create
from tests.dataio.helpers import as_dict, csv_bytes, run, upload
from tests.personas import Personas

pytestmark = pytest.mark.django_db

HEADER = ["Nom", "E-mail", "Propriétaire", "Équipe", "Étiquettes", "Société"]


def problems(job: Any, *, dry_run: bool = False) -> list[tuple[int, str, list[dict[str, str]]]]:
    rows = ImportRowResult.objects.filter(job=job, is_dry_run=dry_run).order_by("row")
    return [(r.row, r.outcome, r.messages) for r in rows if r.outcome != "created"]


def accounts(personas: Personas) -> dict[str, Account]:
    admin = personas.actor("admin")
    north = {"owner_id": personas.teammate.pk, "team_id": personas.north.pk}
    made = {
        "acme": account_create(
            actor=admin, values={"name": "Acme", "siret": "73282932000074", **north}
        ),
        "globex": account_create(
            actor=admin,
            values={"name": "Globex", **north},
            external_ids={"erp": "G-1"},
        ),
        "twin1": account_create(actor=admin, values={"name": "Twin", **north}),
        "twin2": account_create(actor=admin, values={"name": "twin", **north}),
        "hidden": account_create(
            actor=admin,
            values={
                "name": "Hidden",
                "siret": "35600000000048",
                "owner_id": personas.outsider.pk,
                "team_id": personas.support.pk,
            },
        ),
    }
    return made


def test_the_columns_are_suggested_from_french_and_english_headers(personas: Personas) -> None:
    actor = personas.actor("manager")
    job = upload(actor, csv_bytes([[*HEADER, "Owner", "Team", "Tags", "Company"], []]))
    assert job.mapping == {
        "Nom": "last_name",
        "E-mail": "email",
        "Propriétaire": "owner",
        "Équipe": "team",
        "Étiquettes": "tags",
        "Société": "account",
    }
    job = upload(actor, csv_bytes([["Last name", "Owner", "Team", "Tags", "Account"], []]))
    assert job.mapping == {
        "Last name": "last_name",
        "Owner": "owner",
        "Team": "team",
        "Tags": "tags",
        "Account": "account",
    }


def test_create_with_owner_team_tags_and_account(personas: Personas) -> None:
    made = accounts(personas)
    actor = personas.actor("manager")
    data = csv_bytes(
        [
            HEADER,
            [
                "Un",
                "un@exemple.fr",
                "teammate",
                "ventes nord",
                "vip, salon 2026",
                "732 829 320 00074",
            ],
            ["Deux", "deux@exemple.fr", "Teammate@Moyeu.Test", "", "vip;", "G-1"],
            ["Trois", "trois@exemple.fr", "", "", "", "ACME"],
            ["Quatre", "quatre@exemple.fr", "", "", "", ""],
        ]
    )
    job = run(actor, data)
    assert as_dict(job) == {
        "status": "done",
        "created": 4,
        "updated": 0,
        "skipped": 0,
        "rejected": 0,
    }
    rows = {
        c.last_name: (c.owner_id, c.team_id, sorted(t.name for t in c.tags.all()))
        for c in Contact.objects.prefetch_related("tags")
    }
    manager, teammate = personas.manager, personas.teammate
    assert rows == {
        "Un": (teammate.pk, personas.north.pk, ["salon 2026", "vip"]),
        "Deux": (teammate.pk, manager.primary_team_id, ["vip"]),
        "Trois": (manager.pk, manager.primary_team_id, []),
        "Quatre": (manager.pk, manager.primary_team_id, []),
    }
    links = AccountContactLink.objects.values_list(
        "contact__last_name", "account_id", "is_primary", "position"
    )
    assert sorted(links) == [
        ("Deux", made["globex"].pk, True, 0),
        ("Trois", made["acme"].pk, True, 0),
        ("Un", made["acme"].pk, True, 0),
    ]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["salon 2026", "vip"]


def test_names_that_match_nothing_or_several_records_reject_their_row(personas: Personas) -> None:
    accounts(personas)
    actor = personas.actor("manager")
    data = csv_bytes(
        [
            HEADER,
            ["Un", "un@exemple.fr", "nobody", "", "", ""],
            ["Deux", "deux@exemple.fr", "", "Nulle part", "", ""],
            ["Trois", "trois@exemple.fr", "", "", "", "Twin"],
            ["Quatre", "quatre@exemple.fr", "", "", "", "Hidden"],
            ["Cinq", "cinq@exemple.fr", "", "", "", "35600000000048"],
            ["Six", "six@exemple.fr", "", "", "x" * 65, ""],
            ["Sept", "sept@exemple.fr", "outsider", "Support", "", ""],
            ["Huit", "huit@exemple.fr", "teammate", "", "ok", "Acme"],
        ]
    )
    imports_job = upload(actor, data)
    imports.import_set_mapping(
        actor=actor, import_id=imports_job.pk, mapping=imports_job.mapping, mode="create"
    )
    imports.import_dry_run(actor=actor, import_id=imports_job.pk)
    expected = [
        (
            2,
            "rejected",
            [
                {
                    "column": "Propriétaire",
                    "message": "No active user has the login or e-mail “nobody”.",
                }
            ],
        ),
        (3, "rejected", [{"column": "Équipe", "message": "No team is named “Nulle part”."}]),
        (
            4,
            "rejected",
            [
                {
                    "column": "Société",
                    "message": "2 accounts match “Twin”; give its SIRET or its id in another"
                    " system.",
                }
            ],
        ),
        (
            5,
            "rejected",
            [
                {
                    "column": "Société",
                    "message": "No account you can see has the SIRET, SIREN, id in another system"
                    " or name “Hidden”.",
                }
            ],
        ),
        (
            6,
            "rejected",
            [
                {
                    "column": "Société",
                    "message": "No account you can see has the SIRET, SIREN, id in another system"
                    " or name “35600000000048”.",
                }
            ],
        ),
        (7, "rejected", [{"column": "Étiquettes", "message": "A tag has at most 64 characters."}]),
        (
            8,
            "rejected",
            [
                {
                    "column": "Propriétaire, Équipe",
                    "message": "You may not create a record for this owner or team.",
                }
            ],
        ),
    ]
    assert problems(imports_job, dry_run=True) == expected
    assert Contact.objects.count() == 0  # a dry run writes nothing
    imports.import_start(actor=actor, import_id=imports_job.pk)
    job = imports.import_process(imports_job.pk)
    assert as_dict(job)["created"] == 1 and as_dict(job)["rejected"] == 7
    assert problems(job) == expected
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Huit"]


def test_a_rep_may_not_give_records_to_someone_else(personas: Personas) -> None:
    actor = personas.actor("owner")
    data = csv_bytes([["Nom", "Propriétaire"], ["Un", "teammate"], ["Deux", "owner"]])
    job = run(actor, data)
    assert as_dict(job)["created"] == 1
    assert problems(job) == [
        (
            2,
            "rejected",
            [
                {
                    "column": "Propriétaire",
                    "message": "You may not create a record for this owner or team.",
                }
            ],
        )
    ]
    assert list(Contact.objects.values_list("last_name", "owner_id")) == [
        ("Deux", personas.owner.pk)
    ]


def test_update_changes_owner_tags_and_account_and_revert_restores_them(
    personas: Personas,
) -> None:
    made = accounts(personas)
    manager = personas.actor("manager")
    contact = contact_create(
        actor=manager,
        values={"last_name": "Dupont", "email": "dupont@exemple.fr"},
        tags=["ancien"],
    )
    AccountContactLink.objects.create(
        contact=contact, account=made["globex"], is_primary=True, position=0
    )
    data = csv_bytes(
        [
            ["E-mail", "Propriétaire", "Étiquettes", "Société"],
            ["dupont@exemple.fr", "teammate", "vip, salon", "73282932000074"],
        ]
    )
    job = run(manager, data, mode="update", key="email")
    assert as_dict(job)["updated"] == 1
    contact.refresh_from_db()
    assert (contact.owner_id, contact.version) == (personas.teammate.pk, 2)
    assert sorted(contact.tags.values_list("name", flat=True)) == ["salon", "vip"]
    links = AccountContactLink.objects.filter(contact=contact).values_list(
        "account_id", "is_primary", "position"
    )
    assert sorted(links, key=lambda r: r[2]) == [
        (made["globex"].pk, True, 0),
        (made["acme"].pk, False, 1),
    ]
    batch = job.batches.get()
    assert batch.updated == [
        [
            2,
            str(contact.pk),
            {
                "owner_id": str(personas.manager.pk),
                "tags": ["ancien"],
                "account": {"added": str(made["acme"].pk)},
            },
        ]
    ]
    # The same file again changes nothing.
    again = run(manager, data, mode="update", key="email")
    assert as_dict(again)["skipped"] == 1

    imports.import_revert(actor=manager, import_id=job.pk)
    imports.import_revert_process(job.pk)
    contact.refresh_from_db()
    assert contact.owner_id == personas.manager.pk
    assert list(contact.tags.values_list("name", flat=True)) == ["ancien"]
    assert list(AccountContactLink.objects.filter(contact=contact).values_list("account_id")) == [
        (made["globex"].pk,)
    ]
    assert ExternalId.objects.count() == 1  # Globex's, untouched


def test_revert_of_created_rows_removes_their_tags_and_links(personas: Personas) -> None:
    made = accounts(personas)
    manager = personas.actor("manager")
    data = csv_bytes([["Nom", "Étiquettes", "Société"], ["Un", "vip", "Acme"]])
    job = run(manager, data)
    assert AccountContactLink.objects.count() == 1
    imports.import_revert(actor=manager, import_id=job.pk)
    imports.import_revert_process(job.pk)
    assert (Contact.objects.count(), AccountContactLink.objects.count()) == (0, 0)
    assert Contact.tags.through.objects.count() == 0
    assert Account.objects.filter(pk=made["acme"].pk).exists()
