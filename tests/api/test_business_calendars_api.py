"""/api/v1/business-calendars: administration, ETags, problems, the deadline helper."""

from __future__ import annotations

import pytest

from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db


def test_the_api_round_trip(clients: dict[str, ApiClient]) -> None:
    admin = clients["admin"]
    created = admin.post(
        "/business-calendars",
        {
            "name": "Support",
            "working_hours": {"0": [["08:00", "20:00"]], "5": [["09:00", "13:00"]]},
            "closed_dates": ["2026-12-24"],
        },
    )
    assert created.status == 201
    assert {k: created.body[k] for k in ("name", "time_zone", "holiday_country", "version")} == {
        "name": "Support",
        "time_zone": "Europe/Paris",
        "holiday_country": "FR",
        "version": 1,
    }
    url = f"/business-calendars/{created.body['id']}"
    # Friday 27 November 2026 at 19:00 UTC (20:00 Paris) + 2 h: Saturday 9-11 Paris.
    deadline = admin.get(f"{url}/deadline", start="2026-11-27T19:00:00Z", hours=2)
    assert deadline.body["deadline"] == "2026-11-28T10:00:00Z"
    stale = admin.patch(url, {"name": "Support FR"}, headers={"If-Match": '"7"'})
    assert (stale.status, stale.code) == (412, "core.version_conflict")
    changed = admin.patch(url, {"name": "Support FR"}, headers={"If-Match": '"1"'})
    assert (changed.status, changed.body["name"], changed.body["version"]) == (200, "Support FR", 2)
    bad = admin.patch(url, {"time_zone": "Mars/Olympus"})
    assert (bad.status, bad.body["errors"]) == (
        422,
        [
            {
                "field": "time_zone",
                "message": "“Mars/Olympus” is not a time zone such as Europe/Paris.",
            }
        ],
    )
    listed = admin.get("/business-calendars")
    assert [c["name"] for c in listed.body["items"]] == ["Standard", "Support FR"]
    default = next(c for c in listed.body["items"] if c["is_default"])
    refused = admin.delete(f"/business-calendars/{default['id']}")
    assert (refused.status, refused.code) == (409, "core.conflict")
    assert clients["owner"].get(url).status == 403
    assert admin.delete(url).status == 204
    assert admin.get(url).status == 404
