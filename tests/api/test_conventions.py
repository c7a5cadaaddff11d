"""Conventions every endpoint shares: problems for any bad request, session auth with CSRF."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client

from moyeu.core.models import AuditEntry
from moyeu.directory.models import Contact
from tests.api.client import ApiClient
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _problem(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = json.loads(response.content)
    assert set(body) >= {"type", "title", "status", "detail", "code", "errors"}
    assert body["type"] == f"urn:moyeu:problem:{body['code']}"
    assert body["status"] == response.status_code
    return body


def test_oversize_body_is_413(clients: dict[str, ApiClient], settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    answer = clients["owner"].post("/contacts", {"last_name": "x" * 200})
    assert (answer.status, answer.code) == (413, "api.body_too_large")
    assert Contact.objects.count() == 0


def test_wrong_method_is_405_with_allow(clients: dict[str, ApiClient]) -> None:
    answer = clients["owner"].call("PUT", "/contacts")
    assert (answer.status, answer.code) == (405, "api.method_not_allowed")
    assert sorted(answer.headers["Allow"].split(", ")) == ["GET", "POST"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_routes_are_404_problems(method: str) -> None:
    response = Client().generic(method, "/api/v1/no/such/thing")
    assert response.status_code == 404
    assert _problem(response)["code"] == "core.not_found"
    root = Client().get("/api/v1/")
    assert (root.status_code, _problem(root)["code"]) == (404, "core.not_found")


def test_a_json_array_body_is_a_validation_problem(clients: dict[str, ApiClient]) -> None:
    answer = clients["owner"].post("/contacts", ["not", "an", "object"])
    assert (answer.status, answer.code) == (422, "core.validation_failed")


def test_non_utf8_body_is_malformed_json(clients: dict[str, ApiClient]) -> None:
    answer = clients["owner"].post("/contacts", raw=b"\xff\xfe{")
    assert (answer.status, answer.code) == (400, "api.malformed_json")


def test_unexpected_errors_are_500_problems_without_a_trace(
    clients: dict[str, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from moyeu.directory.api import routers

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routers, "contacts", replace(routers.contacts, create_service=broken))
    answer = clients["owner"].post("/contacts", {"last_name": "Martin"})
    assert (answer.status, answer.code) == (500, "api.internal_error")
    assert "secret" not in json.dumps(answer.body)
    assert "Traceback" not in json.dumps(answer.body)


class TestSession:
    """The UI's session works on the API; unsafe methods need the CSRF token."""

    @pytest.fixture
    def browser(self, personas: Personas) -> Client:
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(personas.owner)
        return browser

    def test_reads_need_no_csrf_token(self, browser: Client) -> None:
        assert browser.get("/api/v1/contacts").status_code == 200

    def test_writes_without_the_csrf_token_are_403(self, browser: Client) -> None:
        response = browser.post(
            "/api/v1/contacts", {"last_name": "Martin"}, content_type="application/json"
        )
        assert (response.status_code, _problem(response)["code"]) == (403, "api.csrf_failed")
        assert (
            Contact.objects.count(),
            AuditEntry.objects.filter(code__contains="ct.").count(),
        ) == (
            0,
            0,
        )

    def test_writes_with_the_csrf_token_pass(self, browser: Client) -> None:
        browser.get("/api/v1/docs")  # sets the CSRF cookie
        token = browser.cookies["csrftoken"].value
        response = browser.post(
            "/api/v1/contacts",
            {"last_name": "Martin"},
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 201
        assert AuditEntry.objects.get(code="directory.contact.created").channel == "api"

    def test_a_wrong_bearer_token_does_not_fall_back_to_the_session(self, browser: Client) -> None:
        response = browser.get("/api/v1/contacts", headers={"Authorization": "Bearer moy_bad"})
        assert (response.status_code, _problem(response)["code"]) == (401, "api.unauthenticated")


def test_token_scopes_narrow_the_roles(personas: Personas) -> None:
    from tests.api.client import token_for

    reader = ApiClient(token_for(personas.owner, scopes=("directory:view",)))
    assert reader.get("/contacts").status == 200
    denied = reader.post("/contacts", {"last_name": "Martin"})
    assert (denied.status, denied.code) == (403, "core.permission_denied")
    assert Contact.objects.count() == 0


def test_password_login_is_not_a_session(personas: Personas) -> None:
    answer = ApiClient().post("/auth/token", {"username": "owner", "password": PASSWORD})
    assert answer.status == 201
    assert "sessionid" not in answer.headers.get("Set-Cookie", "")


def test_unknown_api_version_answers_a_problem(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v2/contacts")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "core.not_found"
