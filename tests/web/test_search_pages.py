"""The header search box's suggestions and the results page: grouped, linked, inside access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from moyeu.directory.services import account_create, contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db

Login = Callable[..., Client]


@pytest.fixture
def records(personas: Personas) -> dict[str, Any]:
    owner = personas.actor("owner")
    return {
        "jean": contact_create(
            actor=owner, values={"first_name": "Jean", "last_name": "Dupont", "email": "jd@ex.fr"}
        ),
        "marc": contact_create(
            actor=personas.actor("outsider"), values={"first_name": "Marc", "last_name": "Dupond"}
        ),
        "account": account_create(actor=owner, values={"name": "Dupont Industries"}),
    }


def test_every_page_has_the_header_box(login: Login) -> None:
    html = login("owner").get("/").content.decode()
    assert 'id="global-search-q"' in html
    assert 'hx-get="/search/suggestions/"' in html


def test_suggestions_are_grouped_and_link_to_the_records(
    login: Login, records: dict[str, Any]
) -> None:
    html = login("owner").get("/search/suggestions/", {"q": "dup"}).content.decode()
    assert '<h2 id="search-group-account-suggested">Accounts</h2>' in html
    assert '<h2 id="search-group-contact-suggested">Contacts</h2>' in html
    assert f'<a href="/directory/contacts/{records["jean"].id}/">Jean Dupont</a>' in html
    assert f'<a href="/directory/accounts/{records["account"].id}/">Dupont Industries</a>' in html
    assert "Marc Dupond" not in html  # the outsider's contact
    assert html.index("Accounts") < html.index("Contacts")


def test_results_page_and_near_misses(login: Login, records: dict[str, Any]) -> None:
    response = login("outsider").get("/search/", {"q": "dupont"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Results for “dupont”</h1>" in html
    assert f'<a href="/directory/contacts/{records["marc"].id}/">Marc Dupond</a>' in html
    assert '<span class="badge badge-grey">close match</span>' in html
    assert "Jean Dupont" not in html and "Dupont Industries" not in html


def test_more_of_one_kind(personas: Personas, login: Login) -> None:
    for n in range(12):
        contact_create(
            actor=personas.actor("owner"), values={"first_name": f"P{n:02d}", "last_name": "Morel"}
        )
    html = login("owner").get("/search/", {"q": "morel"}).content.decode()
    assert html.count("Morel</a>") == 10
    assert 'href="/search/?q=morel&amp;kinds=contact">All matching contacts</a>' in html
    html = login("owner").get("/search/", {"q": "morel", "kinds": "contact"}).content.decode()
    assert html.count("Morel</a>") == 12
    assert "All matching contacts" not in html


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("x", "Type at least 2 letters or digits."),
        ("x" * 201, "A search has at most 200 characters."),
    ],
)
def test_bad_query_is_an_inline_error(login: Login, q: str, message: str) -> None:
    page = login("owner").get("/search/", {"q": q}).content.decode()
    assert f'<p class="field-error" id="search-page-error">{message}</p>' in page
    assert 'aria-invalid="true"' in page
    box = login("owner").get("/search/suggestions/", {"q": q}).content.decode()
    assert f'<p class="search-message" role="status">{message}</p>' in box


def test_unknown_kind_and_nothing_found(login: Login, records: dict[str, Any]) -> None:
    page = login("owner").get("/search/", {"q": "dup", "kinds": "unicorn"}).content.decode()
    assert (
        "Unknown kind: unicorn. Known kinds: account, activity, contact, document, "
        "opportunity, order, price_list, product, quote." in page
    )
    box = login("owner").get("/search/suggestions/", {"q": "zzzz"}).content.decode()
    assert box.strip() == '<p class="search-message" role="status">Nothing found.</p>'
    assert login("owner").get("/search/suggestions/", {"q": ""}).content.decode().strip() == ""


def test_french(login: Login, records: dict[str, Any]) -> None:
    html = login("owner", "fr").get("/search/", {"q": "dup"}).content.decode()
    assert "<h1>Résultats pour « dup »</h1>" in html
    assert 'placeholder="Rechercher comptes, contacts…"' in html
    html = login("owner", "fr").get("/search/", {"q": "x"}).content.decode()
    assert "Tapez au moins 2 lettres ou chiffres." in html


def test_sign_in_required(client: Client) -> None:
    response = client.get("/search/", {"q": "dup"})
    assert (response.status_code, response.url) == (302, "/login/?next=/search/%3Fq%3Ddup")
