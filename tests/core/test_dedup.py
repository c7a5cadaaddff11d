"""The duplicate engine: exact scores with reasons, blocking bounds, batch queries, the queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moyeu.core.dedup import find_candidates_batch, find_duplicates
from moyeu.core.dedup.engine import Blocking, ScanStats, score_pair
from moyeu.core.dedup.queue import candidate_dismiss, visible_candidates
from moyeu.core.dedup.registry import spec_for
from moyeu.core.dedup.scan import run_scan
from moyeu.core.errors import Conflict, NotFound
from moyeu.core.models import DuplicateCandidate, DuplicateDismissal, DuplicateScan
from moyeu.directory.services import contact_create
from tests.personas import Personas

CONTACT = spec_for("directory.contact")
ACCOUNT = spec_for("directory.account")


def _score(spec: Any, a: dict[str, Any], b: dict[str, Any]) -> tuple[float, list[str]]:
    score, reasons = score_pair(spec, spec.prepare(a), spec.prepare(b))
    return round(score, 4), [f"{r.field}:{r.score:.4f}:{r.detail}" for r in reasons]


def test_swapped_names_nickname_and_phone_format_are_certain() -> None:
    assert _score(
        CONTACT,
        {"first_name": "Bob", "last_name": "Martin", "phone": "06 12 34 56 78"},
        {"first_name": "Martin", "last_name": "Robert", "phone_e164": "+33612345678"},
    ) == (
        1.0,
        [
            "name:1.0000:same last name, same first name (names swapped)",
            "phone:1.0000:same phone",
        ],
    )


def test_a_typo_and_the_same_email_score_from_the_weights() -> None:
    score, reasons = _score(
        CONTACT,
        {"first_name": "Élodie", "last_name": "Lefèvre", "email": "e.lefevre@acme.fr"},
        {"first_name": "Elodie", "last_name": "Lefevbre", "email": "E.Lefevre@acme.fr"},
    )
    # name: last names JW 0.975 -> 0.975^4 = 0.9037; (2 * 0.9037 + 1) / 3 = 0.9358
    # total: (0.45 * 0.9358 + 0.30 * 1) / 0.75 = 0.9615
    assert (score, reasons) == (
        0.9615,
        [
            "name:0.9358:last names 0.97 alike, same first name (nickname or accents)",
            "email:1.0000:same e-mail",
        ],
    )


def test_namesakes_with_nothing_else_are_possible_and_common_names_are_not() -> None:
    a = CONTACT.prepare({"first_name": "Jean", "last_name": "Martin"})
    assert score_pair(CONTACT, a, a)[0] == pytest.approx(0.835)
    assert score_pair(CONTACT, a, a, is_common=True)[0] == pytest.approx(0.7125)
    assert score_pair(CONTACT, a, a)[1][-1].detail == "no identifying field on both sides"


def test_different_emails_and_phones_keep_namesakes_apart() -> None:
    assert (
        _score(
            CONTACT,
            {
                "first_name": "Jean",
                "last_name": "Martin",
                "email": "jm@a.fr",
                "phone": "0611111111",
            },
            {
                "first_name": "Jean",
                "last_name": "Martin",
                "email": "jean@b.fr",
                "phone": "0622222222",
            },
        )[0]
        == 0.5579
    )  # (0.45 * 1 + 0.30 * 0.2 + 0.20 * 0.1) / 0.95


def test_accounts_same_siren_through_siret_and_legal_form() -> None:
    assert _score(
        ACCOUNT,
        {"name": "ACME SAS", "siren": "732829320", "website": "https://www.acme.fr"},
        {"name": "Acme", "siret": "73282932000074", "email": "info@acme.fr"},
    ) == (
        1.0,
        [
            "company_id:1.0000:same SIREN",
            "name:1.0000:same name",
            "domain:1.0000:same web domain",
        ],
    )
    assert (
        _score(
            ACCOUNT,
            {"name": "Acme", "siren": "732829320", "city": "Lyon"},
            {"name": "Acme", "siren": "552100554", "city": "Lyon"},
        )[0]
        == 0.5625
    )


def _people(count: int) -> list[dict[str, Any]]:
    return [
        {"first_name": f"Prenom{i}", "last_name": f"Nom{i}", "email": f"p{i}@x.fr"}
        for i in range(count)
    ]


def test_blocking_never_compares_all_pairs() -> None:
    rows = _people(400)
    rows.append({"first_name": "Prenom7", "last_name": "Nom7", "email": "other@x.fr"})
    rows.append({"first_name": "Autre", "last_name": "Personne", "email": "p9@x.fr"})
    blocking = Blocking(CONTACT, [CONTACT.prepare(r) for r in rows])
    stats = ScanStats()
    found = [match for block in blocking.blocks for match in blocking.compare(block, stats)]
    # 402 records, 80,601 pairs in all. One name block holds the 401 "Nom<i> Prenom<i>" (same
    # name prefixes): all have an e-mail and share none, so none of its 80,200 pairs can reach
    # "possible" and none is scored. Only the pair sharing p9@x.fr is, and stays below
    # "possible" (a shared e-mail, two different names).
    assert (stats.blocks, stats.pairs_in_blocks, stats.pairs_scored) == (5, 80204, 1)
    assert found == []


@pytest.mark.django_db
def test_batch_costs_one_query_per_lookup_kind(personas: Personas) -> None:
    actor = personas.actor("admin")
    stored = contact_create(
        actor=actor, values={"first_name": "Anne", "last_name": "Durand", "email": "a@d.fr"}
    )
    rows = [*_people(50), {"first_name": "Anne", "last_name": "DURAND", "email": "A@d.fr"}]
    with CaptureQueriesContext(connection) as queries:
        answers = find_candidates_batch("directory.contact", rows)
    assert len(queries) == 2  # e-mail, last name (no row has a phone)
    assert [len(a) for a in answers] == [0] * 50 + [1]
    assert (answers[-1][0].record_id, answers[-1][0].level) == (stored.pk, "certain")
    assert find_duplicates("directory.contact", rows[-1], actor=personas.actor("outsider")) == []


@pytest.mark.django_db
def test_scan_fills_the_queue_and_dismissed_pairs_stay_dismissed(personas: Personas) -> None:
    actor = personas.actor("manager")
    values = {"first_name": "Anne", "last_name": "Durand", "email": "a@d.fr"}
    first = contact_create(actor=actor, values={**values, "owner": personas.owner})
    second = contact_create(actor=actor, values={**values, "first_name": "Anne-Sophie"})
    scan = run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)
    assert (scan.status, scan.stats["candidates_created"]) == ("done", 1)
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.first_id, candidate.second_id} == {first.pk, second.pk}
    assert [r["field"] for r in candidate.reasons] == ["name", "email"]
    assert list(visible_candidates(personas.actor("outsider"), "directory.contact")) == []
    with pytest.raises(NotFound):  # the teammate cannot see the manager's record
        candidate_dismiss(actor=personas.actor("teammate"), candidate_id=candidate.pk)
    assert DuplicateCandidate.objects.get().status == "open"
    candidate_dismiss(actor=actor, candidate_id=candidate.pk)
    with pytest.raises(Conflict):
        candidate_dismiss(actor=actor, candidate_id=candidate.pk)
    DuplicateCandidate.objects.all().delete()
    run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)
    assert DuplicateCandidate.objects.count() == 0
    assert DuplicateDismissal.objects.count() == 1


@pytest.mark.django_db
def test_a_scan_resumes_after_the_last_written_block(personas: Personas) -> None:
    actor = personas.actor("admin")
    for index in range(3):
        contact_create(
            actor=actor,
            values={"first_name": "Anne", "last_name": f"Durand{index}", "email": f"{index}@d.fr"},
        )
        contact_create(
            actor=actor,
            values={"first_name": "Anne", "last_name": f"Durand{index}", "email": f"{index}@d.fr"},
        )
    scan = DuplicateScan.objects.create(record_type="directory.contact", next_block=2)
    run_scan(scan.pk)
    assert DuplicateCandidate.objects.count() == 1  # blocks 0 and 1 were done before
