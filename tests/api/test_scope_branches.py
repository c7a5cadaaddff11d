"""List pages read the caller's scope branch by branch (owner = me, team = t, ...) and merge
them; the pages must be exactly those of the plain ``visible_to`` query, cursor after cursor."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from moyeu.api.pagination import _PROBE, Ordering, paginate
from moyeu.core import access
from moyeu.core.context import Actor
from moyeu.directory.models import Contact
from moyeu.directory.services import contact_create
from moyeu.identity.services import users
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas

pytestmark = pytest.mark.django_db

NAMES = ["Dupont", "Martin", "Bernard"]  # repeated: pages break inside runs of equal names


@pytest.fixture
def contacts(personas: Personas) -> list[Contact]:
    """Contacts of every owner in every team (and none), newest last; names repeat."""
    admin = personas.actor("admin")
    owners = [personas.owner, personas.teammate, personas.manager, personas.outsider, None]
    team_list = [personas.north, personas.sales, personas.support, None]
    made = []
    for i, (owner, team) in enumerate(itertools.product(owners, team_list)):
        values = {
            "last_name": NAMES[i % 3],
            "first_name": f"P{i:02}",
            "owner_id": owner.id if owner else None,
            "team_id": team.id if team else None,
        }
        made.append(contact_create(actor=admin, values=values))
    return made


def expected(actor: Actor, ordering: Ordering, **filters: Any) -> list[str]:
    rows = Contact.objects.visible_to(actor, "view").filter(**filters)
    return [str(pk) for pk in rows.order_by(*ordering.order_by()).values_list("pk", flat=True)]


def walk(client: ApiClient, limit: int, **params: Any) -> tuple[list[str], list[int]]:
    """Every id the API lists, page after page, and the size of each page."""
    ids: list[str] = []
    sizes: list[int] = []
    cursor = None
    while True:
        answer = client.get(
            "/contacts", limit=limit, **params, **({"cursor": cursor} if cursor else {})
        )
        assert answer.status == 200, answer.body
        ids += [item["id"] for item in answer.body["items"]]
        sizes.append(len(answer.body["items"]))
        cursor = answer.body["next_cursor"]
        if cursor is None:
            return ids, sizes


def test_branches_select_what_the_scope_filter_selects(
    personas: Personas, contacts: list[Contact]
) -> None:
    counts = {}
    for name in personas.names:
        actor = personas.actor(name)
        branches = access.scope_branches(actor, Contact, "view")
        plain = set(Contact.objects.visible_to(actor, "view").values_list("pk", flat=True))
        merged = set(Contact.objects.filter(access.branches_filter(branches)).values_list("pk"))
        assert {pk for (pk,) in merged} == plain, name
        counts[name] = (None if branches is None else len(branches), len(plain))
    # owner and teammate: their own + Ventes Nord's; the manager: own + Ventes + Ventes Nord.
    assert counts == {
        "owner": (2, 8),
        "teammate": (2, 8),
        "manager": (3, 12),
        "outsider": (2, 8),
        "admin": (None, 20),
    }


@pytest.mark.parametrize("ordering", ["-id", "id", "last_name", "-last_name", "-updated_at"])
@pytest.mark.parametrize("limit", [1, 2, 3, 25])
def test_pages_of_every_persona_are_those_of_the_plain_query(
    personas: Personas, contacts: list[Contact], ordering: str, limit: int
) -> None:
    clients = persona_clients(personas)
    parsed = Ordering.parse(ordering, ["id", "last_name", "updated_at"])
    for name in personas.names:
        ids, sizes = walk(clients[name], limit, ordering=ordering)
        want = expected(personas.actor(name), parsed)
        assert ids == want, (name, ordering, limit)
        full, rest = divmod(len(want), limit)
        assert sizes == [limit] * full + ([rest] if rest or not full else []), (name, sizes)


def test_filters_apply_inside_every_branch(personas: Personas, contacts: list[Contact]) -> None:
    clients = persona_clients(personas)
    parsed = Ordering.parse("-id", ["id"])
    for name in personas.names:
        actor = personas.actor(name)
        ids, _sizes = walk(clients[name], 2, last_name="martin")
        assert ids == expected(actor, parsed, last_name="Martin"), name
        ids, _sizes = walk(clients[name], 2, team=str(personas.north.id))
        assert ids == expected(actor, parsed, team=personas.north), name
    # The manager sees every contact of Ventes Nord and Ventes, and their own in Support.
    teams = [personas.north, personas.sales, personas.support]
    sizes = [len(walk(clients["manager"], 50, team=str(team.id))[0]) for team in teams]
    assert sizes == [5, 5, 1]


def test_a_filter_holding_the_probe_value_is_compiled_branch_by_branch(
    personas: Personas, contacts: list[Contact]
) -> None:
    client = persona_clients(personas)["owner"]
    answer = client.get("/contacts", owner=str(_PROBE))
    assert (answer.status, answer.body) == (200, {"items": [], "next_cursor": None})
    mine = client.get("/contacts", owner=str(personas.owner.id), limit=50).body["items"]
    assert len(mine) == 4  # one per team and one without


def test_a_caller_without_grant_reads_nothing_and_runs_no_page_query(
    personas: Personas, contacts: list[Contact], django_assert_num_queries: Any
) -> None:
    root = personas.actor("admin")
    nobody = users.user_create(actor=root, username="nobody", password=None)
    actor = Actor(user=nobody, channel="api")
    assert access.scope_branches(actor, Contact, "view") == []
    parsed = Ordering.parse(None, ["id"])
    with django_assert_num_queries(0):
        rows = paginate(Contact.objects.all(), ordering=parsed, cursor=None, limit=5, branches=[])
    assert rows == ([], None)


def test_a_bad_cursor_is_refused_before_the_scope(personas: Personas) -> None:
    client = persona_clients(personas)["owner"]
    answer = client.get("/contacts", cursor="nope")
    assert (answer.status, answer.code) == (400, "api.bad_filter")
