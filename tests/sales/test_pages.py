"""The sales pages as people use them: build a quote, send it, the customer's page, orders."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from moyeu.sales import services
from moyeu.sales.models import Order, Quote
from tests.personas import Personas
from tests.sales.helpers import World, make_world

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def world(personas: Personas) -> World:
    return make_world(personas)


def _browser(user: Any) -> Client:
    browser = Client(headers={"Accept-Language": "en"})
    browser.cookies["django_language"] = "en"
    browser.force_login(user)
    return browser


def test_build_send_and_accept_a_quote_through_the_pages(
    world: World, personas: Personas, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    browser = _browser(personas.owner)
    assert browser.get("/sales/quotes/").status_code == 200
    new = browser.get("/sales/quotes/new/")
    assert new.status_code == 200 and b"Boulangerie Martin" in new.content
    created = browser.post(
        "/sales/quotes/new/",
        {
            "account": world.account.pk,
            "contact": world.contact.pk,
            "title": "Fournitures",
            "currency": "EUR",
            "discount_percent": "0",
        },
    )
    quote = Quote.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/sales/quotes/{quote.pk}/"
    bad = browser.post(f"/sales/quotes/{quote.pk}/lines/", {"quantity": "1"})
    assert bad.status_code == 422 and b"Describe the line." in bad.content
    added = browser.post(
        f"/sales/quotes/{quote.pk}/lines/", {"product": world.licence.pk, "quantity": "3"}
    )
    assert added.status_code == 302
    page = browser.get(f"/sales/quotes/{quote.pk}/")
    assert page.status_code == 200
    assert b"Catalogue price." in page.content and "€360.00".encode() in page.content
    pdf = browser.get(f"/sales/quotes/{quote.pk}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(
            f"/sales/quotes/{quote.pk}/send/", {"to": "jeanne@boulangerie.example", "message": ""}
        )
    assert sent.status_code == 302
    quote.refresh_from_db()
    assert (quote.status, quote.number, len(mail.outbox)) == ("sent", f"DEV-{YEAR}-00001", 1)

    customer = Client(headers={"Accept-Language": "en"})
    customer.cookies["django_language"] = "en"
    link = f"/sales/q/{services.answer_token(quote)}/"
    shown = customer.get(link)
    assert shown.status_code == 200 and f"Quote DEV-{YEAR}-00001".encode() in shown.content
    assert customer.get(f"{link}pdf/").content[:5] == b"%PDF-"
    refused = customer.post(link, {"name": "", "answer": "accept"})
    assert refused.status_code == 422 and Quote.objects.get(pk=quote.pk).status == "sent"
    accepted = customer.post(
        link, {"name": "Jeanne Martin", "answer": "accept"}, REMOTE_ADDR="203.0.113.9"
    )
    assert accepted.status_code == 200 and b'data-answer="accepted"' in accepted.content
    again = customer.post(link, {"name": "Jeanne Martin", "answer": "decline"})
    assert b"already answered" in again.content
    order = Order.objects.get()
    assert (order.number, order.status) == (f"CMD-{YEAR}-00001", "confirmed")
    assert customer.get("/sales/q/forged/").status_code == 404

    detail = browser.get(f"/sales/orders/{order.pk}/")
    assert detail.status_code == 200 and b"Mark delivered" in detail.content
    blocked = browser.post(f"/sales/orders/{order.pk}/block/", {"reason": "Acompte"})
    assert blocked.status_code == 302 and Order.objects.get().status == "blocked"
    assert browser.get("/sales/orders/").status_code == 200
    timeline = browser.get(f"/activities/timeline/?record=directory.account:{world.account.pk}")
    assert f"Order CMD-{YEAR}-00001: blocked".encode() in timeline.content
    assert f"Quote DEV-{YEAR}-00001: accepted".encode() in timeline.content


def test_the_catalogue_pages(world: World, personas: Personas) -> None:
    manager = _browser(personas.manager)
    for url in (
        "/sales/products/",
        f"/sales/products/{world.licence.pk}/",
        "/sales/products/new/",
        "/sales/price-lists/",
        "/sales/price-lists/new/",
        "/sales/conditions/",
        "/sales/conditions/new/",
        "/sales/settings/vat-rates/",
    ):
        assert manager.get(url).status_code == 200, url
    made = manager.post(
        "/sales/price-lists/new/", {"name": "Tarif pro", "currency": "EUR", "is_active": "on"}
    )
    assert made.status_code == 302
    price_list = services.price_list_create  # the page called the service
    pk = made["Location"].rstrip("/").rsplit("/", 1)[1]
    priced = manager.post(
        f"/sales/price-lists/{pk}/items/set/",
        {"product": world.licence.pk, "unit_price": "95"},
    )
    assert priced.status_code == 302 and price_list is not None
    assert b"95" in manager.get(f"/sales/price-lists/{pk}/").content
    rep = _browser(personas.owner)
    assert rep.get("/sales/products/new/").status_code == 404  # no administer grant
    assert rep.get("/sales/settings/company/").status_code == 404


def test_company_details_page_for_administrators(personas: Personas) -> None:
    admin = _browser(personas.admin)
    assert admin.get("/sales/settings/company/").status_code == 200
    bad = admin.post("/sales/settings/company/", {"legal_name": "Moyeu SAS", "siren": "123"})
    assert bad.status_code == 422 and b"Not a valid SIREN" in bad.content
    saved = admin.post(
        "/sales/settings/company/",
        {
            "legal_name": "Moyeu SAS",
            "siren": "732 829 320",
            "vat_number": "FR44732829320",
            "country": "FR",
            "version": "0",
        },
    )
    assert saved.status_code == 302
    profile = services.company_profile()
    assert (profile.legal_name, profile.siren, profile.vat_number) == (
        "Moyeu SAS",
        "732829320",
        "FR44732829320",
    )


def test_answers_from_one_address_are_rate_limited(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moyeu.sales.views import public

    monkeypatch.setattr(public, "ANSWER_LIMIT", 2)
    customer = Client()
    for _attempt in range(2):
        assert customer.post("/sales/q/guess/", {"name": "X"}).status_code == 404
    assert customer.post("/sales/q/guess/", {"name": "X"}).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert other.post("/sales/q/guess/", {"name": "X"}).status_code == 404


def test_the_account_page_lists_its_quotes_and_starts_one(world: World, personas: Personas) -> None:
    quote = world.quote()
    browser = _browser(personas.owner)
    panel = browser.get(
        "/sales/panel/", {"record_type": "directory.account", "record": world.account.pk}
    )
    assert panel.status_code == 200
    assert f"/sales/quotes/{quote.pk}/".encode() in panel.content
    assert f"/sales/quotes/new/?account={world.account.pk}".encode() in panel.content
    new = browser.get(f"/sales/quotes/new/?account={world.account.pk}")
    assert f'<option value="{world.account.pk}" selected>'.encode() in new.content
    other = browser.get("/sales/panel/", {"record_type": "sales.product", "record": "x"})
    assert (other.status_code, other.content) == (200, b"")
    outsider = _browser(personas.outsider).get(
        "/sales/panel/", {"record_type": "directory.account", "record": world.account.pk}
    )
    assert outsider.status_code == 404
