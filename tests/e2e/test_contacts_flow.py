"""A sales rep signs in, creates a contact, edits it and finds it again with the search box."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.directory.models import Contact
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_create_edit_and_search_a_contact(page: Any) -> None:
    make_personas()
    page.goto("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    # The user's language (French, the default) applies at sign-in.
    assert page.locator("h1").inner_text() == "Bonjour, Owner"
    page.get_by_role("button", name="EN").click()
    menu = page.get_by_role("navigation", name="Main menu")
    assert page.locator("h1").inner_text() == "Hello, Owner"

    menu.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="+ New contact").click()
    page.get_by_label("Last name").fill("Lambert")
    page.get_by_label("E-mail").fill("not an e-mail")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".errorlist").inner_text() == "Enter a valid email address."

    page.get_by_label("First name").fill("Camille")
    page.get_by_label("E-mail").fill("Camille.Lambert@Exemple.fr")
    page.get_by_label("Tags").fill("salon, vip")
    page.get_by_role("button", name="Save").click()
    assert page.locator("h1").inner_text() == "Camille Lambert"
    assert page.locator(".messages").inner_text() == "Camille Lambert created."

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Job title").fill("Directrice achats")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".messages").inner_text() == "Changes saved."
    assert "Directrice achats" in page.locator("section", has_text="Details").inner_text()
    contact = Contact.objects.get()
    assert (contact.email, contact.job_title, contact.version) == (
        "camille.lambert@exemple.fr",
        "Directrice achats",
        2,
    )

    menu.get_by_role("link", name="Contacts").click()
    # No match: job titles are not searched.
    page.get_by_label("Search", exact=True).fill("directrice")
    page.wait_for_url("**/directory/contacts/?q=directrice")
    assert page.locator("#record-results td.empty").inner_text() == (
        "No records match these filters."
    )
    page.get_by_label("Search", exact=True).fill("lamb")
    page.wait_for_url("**/directory/contacts/?q=lamb")
    rows = page.locator("#record-results tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("a").inner_text() == "Camille Lambert"
    rows.first.locator("a").click()
    assert page.locator("h1").inner_text() == "Camille Lambert"
