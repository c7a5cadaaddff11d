"""Global search in a real browser: type in the header box, see results grouped by kind,
walk them with the keyboard, open one; a misspelt name is still found."""

from __future__ import annotations

import os
from typing import Any

import pytest

from moyeu.directory.services import account_create, contact_create
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_find_a_contact_from_the_header_box(page: Any) -> None:
    personas = make_personas()
    owner = personas.actor("owner")
    contact_create(
        actor=owner,
        values={"first_name": "Élodie", "last_name": "Lefèvre", "email": "elodie@exemple.fr"},
    )
    account_create(actor=owner, values={"name": "Lefort Transports", "city": "Lille"})
    contact_create(
        actor=personas.actor("outsider"), values={"first_name": "Léa", "last_name": "Lefort"}
    )
    page.goto("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    page.get_by_role("button", name="EN").click()

    box = page.get_by_label("Search everything")
    # "/" focuses the box from anywhere on the page.
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search-q"
    box.press_sequentially("lef", delay=30)
    panel = page.locator("#global-search-suggestions")
    panel.get_by_role("link", name="Élodie Lefèvre").wait_for()
    assert panel.locator("h2").all_inner_texts() == ["ACCOUNTS", "CONTACTS"]
    assert panel.get_by_role("link").all_inner_texts() == [
        "Lefort Transports",
        "Élodie Lefèvre",
        "See all results",
    ]
    if os.environ.get("MOYEU_SCREENSHOTS"):
        page.screenshot(path=os.environ["MOYEU_SCREENSHOTS"] + "/search-suggestions.png")
    # Arrow keys walk the suggestions; Enter opens the one in focus.
    box.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Élodie Lefèvre"
    page.keyboard.press("Enter")
    page.wait_for_url("**/directory/contacts/*/")
    assert page.locator("h1").inner_text() == "Élodie Lefèvre"

    # A misspelt name, then Enter: the results page, the contact found as a close match.
    box = page.get_by_label("Search everything")
    box.fill("lefevra")
    box.press("Enter")
    page.wait_for_url("**/search/?q=lefevra")
    assert page.locator("h1").inner_text() == "Results for “lefevra”"
    group = page.locator("section.search-group")
    assert group.locator("h2").all_inner_texts() == ["CONTACTS"]
    assert group.locator("li").all_inner_texts() == [
        "Élodie Lefèvre\nelodie@exemple.fr\nclose match"
    ]
    if os.environ.get("MOYEU_SCREENSHOTS"):
        page.screenshot(path=os.environ["MOYEU_SCREENSHOTS"] + "/search-results.png")
    group.get_by_role("link", name="Élodie Lefèvre").click()
    assert page.locator("h1").inner_text() == "Élodie Lefèvre"
