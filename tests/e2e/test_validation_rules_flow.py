"""An administrator adds a validation rule; a sales rep's contact form then enforces it."""

from __future__ import annotations

from typing import Any

import pytest

from moyeu.core.models import ValidationRule
from moyeu.directory.models import Contact
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    page.get_by_role("button", name="EN").click()


def test_admin_adds_a_rule_that_the_contact_form_enforces(page: Any) -> None:
    make_personas()
    sign_in(page, "admin")
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Validation rules"
    ).click()
    page.locator("section", has_text="Contact").get_by_role("link", name="+ New rule").click()
    page.locator("#id_field").select_option("email")
    page.locator("#id_kind").select_option("required_when")
    page.get_by_label("When this field").select_option("job_title")
    page.get_by_label("Message in English").fill("A buyer needs an e-mail address.")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".messages").inner_text() == "Validation rule created."
    rule = ValidationRule.objects.get()
    assert (rule.field, rule.kind, rule.condition_field) == ("email", "required_when", "job_title")

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    sign_in(page, "owner")
    page.goto("/directory/contacts/new/")
    page.get_by_label("Last name").fill("Lambert")
    page.get_by_label("Job title").fill("Acheteuse")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".errorlist").inner_text() == "A buyer needs an e-mail address."
    assert Contact.objects.count() == 0
    page.locator("#id_email").fill("c.lambert@exemple.fr")
    page.get_by_role("button", name="Save").click()
    assert page.locator("h1").inner_text() == "Lambert"
    assert Contact.objects.get().email == "c.lambert@exemple.fr"
