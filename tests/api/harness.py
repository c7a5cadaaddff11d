"""The contract every record resource of /api/v1 passes; a resource opts in with data.

Subclass :class:`RecordApiContract` in the module's tests (``class TestContactApi(...)``),
fill in the class attributes and ``make``; pytest collects the inherited tests: CRUD, ETag
and If-Match, idempotent replay, upsert by external id, input errors, cursor pagination,
filters, the access matrix (status *and* no side effect on denial) and the exact number of
queries a list page costs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moyeu.api.rendering import RENDERER
from moyeu.api.resources import RecordResource
from moyeu.core.context import Actor
from moyeu.core.models import AuditEntry, MoyeuModel, OutboxEvent
from tests.api.client import ApiClient, persona_clients
from tests.personas import Personas

# Who may do what to a record the "owner" persona owns in team "Ventes Nord" (see personas):
# the expected status per persona and action. "list" is whether the record is listed.
ACCESS_MATRIX: dict[str, dict[str, Any]] = {
    "owner": {"list": True, "detail": 200, "create": 201, "change": 200, "delete": 204},
    "teammate": {"list": True, "detail": 200, "create": 403, "change": 403, "delete": 403},
    "manager": {"list": True, "detail": 200, "create": 201, "change": 200, "delete": 204},
    "outsider": {"list": False, "detail": 404, "create": 403, "change": 404, "delete": 404},
    "admin": {"list": True, "detail": 200, "create": 201, "change": 200, "delete": 204},
}
MATRIX_CASES = [(p, a) for p, row in ACCESS_MATRIX.items() for a in row]


def side_effects() -> tuple[int, int]:
    return AuditEntry.objects.count(), OutboxEvent.objects.count()


class RecordApiContract:
    path: ClassVar[str]  # "/contacts"
    model: ClassVar[type[MoyeuModel]]
    record_name: ClassVar[str]  # "contact": events contact.created, audit directory.contact.*
    module: ClassVar[str] = "directory"
    create_body: ClassVar[dict[str, Any]]
    # A change and the field it changes (to read back).
    change_body: ClassVar[dict[str, Any]]
    invalid_body: ClassVar[dict[str, Any]]
    invalid_fields: ClassVar[list[str]]  # the ``field`` of each error, sorted
    name_field: ClassVar[str]  # the ordering field that holds names
    # (query parameters, the names of ``make``'s filter_records expected, sorted)
    filter_cases: ClassVar[list[tuple[dict[str, Any], list[str]]]]
    # Queries for one list page with a bearer token, per persona, whatever the page size:
    # token + user; the access policy's grants (not for superusers), memberships (scopes
    # team and team_tree) and team tree (team_tree of a manager); the ids of the scope's
    # branches (owner = me, team = t: scopes team and team_tree); the rows; their tags;
    # their external ids.
    list_queries: ClassVar[dict[str, int]] = {"owner": 7, "manager": 8, "admin": 4}
    resource: ClassVar[RecordResource[Any]]  # the module's resource behind ``path``

    @pytest.fixture
    def clients(self, personas: Personas) -> dict[str, ApiClient]:
        return persona_clients(personas)

    @pytest.fixture
    def anonymous(self) -> ApiClient:
        return ApiClient()

    def make(self, actor: Actor, name: str, **values: Any) -> MoyeuModel:
        raise NotImplementedError

    def filter_records(self, personas: Personas) -> None:
        """Records the filter cases select from (created by the owner unless said otherwise)."""
        raise NotImplementedError

    def owned_record(self, personas: Personas) -> MoyeuModel:
        return self.make(personas.actor("owner"), "Owned", external_ids={"erp": "E-1"})

    # --- CRUD ----------------------------------------------------------------------------

    def test_create_answers_the_record_with_etag_location_audit_and_event(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        answer = clients["owner"].post(self.path, self.create_body)
        assert answer.status == 201, answer.body
        record_id = answer.body["id"]
        assert answer.headers["ETag"] == '"1"'
        assert answer.headers["Location"] == f"/api/v1{self.path}/{record_id}"
        expected = {k: v for k, v in self.create_body.items() if k not in {"owner", "team"}}
        assert {k: answer.body[k] for k in expected} == expected
        assert (answer.body["owner"], answer.body["team"], answer.body["version"]) == (
            str(personas.owner.id),
            str(personas.north.id),
            1,
        )
        assert answer.body["created_by"] == answer.body["updated_by"] == str(personas.owner.id)
        entry = AuditEntry.objects.get(object_id=record_id)
        assert (entry.code, entry.channel) == (f"{self.module}.{self.record_name}.created", "api")
        event = OutboxEvent.objects.get(record_id=record_id)
        assert event.type == f"{self.record_name}.created"
        assert event.correlation_id == entry.correlation_id == answer.headers["X-Request-ID"]

    def test_detail_has_etag_and_answers_304_to_if_none_match(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        record = self.owned_record(personas)
        client = clients["owner"]
        answer = client.get(f"{self.path}/{record.pk}")
        assert (answer.status, answer.headers["ETag"]) == (200, '"1"')
        assert answer.body["external_ids"] == {"erp": "E-1"}
        again = client.call("GET", f"{self.path}/{record.pk}", headers={"If-None-Match": '"1"'})
        assert (again.status, again.body, again.headers["ETag"]) == (304, None, '"1"')

    def test_update_with_if_match_then_stale_if_match_is_412(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        record = self.owned_record(personas)
        url, client = f"{self.path}/{record.pk}", clients["owner"]
        answer = client.patch(url, self.change_body, headers={"If-Match": '"1"'})
        assert (answer.status, answer.headers["ETag"], answer.body["version"]) == (200, '"2"', 2)
        assert {k: answer.body[k] for k in self.change_body} == self.change_body
        before = side_effects()
        stale = client.patch(url, {self.name_field: "Lost"}, headers={"If-Match": '"1"'})
        assert (stale.status, stale.code, stale.body["current_version"]) == (
            412,
            "core.version_conflict",
            2,
        )
        assert stale.headers["ETag"] == '"2"'
        garbage = client.patch(url, {self.name_field: "Lost"}, headers={"If-Match": "abc"})
        assert (garbage.status, garbage.code) == (412, "api.precondition_failed")
        assert side_effects() == before
        assert getattr(self.model.objects.get(pk=record.pk), self.name_field) != "Lost"

    def test_delete_with_stale_if_match_is_412_then_deletes(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        record = self.owned_record(personas)
        url, client = f"{self.path}/{record.pk}", clients["owner"]
        stale = client.delete(url, headers={"If-Match": '"7"'})
        assert (stale.status, stale.code) == (412, "core.version_conflict")
        assert self.model.objects.filter(pk=record.pk).exists()
        done = client.delete(url, headers={"If-Match": '"1"'})
        assert (done.status, done.body) == (204, None)
        assert not self.model.objects.filter(pk=record.pk).exists()
        assert OutboxEvent.objects.filter(record_id=record.pk).last().type == (  # type: ignore[union-attr]
            f"{self.record_name}.deleted"
        )
        assert client.get(url).status == 404

    # --- idempotency and upsert ----------------------------------------------------------

    def test_idempotency_key_replays_the_first_answer(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        client, key = clients["owner"], {"Idempotency-Key": "retry-1"}
        first = client.post(self.path, self.create_body, headers=key)
        again = client.post(self.path, self.create_body, headers=key)
        assert (first.status, again.status) == (201, 201)
        assert again.body == first.body
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Idempotent-Replayed"] == "true"
        assert self.model.objects.count() == 1
        other = client.post(self.path, {**self.create_body, self.name_field: "Autre"}, headers=key)
        assert (other.status, other.code) == (422, "api.idempotency_key_reused")
        # Keys belong to their user: another user's identical key is a new request.
        # (an identical record: ?force=true passes the duplicate check)
        theirs = clients["manager"].post(f"{self.path}?force=true", self.create_body, headers=key)
        assert theirs.status == 201 and theirs.body["id"] != first.body["id"]
        assert self.model.objects.count() == 2

    def test_upsert_by_external_id_creates_then_updates(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        url, client = f"{self.path}/by-external-id/shop/A%2F42", clients["owner"]
        created = client.put(url, self.create_body)
        assert (created.status, created.body["external_ids"]) == (201, {"shop": "A/42"})
        updated = client.put(url, {**self.create_body, **self.change_body})
        assert (updated.status, updated.body["id"], updated.body["version"]) == (
            200,
            created.body["id"],
            2,
        )
        stale = client.put(url, self.create_body, headers={"If-Match": '"1"'})
        assert (stale.status, stale.code) == (412, "core.version_conflict")
        assert self.model.objects.count() == 1

    # --- bad input -----------------------------------------------------------------------

    def test_invalid_input_names_the_fields_and_writes_nothing(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        client, before = clients["owner"], side_effects()
        invalid = client.post(self.path, self.invalid_body)
        assert (invalid.status, invalid.code) == (422, "core.validation_failed")
        assert sorted(e["field"] for e in invalid.body["errors"]) == self.invalid_fields
        unknown = client.post(self.path, {**self.create_body, "colour": "red"})
        assert (unknown.status, unknown.code, unknown.body["errors"]) == (
            422,
            "api.unknown_field",
            [{"field": "colour", "message": "Unknown field."}],
        )
        custom = client.post(self.path, {**self.create_body, "custom": {"nope": 1}})
        assert (custom.status, custom.body["errors"]) == (
            422,
            [{"field": "custom.nope", "message": "Unknown custom field."}],
        )
        malformed = client.post(self.path, raw='{"name": ')
        assert (malformed.status, malformed.code) == (400, "api.malformed_json")
        assert client.get(f"{self.path}/{uuid.uuid4()}").code == "core.not_found"
        assert client.get(f"{self.path}/12").status == 404
        assert (side_effects(), self.model.objects.count()) == (before, 0)

    # --- lists ---------------------------------------------------------------------------

    def test_cursor_pages_walk_every_record_once_in_order(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        owner = personas.actor("owner")
        made = [self.make(owner, f"N{i:02}") for i in range(7)]
        seen: list[str] = []
        cursor: str | None = None
        for _page in range(4):
            params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            answer = clients["owner"].get(self.path, **params)
            assert answer.status == 200 and set(answer.body) == {"items", "next_cursor"}
            seen += [item["id"] for item in answer.body["items"]]
            cursor = answer.body["next_cursor"]
            if cursor is None:
                break
        assert seen == [str(r.pk) for r in reversed(made)]  # newest first by default
        by_name = clients["owner"].get(self.path, ordering=f"-{self.name_field}", limit=2)
        names = [item[self.name_field] for item in by_name.body["items"]]
        assert names == ["N06", "N05"]
        following = clients["owner"].get(
            self.path, ordering=f"-{self.name_field}", limit=2, cursor=by_name.body["next_cursor"]
        )
        assert [item[self.name_field] for item in following.body["items"]] == ["N04", "N03"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"ordering": "password"}, "ordering"),
            ({"cursor": "garbage"}, "cursor"),
            ({"limit": 0}, "limit"),
            ({"limit": 201}, "limit"),
            ({"owner": "not-a-uuid"}, "owner"),
            ({"created_after": "yesterday"}, "created_after"),
            ({"onwer": "x"}, "onwer"),
            ({"custom.unknown": "x"}, "custom.unknown"),
        ],
    )
    def test_bad_list_parameters_are_400_bad_filter(
        self, clients: dict[str, ApiClient], params: dict[str, Any], field: str
    ) -> None:
        answer = clients["owner"].get(self.path, **params)
        assert (answer.status, answer.code) == (400, "api.bad_filter")
        assert [e["field"] for e in answer.body["errors"]] == [field]

    def test_a_cursor_of_another_ordering_is_refused(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        for i in range(3):
            self.make(personas.actor("owner"), f"C{i}")
        first = clients["owner"].get(self.path, limit=1)
        other = clients["owner"].get(
            self.path, limit=1, ordering=self.name_field, cursor=first.body["next_cursor"]
        )
        assert (other.status, other.code) == (400, "api.bad_filter")

    def test_filters(self, clients: dict[str, ApiClient], personas: Personas) -> None:
        self.filter_records(personas)
        for params, expected in self.filter_cases:
            answer = clients["admin"].get(self.path, **params)
            assert answer.status == 200, (params, answer.body)
            names = sorted(item[self.name_field] for item in answer.body["items"])
            assert names == expected, params

    def test_list_items_are_what_the_output_schema_gives_for_the_records(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        """Pages read as rows answer, key for key and in order, the validated records."""
        self.filter_records(personas)
        self.make(
            personas.actor("owner"), "Tags", tags=["b", "a"], external_ids={"x": "1", "b": "2"}
        )
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            answer = clients["admin"].get(self.path, **params)
            items += answer.body["items"]
            cursor = answer.body["next_cursor"]
            if cursor is None:
                break
        output = self.resource.output
        assert output is not None
        records = self.model.objects.prefetch_related("tags", "external_id_links").order_by("-id")
        expected = [
            json.loads(
                RENDERER.render(None, output.model_validate(r).model_dump(), response_status=200)
            )  # type: ignore[arg-type]
            for r in records
        ]
        assert items == expected
        assert [list(item) for item in items] == [list(item) for item in expected]
        assert any(item["tags"] == ["a", "b"] for item in items)
        assert any(item["external_ids"] == {"x": "1", "b": "2"} for item in items)

    # --- access --------------------------------------------------------------------------

    @pytest.mark.parametrize(("persona", "action"), MATRIX_CASES)
    def test_access_matrix(
        self, clients: dict[str, ApiClient], personas: Personas, persona: str, action: str
    ) -> None:
        record = self.owned_record(personas)
        expected = ACCESS_MATRIX[persona][action]
        client, url = clients[persona], f"{self.path}/{record.pk}"
        before = (side_effects(), self.model.objects.count(), record.version)
        calls: dict[str, Callable[[], Any]] = {
            "detail": lambda: client.get(url),
            "create": lambda: client.post(
                self.path, {**self.create_body, "owner": str(personas.owner.id)}
            ),
            "change": lambda: client.patch(url, self.change_body),
            "delete": lambda: client.delete(url),
        }
        if action == "list":
            listed = [item["id"] for item in client.get(self.path).body["items"]]
            assert (str(record.pk) in listed) is expected
            return
        answer = calls[action]()
        assert answer.status == expected, answer.body
        if expected >= 400:
            codes = {403: "core.permission_denied", 404: "core.not_found"}
            assert answer.code == codes[expected]
            current = self.model.objects.get(pk=record.pk)
            after = (side_effects(), self.model.objects.count(), current.version)
            assert after == before

    def test_no_credentials_or_a_wrong_token_is_401(
        self, anonymous: ApiClient, personas: Personas
    ) -> None:
        answer = anonymous.get(self.path)
        assert (answer.status, answer.code) == (401, "api.unauthenticated")
        assert answer.headers["WWW-Authenticate"] == 'Bearer realm="moyeu"'
        assert answer.headers["Content-Type"] == "application/problem+json"
        wrong = ApiClient("moy_nope_nope").post(self.path, self.create_body)
        assert (wrong.status, self.model.objects.count()) == (401, 0)

    @pytest.mark.parametrize("persona", ["owner", "manager", "admin"])
    def test_a_list_page_costs_a_constant_number_of_queries(
        self, clients: dict[str, ApiClient], personas: Personas, persona: str
    ) -> None:
        owner = personas.actor("owner")
        for i in range(30):
            self.make(owner, f"Q{i:02}", tags=["a", "b"], external_ids={"erp": f"Q{i}"})
        clients[persona].get(self.path, limit=1)  # the token's first use writes last_used_at
        for limit in (5, 25):
            client = ApiClient(clients[persona].secret)
            with CaptureQueriesContext(connection) as captured:
                answer = client.get(self.path, limit=limit)
            assert len(answer.body["items"]) == limit
            assert len(answer.body["items"][0]["tags"]) == 2
            assert len(captured) == self.list_queries[persona], [q["sql"] for q in captured]
