"""/custom-fields, /audit and /jobs."""

from __future__ import annotations

import uuid

import pytest

from moyeu.core.models import Job, JobStatus
from moyeu.directory.services import contact_create, contact_update
from tests.api.client import ApiClient
from tests.personas import Personas

pytestmark = pytest.mark.django_db

FIELD = {"record_type": "directory.contact", "name": "segment", "label": "Segment"}


class TestCustomFields:
    def test_admin_defines_a_field_that_validates_record_values(
        self, clients: dict[str, ApiClient]
    ) -> None:
        admin = clients["admin"]
        created = admin.post("/custom-fields", {**FIELD, "type": "choice", "choices": ["a", "b"]})
        assert (created.status, created.body["type"], created.body["version"]) == (
            201,
            "choice",
            1,
        )
        schema = clients["owner"].get("/custom-fields/schema/directory.contact")
        assert schema.body == {
            "type": "object",
            "additionalProperties": False,
            "properties": {"segment": {"type": "string", "enum": ["a", "b"], "title": "Segment"}},
            "required": [],
        }
        wrong = clients["owner"].post("/contacts", {"last_name": "M", "custom": {"segment": "z"}})
        assert (wrong.status, wrong.body["errors"]) == (
            422,
            [{"field": "custom.segment", "message": "Choose one of: a, b."}],
        )
        right = clients["owner"].post("/contacts", {"last_name": "M", "custom": {"segment": "b"}})
        assert (right.status, right.body["custom"]) == (201, {"segment": "b"})
        url = f"/custom-fields/{created.body['id']}"
        changed = admin.patch(url, {"label": "Segment client", "required": True})
        assert (changed.body["label"], changed.body["required"], changed.body["version"]) == (
            "Segment client",
            True,
            2,
        )
        null = admin.patch(url, {"label": None})
        assert (null.status, null.body["errors"][0]["field"]) == (422, "label")
        listed = admin.get("/custom-fields", record_type="directory.contact")
        assert [f["name"] for f in listed.body["items"]] == ["segment"]
        assert admin.delete(url).status == 204
        assert admin.get(url).status == 404

    def test_only_admins_define_fields(self, clients: dict[str, ApiClient]) -> None:
        refused = clients["manager"].post("/custom-fields", {**FIELD, "type": "text"})
        assert (refused.status, refused.code) == (403, "core.permission_denied")
        assert clients["manager"].get("/custom-fields").status == 403

    def test_bad_definitions_name_the_field(self, clients: dict[str, ApiClient]) -> None:
        bad = clients["admin"].post(
            "/custom-fields", {**FIELD, "name": "9lives", "type": "choice", "choices": []}
        )
        assert (bad.status, sorted(e["field"] for e in bad.body["errors"])) == (
            422,
            ["choices", "name"],
        )
        kind = clients["admin"].post("/custom-fields", {**FIELD, "type": "colour"})
        assert (kind.status, kind.body["errors"][0]["field"]) == (422, "type")
        unknown = clients["owner"].get("/custom-fields/schema/directory.nothing")
        assert unknown.status == 404


class TestAudit:
    def test_a_record_history_for_whoever_can_see_it(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        owner = personas.actor("owner", channel="api")
        contact = contact_create(actor=owner, values={"last_name": "Martin"})
        contact_update(actor=owner, contact_id=contact.id, values={"job_title": "DAF"})
        params = {"record_type": "directory.contact", "record_id": str(contact.id)}
        history = clients["teammate"].get("/audit", **params)
        assert [(e["code"], e["actor"]) for e in history.body["items"]] == [
            ("directory.contact.updated", str(personas.owner.id)),
            ("directory.contact.created", str(personas.owner.id)),
        ]
        assert history.body["items"][0]["changes"] == {"job_title": ["", "DAF"]}
        assert history.body["items"][0]["record_type"] == "directory.contact"
        hidden = clients["outsider"].get("/audit", **params)
        assert (hidden.status, hidden.code) == (404, "core.not_found")
        missing = clients["outsider"].get("/audit")
        assert (missing.status, missing.code) == (400, "api.bad_filter")

    def test_admins_read_the_whole_log_page_by_page(
        self, clients: dict[str, ApiClient], personas: Personas
    ) -> None:
        page = clients["admin"].get("/audit", code="identity.team.created", limit=2)
        assert [e["object_repr"] for e in page.body["items"]] == ["Support", "Ventes Nord"]
        rest = clients["admin"].get(
            "/audit", code="identity.team.created", cursor=page.body["next_cursor"]
        )
        assert ([e["object_repr"] for e in rest.body["items"]], rest.body["next_cursor"]) == (
            ["Ventes"],
            None,
        )


class TestJobs:
    def test_admins_read_state_progress_and_error_never_a_traceback(
        self, clients: dict[str, ApiClient]
    ) -> None:
        job = Job.objects.create(
            task_path="moyeu.directory.tasks.import_contacts",
            queue_name="imports",
            status=JobStatus.FAILED,
            progress_done=40,
            progress_total=100,
            error_class="builtins.ValueError",
            last_error="Traceback (most recent call last):\n  File x.py\nValueError: bad row 41\n",
        )
        answer = clients["admin"].get(f"/jobs/{job.id}")
        body = answer.body
        assert (body["status"], body["progress_done"], body["progress_total"]) == (
            "FAILED",
            40,
            100,
        )
        assert (body["error_class"], body["error"]) == (
            "builtins.ValueError",
            "ValueError: bad row 41",
        )
        listed = clients["admin"].get("/jobs", status="FAILED", queue="imports")
        assert [j["id"] for j in listed.body["items"]] == [str(job.id)]
        assert clients["admin"].get("/jobs", status="DONE").code == "api.bad_filter"
        assert clients["admin"].get(f"/jobs/{uuid.uuid4()}").status == 404
        assert clients["owner"].get(f"/jobs/{job.id}").status == 403
