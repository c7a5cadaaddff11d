"""A sales rep logs a call on a contact and sees it on the contact's and the account's
timelines; a bad number is refused in the panel first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from moyeu.activities.services import activity_create
from moyeu.directory.services import account_create, contact_create
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("MOYEU_SCREENSHOTS")  # a folder: save the pages for a human to look at


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_log_a_call_on_a_contact_and_see_it_on_both_timelines(page: Any) -> None:
    personas = make_personas()
    owner = personas.actor("owner")
    account = account_create(actor=owner, values={"name": "Boulangerie Martin"})
    contact = contact_create(
        actor=owner, values={"first_name": "Jeanne", "last_name": "Martin", "account": account.pk}
    )
    for i in range(24):  # older notes: the timeline scrolls to them
        activity_create(
            actor=owner,
            values={
                "kind": "note",
                "subject": f"Note {i:02}",
                "occurred_at": f"2026-01-{i + 1:02}T10:00:00+01:00",
                "links": [f"directory.contact:{contact.pk}"],
            },
        )
    page.goto("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    page.get_by_role("button", name="EN").click()

    page.goto(f"/directory/contacts/{contact.pk}/")
    panel = page.locator("#timeline-panel")
    panel.get_by_role("button", name="Log a call").click()
    form = panel.locator("form.quick-form")
    form.get_by_label("Subject").fill("Appel de suivi du devis")
    form.get_by_label("Number").fill("12")
    form.get_by_role("button", name="Save").click()
    assert form.locator(".errorlist").inner_text() == "Not a valid phone number."
    _shot(page, "quick-call-error")

    form.get_by_label("Number").fill("06 12 34 56 78")
    form.get_by_label("Outcome").select_option("connected")
    form.get_by_label("Duration (seconds)").fill("240")
    form.get_by_role("button", name="Save").click()
    first = page.locator("#timeline-items .timeline-item").first
    assert first.locator("a").first.inner_text() == "Appel de suivi du devis"
    assert page.locator("form.quick-form").count() == 0
    # Infinite scroll: the 20 first items, then the rest once the end is revealed.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_text("Note 00").wait_for()
    # 24 notes + the call + the contact's "Created" change.
    assert page.locator("#timeline-items .timeline-item").count() == 26
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "contact-timeline")

    panel.get_by_label("Show").select_option("call")
    page.wait_for_function(
        "document.querySelectorAll('#timeline-items .timeline-item').length === 1"
    )

    page.goto(f"/directory/accounts/{account.pk}/")
    account_item = page.locator("#timeline-items .timeline-item", has_text="Appel de suivi")
    assert "Jeanne Martin" in account_item.inner_text()
    _shot(page, "account-timeline")

    account_item.get_by_role("link", name="Appel de suivi du devis").click()
    assert page.locator("h1").inner_text() == "Appel de suivi du devis"
    assert "+33612345678" in page.locator("section", has_text="Details").inner_text()
    _shot(page, "call-detail")
