"""The identity API: administrators manage users, teams and roles; everyone their tokens."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.models import AuditEntry
from moyeu.identity.models import ApiToken, Role, Team, User
from tests.api.client import ApiClient, persona_clients
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(personas: Personas) -> dict[str, ApiClient]:
    return persona_clients(personas)


def test_admin_creates_a_user_with_teams_and_roles(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    role = Role.objects.get(name="Commercial")
    answer = clients["admin"].post(
        "/users",
        {
            "username": "nina",
            "password": "Une-phrase-longue-2026",
            "email": "Nina@Moyeu.test",
            "teams": [{"team": str(personas.support.id), "is_manager": True}],
            "roles": [str(role.id)],
        },
    )
    assert answer.status == 201, answer.body
    body = answer.body
    assert (body["username"], body["email"], body["primary_team"]) == (
        "nina",
        "nina@moyeu.test",
        str(personas.support.id),
    )
    assert body["teams"] == [{"team": str(personas.support.id), "is_manager": True}]
    assert body["roles"] == [str(role.id)]
    assert User.objects.get(username="nina").check_password("Une-phrase-longue-2026")
    assert "password" not in body


def test_admin_lists_and_updates_users(clients: dict[str, ApiClient], personas: Personas) -> None:
    page = clients["admin"].get("/users", limit=2)
    assert [u["username"] for u in page.body["items"]] == ["admin", "manager"]
    rest = clients["admin"].get("/users", cursor=page.body["next_cursor"])
    assert [u["username"] for u in rest.body["items"]] == ["outsider", "owner", "teammate"]
    changed = clients["admin"].patch(
        f"/users/{personas.teammate.id}", {"last_name": "Durand", "is_active": False}
    )
    assert (changed.status, changed.body["last_name"], changed.body["is_active"]) == (
        200,
        "Durand",
        False,
    )
    refused = clients["admin"].patch(f"/users/{personas.teammate.id}", {"email": None})
    assert (refused.status, refused.body["errors"]) == (
        422,
        [{"field": "email", "message": "Value error, This field cannot be null."}],
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [("/users", {"username": "x"}), ("/teams", {"name": "X"}), ("/roles", {"name": "X"})],
)
def test_non_admins_may_not_read_or_write_administration(
    clients: dict[str, ApiClient], path: str, body: dict[str, str]
) -> None:
    before = AuditEntry.objects.count()
    listed = clients["manager"].get(path)
    created = clients["manager"].post(path, body)
    assert (listed.status, listed.code) == (403, "core.permission_denied")
    assert (created.status, created.code) == (403, "core.permission_denied")
    assert AuditEntry.objects.count() == before


def test_teams_form_a_tree_without_cycles(
    clients: dict[str, ApiClient], personas: Personas
) -> None:
    admin = clients["admin"]
    created = admin.post("/teams", {"name": "Ventes Sud", "parent": str(personas.sales.id)})
    assert (created.status, created.body["parent"]) == (201, str(personas.sales.id))
    cycle = admin.patch(f"/teams/{personas.sales.id}", {"parent": created.body["id"]})
    assert (cycle.status, cycle.body["errors"]) == (
        422,
        [{"field": "parent_id", "message": "A team cannot be inside itself."}],
    )
    top = admin.patch(f"/teams/{created.body['id']}", {"parent": None})
    assert (top.status, top.body["parent"]) == (200, None)
    renamed = admin.patch(f"/teams/{created.body['id']}", {"name": "Sud"})
    assert (renamed.body["name"], renamed.body["parent"]) == ("Sud", None)
    assert Team.objects.get(pk=created.body["id"]).parent_id is None


def test_roles_carry_grants(clients: dict[str, ApiClient]) -> None:
    admin = clients["admin"]
    grants = [{"module": "directory", "action": "view", "scope": "all"}]
    created = admin.post("/roles", {"name": "Lecteur", "grants": grants})
    assert (created.status, created.body["grants"]) == (201, grants)
    bad = admin.patch(
        f"/roles/{created.body['id']}",
        {"grants": [{"module": "nowhere", "action": "view", "scope": "all"}]},
    )
    assert (bad.status, bad.body["errors"]) == (
        422,
        [{"field": "grants", "message": "Unknown module: nowhere"}],
    )
    wrong_scope = admin.post("/roles", {"name": "Y", "grants": [{**grants[0], "scope": "galaxy"}]})
    assert (wrong_scope.status, wrong_scope.body["errors"][0]["field"]) == (422, "grants.0.scope")


def test_a_user_manages_their_own_tokens(clients: dict[str, ApiClient], personas: Personas) -> None:
    owner = clients["owner"]
    created = owner.post("/tokens", {"name": "Zapier", "scopes": ["directory:view"]})
    assert created.status == 201
    secret = created.body["secret"]
    assert secret.startswith(f"moy_{created.body['prefix']}_")
    assert ApiToken.objects.filter(key_hash__contains=secret).count() == 0
    me = ApiClient(secret).get("/me")
    assert (me.body["username"], me.body["token_scopes"]) == ("owner", ["directory:view"])
    listed = owner.get("/tokens")
    assert all(t["user"] == str(personas.owner.id) for t in listed.body["items"])
    assert all("secret" not in t for t in listed.body["items"])
    other = clients["teammate"].delete(f"/tokens/{created.body['id']}")
    assert (other.status, other.code) == (404, "core.not_found")
    for_someone_else = owner.post("/tokens", {"name": "x", "user": str(personas.teammate.id)})
    assert (for_someone_else.status, for_someone_else.code) == (403, "core.permission_denied")
    revoked = owner.delete(f"/tokens/{created.body['id']}")
    assert revoked.status == 204
    assert ApiClient(secret).get("/me").status == 401
    everyone = clients["admin"].get("/tokens", user=str(personas.teammate.id))
    assert {t["user"] for t in everyone.body["items"]} == {str(personas.teammate.id)}


class TestPasswordExchange:
    def test_right_password_gives_a_working_token(self, personas: Personas) -> None:
        answer = ApiClient().post(
            "/auth/token", {"username": "owner", "password": PASSWORD, "name": "CLI"}
        )
        assert (answer.status, answer.body["name"], answer.body["kind"]) == (201, "CLI", "personal")
        assert ApiClient(answer.body["secret"]).get("/me").body["username"] == "owner"

    def test_wrong_password_is_401_then_429_when_rate_limited(
        self, personas: Personas, settings: Any
    ) -> None:
        settings.MOYEU_LOGIN_RATE = 2
        attempts = [
            ApiClient().post("/auth/token", {"username": "owner", "password": "wrong"})
            for _ in range(3)
        ]
        assert [(a.status, a.code) for a in attempts] == [
            (401, "api.unauthenticated"),
            (401, "api.unauthenticated"),
            (429, "api.rate_limited"),
        ]
        right = ApiClient().post("/auth/token", {"username": "owner", "password": PASSWORD})
        assert (right.status, right.code) == (429, "api.rate_limited")
        assert ApiToken.objects.filter(user=personas.owner, name="API").count() == 0

    def test_missing_fields_are_422(self, personas: Personas) -> None:
        answer = ApiClient().post("/auth/token", {"username": "owner"})
        assert (answer.status, answer.body["errors"]) == (
            422,
            [{"field": "password", "message": "Field required"}],
        )
