"""The duplicate engine: exact scores with reasons, blocking bounds, batch queries, the queue."""

from __future__ import annotations

import random
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
from moyeu.directory.models import Contact
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


def _seeded_people(count: int, seed: int) -> list[dict[str, Any]]:
    """People with messy duplicates (typos, swapped names, phone formats, missing e-mails)."""
    rng = random.Random(seed)
    firsts = ["Anne", "Jean", "Marie", "Luc", "Paul", "Éric", "Hélène", "Robert"]
    lasts = ["Durand", "Moreau", "Lefèvre", "Bakolin", "Vasseur", "Tessier", "Marchal"]
    rows: list[dict[str, Any]] = []
    for index in range(count):
        first, last = rng.choice(firsts), rng.choice(lasts) + rng.choice(["", "ot", "ier"])
        row = {
            "first_name": first,
            "last_name": last,
            "email": f"{first[:1].lower()}.{index}@x.fr" if rng.random() < 0.6 else "",
            "phone": f"06 12 34 {index // 100:02d} {index % 100:02d}" if rng.random() < 0.6 else "",
        }
        rows.append(row)
        if rng.random() < 0.3:
            twin = dict(row)
            change = rng.randrange(4)
            if change == 0:
                twin["first_name"], twin["last_name"] = row["last_name"], row["first_name"]
            elif change == 1:
                twin["last_name"] = row["last_name"][:-1]
            elif change == 2:
                twin["email"] = ""
            elif row["phone"]:
                twin["phone"] = "+33" + row["phone"].replace(" ", "")[1:]
            rows.append(twin)
    return rows


def _queue() -> list[tuple[Any, ...]]:
    return sorted(
        DuplicateCandidate.objects.values_list(
            "first_id", "second_id", "score", "level", "reasons", "status"
        )
    )


@pytest.mark.django_db
def test_a_parallel_scan_queues_exactly_the_pairs_of_a_serial_one(settings: Any) -> None:
    from moyeu.core.dedup import scan as scan_module

    Contact.objects.bulk_create(Contact(**row) for row in _seeded_people(300, 11))
    settings.MOYEU_DEDUP_PROCESSES = 1
    serial = run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)
    expected = _queue()
    DuplicateCandidate.objects.all().delete()
    settings.MOYEU_DEDUP_PROCESSES = 2
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan_module, "PAIRS_PER_CHUNK", 40)  # many chunks over two processes
        parallel = run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)
    assert _queue() == expected
    assert len(expected) == serial.stats["candidates_created"] == 169
    assert parallel.stats["candidates_created"] == 169
    assert (parallel.stats["processes"], serial.stats["processes"]) == (2, 1)
    keys = ("blocks", "pairs_in_blocks", "pairs_scored", "pairs_found")
    assert [parallel.stats[k] for k in keys] == [serial.stats[k] for k in keys]
    assert serial.stats["pairs_found"] == 169  # each pair scored and found once


def test_chunks_are_cut_by_pairs_and_blocks_the_same_way_from_any_position() -> None:
    from moyeu.core.dedup import scan as scan_module
    from moyeu.core.dedup.engine import Block

    blocks = [Block(3, str(n), tuple(range(size))) for n, size in enumerate([2, 3, 40, 2, 2])]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan_module, "PAIRS_PER_CHUNK", 4)
        patch.setattr(scan_module, "BLOCKS_PER_CHUNK", 2)
        # pairs per block: 1, 3, 780, 1, 1
        assert scan_module.chunks(blocks, 0) == [(0, 2), (2, 3), (3, 5)]
        assert scan_module.chunks(blocks, 2) == [(2, 3), (3, 5)]
        assert scan_module.chunks(blocks, 5) == []


def test_a_pair_sharing_several_keys_is_scored_once() -> None:
    rows = [
        {"first_name": "Anne", "last_name": "Durand", "email": "anne@d.fr", "phone": "0612345678"},
        {"first_name": "Anne", "last_name": "Durand", "email": "anne@d.fr", "phone": "0612345678"},
        {"first_name": "Anne", "last_name": "Durant"},
    ]
    blocking = Blocking(CONTACT, [CONTACT.prepare(r) for r in rows])
    stats = ScanStats()
    found = [(i, j) for block in blocking.blocks for i, j, _m in blocking.compare(block, stats)]
    # 0-1 share the e-mail, its user part, the phone and three name keys: scored in the e-mail
    # block only; 0-2 and 1-2 share name keys only, each scored in the first of them.
    assert (stats.pairs_scored, sorted(found)) == (3, [(0, 1), (0, 2), (1, 2)])


def test_a_pair_in_an_oversized_block_is_still_scored_in_its_next_block(settings: Any) -> None:
    settings.MOYEU_DEDUP_MAX_BLOCK = 3
    rows = [
        {
            "first_name": "Anne",
            "last_name": "Durand",
            "email": "contact@a.fr",
            "phone": "0612345678",
        },
        {
            "first_name": "Anne",
            "last_name": "Durand",
            "email": "contact@b.fr",
            "phone": "06 12 34 56 78",
        },
        {"first_name": "Luc", "last_name": "Morel", "email": "contact@c.fr"},
        {"first_name": "Eve", "last_name": "Petit", "email": "contact@d.fr"},
    ]
    blocking = Blocking(CONTACT, [CONTACT.prepare(r) for r in rows])
    stats = ScanStats()
    found = [
        (block.key, i, j, match.level)
        for block in blocking.blocks
        for i, j, match in blocking.compare(block, stats)
    ]
    # "contact" (the e-mails' user part, 4 records) is oversized: the pair sharing it and
    # the phone is scored in the phone block (possible: the e-mails differ).
    assert (blocking.oversized, found) == (1, [("612345678", 0, 1, "possible")])


@pytest.mark.django_db
def test_a_second_scan_updates_open_pairs_and_queues_nothing_twice(personas: Personas) -> None:
    actor = personas.actor("admin")
    values = {"first_name": "Anne", "last_name": "Durand", "email": "a@d.fr"}
    contact_create(actor=actor, values=values)
    contact_create(actor=actor, values={**values, "first_name": "Anne-Sophie"})
    run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)
    before = _queue()
    DuplicateCandidate.objects.update(score=0.5, level="possible", reasons=[])
    again = run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)
    assert (again.stats["candidates_created"], again.stats["queue_had_rows"]) == (0, True)
    assert _queue() == before and len(before) == 1
