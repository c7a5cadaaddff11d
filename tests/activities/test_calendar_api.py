"""/api/v1/calendar/feeds (make, make again, revoke), /calendar/import, the meeting move and
invitations through the API, and the trusted-proxy setting for https feed links."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from icalendar import Calendar

from moyeu.activities.models import Activity, CalendarFeed, MeetingInvitation
from moyeu.activities.services import activity_create
from moyeu.directory.services import contact_create
from tests.api.client import ApiClient
from tests.personas import Personas

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 12, 3, 13, 30, tzinfo=datetime.UTC)


def _secret(url: str) -> str:
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def _read(url: str) -> int:
    return Client().get(url.replace("https://testserver", "")).status_code


def test_feed_links_are_made_again_and_revoked_through_the_api(
    personas: Personas, clients: dict[str, ApiClient], settings: Any
) -> None:
    owner = clients["owner"]
    assert (owner.get("/calendar/feeds").status, owner.get("/calendar/feeds").body) == (200, [])
    first = owner.post("/calendar/feeds", {"team": None})
    assert first.status == 201, first.body
    assert first.body["url"].startswith("http://testserver/activities/calendar/feed/")
    assert (first.body["scope"], first.body["team"], first.body["prefix"]) == (
        "user",
        None,
        _secret(first.body["url"])[:8],
    )
    assert _read(first.body["url"]) == 200
    # Behind a trusted proxy (MOYEU_TRUSTED_PROXY), the link says https.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    again = owner.post(
        "/calendar/feeds", {}, headers={"X-Forwarded-Proto": "https", "Host": "testserver"}
    )
    assert again.status == 201
    assert again.body["url"].startswith("https://testserver/activities/calendar/feed/")
    assert (_read(first.body["url"]), _read(again.body["url"])) == (404, 200)
    team = owner.post("/calendar/feeds", {"team": str(personas.north.pk)})
    assert (team.status, team.body["scope"], team.body["team"]) == (
        201,
        "team",
        str(personas.north.pk),
    )
    listed = owner.get("/calendar/feeds").body
    assert [(f["scope"], f["url"]) for f in listed] == [("user", None), ("team", None)]
    # Another team's calendar: refused, nothing made.
    refused = owner.post("/calendar/feeds", {"team": str(personas.support.pk)})
    assert (refused.status, refused.code) == (403, "core.permission_denied")
    # Revoking someone else's link is "not found"; one's own, 204 and the feed is gone.
    assert clients["teammate"].delete(f"/calendar/feeds/{team.body['id']}").status == 404
    assert owner.delete(f"/calendar/feeds/{team.body['id']}").status == 204
    assert _read(team.body["url"]) == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_trusted_proxy_setting(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.USE_X_FORWARDED_HOST)"
    )

    def run(**env: str) -> str:
        import os

        environment = {k: v for k, v in os.environ.items() if not k.startswith("MOYEU_")}
        environment.update(
            DJANGO_SETTINGS_MODULE="moyeu.settings", MOYEU_VAR_DIR=str(tmp_path), **env
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout.strip()

    assert run() == "None False"
    assert run(MOYEU_TRUSTED_PROXY="1") == "('HTTP_X_FORWARDED_PROTO', 'https') False"
    assert run(MOYEU_TRUSTED_PROXY="1", MOYEU_TRUSTED_PROXY_HOST="1") == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True"
    )


@pytest.fixture
def meeting(personas: Personas) -> Activity:
    owner = personas.actor("owner")
    anne = contact_create(
        actor=owner,
        values={"first_name": "Anne", "last_name": "Morel", "email": "anne@client.example"},
    )
    return activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Revue",
            "occurred_at": START,
            "ends_at": START + datetime.timedelta(hours=1),
            "links": [f"directory.contact:{anne.pk}"],
            "attendees": [{"record": f"directory.contact:{anne.pk}"}],
        },
    )


def test_a_meeting_moves_through_the_api_with_its_version(
    clients: dict[str, ApiClient], meeting: Activity
) -> None:
    path = f"/activities/{meeting.pk}/move"
    later = (START + datetime.timedelta(days=1)).isoformat()
    stale = clients["owner"].post(path, {"starts_at": later}, headers={"If-Match": '"7"'})
    assert (stale.status, stale.code, stale.headers["ETag"]) == (
        412,
        "core.version_conflict",
        '"1"',
    )
    moved = clients["owner"].post(path, {"starts_at": later}, headers={"If-Match": '"1"'})
    assert moved.status == 200, moved.body
    assert (moved.body["occurred_at"], moved.body["ends_at"], moved.headers["ETag"]) == (
        "2026-12-04T13:30:00Z",
        "2026-12-04T14:30:00Z",
        '"2"',
    )
    assert clients["teammate"].post(path, {"starts_at": later}).status == 403
    assert clients["outsider"].post(path, {"starts_at": later}).status == 404
    bad = clients["owner"].post(path, {"starts_at": "tomorrow"})
    assert (bad.status, bad.code) == (422, "core.validation_failed")
    assert Activity.objects.get(pk=meeting.pk).version == 2


def test_invitations_through_the_api(clients: dict[str, ApiClient], meeting: Activity) -> None:
    path = f"/activities/{meeting.pk}/invitations"
    assert clients["teammate"].post(path).status == 403
    sent = clients["owner"].post(path, headers={"Idempotency-Key": "invite-1"})
    assert sent.status == 202, sent.body
    assert [
        (i["email"], i["method"], i["sequence"], i["sent_at"]) for i in sent.body["invitations"]
    ] == [("anne@client.example", "REQUEST", 1, None)]
    assert sent.body["without_address"] == []
    replay = clients["owner"].post(path, headers={"Idempotency-Key": "invite-1"})
    assert (replay.status, replay.body) == (202, sent.body)
    assert MeetingInvitation.objects.count() == 1
    listed = clients["teammate"].get(path)  # sees the meeting: sees who was invited
    assert [(i["name"], i["record"]) for i in listed.body] == [
        ("Anne Morel", sent.body["invitations"][0]["record"])
    ]
    assert clients["outsider"].get(path).status == 404


def test_import_through_the_api(clients: dict[str, ApiClient], personas: Personas) -> None:
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@b\r\n"
        "DTSTART:20261203T133000Z\r\nSUMMARY:Point\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    client = Client()
    headers = {"Authorization": f"Bearer {clients['owner'].secret}", "Accept-Language": "en"}

    def post(content: bytes) -> Any:
        upload = SimpleUploadedFile("agenda.ics", content, content_type="text/calendar")
        return client.post("/api/v1/calendar/import", {"file": upload}, headers=headers)

    answer = post(body.encode())
    assert (answer.status_code, answer.json()) == (
        200,
        {"created": 1, "updated": 0, "unchanged": 0, "skipped": []},
    )
    assert post(body.encode()).json()["unchanged"] == 1
    bad = post(body.replace("END:VEVENT", "END:VTODO").encode())
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {"field": "file", "message": "Line 7: END:VTODO closes BEGIN:VEVENT (line 3)."}
    ]
    assert Activity.objects.count() == 1
    assert Calendar.from_ical(body)  # the fixture itself is valid iCalendar
