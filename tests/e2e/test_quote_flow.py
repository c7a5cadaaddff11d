"""A sales rep builds a quote from the catalogue, sends it; the customer accepts it from the
signed link, without an account; the rep sees the order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from moyeu.sales.models import Order
from tests.personas import PASSWORD, make_personas
from tests.sales.helpers import make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("MOYEU_SCREENSHOTS")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_build_send_accept_from_the_link_and_see_the_order(
    page: Any, browser: Any, live_server: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_URL = live_server.url
    world = make_world(make_personas())
    year = timezone.localdate().year
    page.goto("/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    page.get_by_role("button", name="EN").click()

    page.goto("/sales/quotes/new/")
    page.get_by_label("Account").select_option(label="Boulangerie Martin")
    page.get_by_label("Contact").select_option(label="Jeanne Martin")
    page.get_by_label("Title").fill("Équipement du magasin")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/sales/quotes/*/")

    form = page.locator("form.line-form")
    form.get_by_label("Product").select_option(label="LIC — Licence annuelle")
    form.get_by_label("Quantity").fill("3")
    form.get_by_role("button", name="Add line").click()
    form = page.locator("form.line-form")
    form.get_by_label("Description").fill("Pièce détachée")
    form.get_by_label("Quantity").fill("3")
    form.get_by_label("Unit price").fill("0.335")
    form.get_by_role("button", name="Add line").click()
    assert page.locator(".quote-lines .why").first.inner_text() == "Catalogue price."
    assert page.locator("[data-total=excl]").inner_text() == "€301.01"
    assert page.locator("[data-total=incl]").inner_text() == "€361.21"
    _shot(page, "quote-draft")

    send = page.locator("form[action$='/send/']")
    assert send.get_by_label("To").input_value() == "jeanne@boulangerie.example"
    send.get_by_label("Message").fill("Bonjour Jeanne, voici notre proposition.")
    send.get_by_role("button", name="Send by e-mail").click()
    assert page.locator("[data-status]").inner_text() == "Sent"
    assert page.locator("h1").inner_text().startswith(f"DEV-{year}-00001")
    link = page.locator("#answer-link").input_value()
    (sent,) = mail.outbox
    assert link in sent.body and sent.attachments[0][0] == f"DEV-{year}-00001.pdf"
    _shot(page, "quote-sent")

    customer = browser.new_context(viewport={"width": 1024, "height": 900})
    customer.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    answer = customer.new_page()
    answer.set_default_timeout(10_000)
    answer.goto(link)
    assert answer.locator("h1").inner_text() == f"Quote DEV-{year}-00001"
    answer.get_by_role("button", name="Accept the quote").click()
    assert answer.locator(".errorlist").first.inner_text() == "This field is required."
    answer.get_by_label("Your name").fill("Jeanne Martin")
    answer.get_by_role("button", name="Accept the quote").click()
    assert (
        answer.locator("[data-answer=accepted]")
        .inner_text()
        .startswith("Accepted by Jeanne Martin on")
    )
    _shot(answer, "quote-answer-accepted")
    customer.close()

    page.reload()
    assert page.locator("[data-status]").inner_text() == "Accepted"
    page.locator("a[data-order]").click()
    page.wait_for_url("**/sales/orders/*/")
    assert page.locator("h1").inner_text() == f"Order CMD-{year}-00001"
    assert page.locator("[data-status]").inner_text() == "Confirmed"
    _shot(page, "order")
    page.get_by_role("button", name="Mark delivered").click()
    assert page.locator("[data-status]").inner_text() == "Delivered"
    assert Order.objects.get().status == "delivered"
    page.goto(f"/directory/accounts/{world.account.pk}/")
    panel = page.locator("#timeline-panel")
    panel.get_by_text(f"Order CMD-{year}-00001: delivered").wait_for()  # loaded by htmx
    assert panel.get_by_text(f"Quote DEV-{year}-00001: accepted").count() == 1
    _shot(page, "account-timeline")
