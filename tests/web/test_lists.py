"""List pages: visibility, search, filters (incl. custom fields), sort, pages, htmx fragments."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from moyeu.core.services.custom_fields import custom_field_create
from moyeu.directory.services import account_create, contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db

Login = Callable[..., Client]


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(row) for row in response.context["page"].rows]


@pytest.fixture
def contacts(personas: Personas) -> None:
    admin = personas.actor("admin")
    custom_field_create(
        actor=admin,
        record_type="directory.contact",
        name="level",
        label="Level",
        type="choice",
        choices=["gold", "silver"],
    )
    custom_field_create(
        actor=admin, record_type="directory.contact", name="seats", label="Seats", type="number"
    )
    owner = personas.actor("owner")
    acme = account_create(actor=owner, values={"name": "Acme Lyon"})
    contact_create(
        actor=owner,
        values={"first_name": "Jeanne", "last_name": "Martin", "account_id": acme.pk},
        custom={"level": "gold", "seats": 12},
        tags=["vip"],
    )
    contact_create(
        actor=owner,
        values={"first_name": "Paul", "last_name": "Durand", "email": "paul@durand.example"},
        custom={"level": "silver"},
    )
    contact_create(actor=personas.actor("teammate"), values={"last_name": "Bernard"})
    contact_create(actor=personas.actor("outsider"), values={"last_name": "Secret"})


def test_list_shows_only_visible_records_sorted_by_name(login: Login, contacts: None) -> None:
    response = login("owner").get("/directory/contacts/")
    assert response.status_code == 200
    assert names(response) == ["Bernard", "Paul Durand", "Jeanne Martin"]
    assert names(login("outsider").get("/directory/contacts/")) == ["Secret"]


def test_search_matches_each_word_in_names_emails_and_account(login: Login, contacts: None) -> None:
    client = login("owner")
    assert names(client.get("/directory/contacts/?q=mart")) == ["Jeanne Martin"]
    assert names(client.get("/directory/contacts/?q=durand.example")) == ["Paul Durand"]
    assert names(client.get("/directory/contacts/?q=acme")) == ["Jeanne Martin"]
    assert names(client.get("/directory/contacts/?q=jeanne+durand")) == []


def test_filters_on_fields_tags_and_custom_fields(
    login: Login, contacts: None, personas: Personas
) -> None:
    client = login("owner")
    assert names(client.get("/directory/contacts/?tag=vip")) == ["Jeanne Martin"]
    assert names(client.get(f"/directory/contacts/?owner={personas.teammate.pk}")) == ["Bernard"]
    assert names(client.get("/directory/contacts/?cf.level=silver")) == ["Paul Durand"]
    assert names(client.get("/directory/contacts/?cf.seats=12")) == ["Jeanne Martin"]


def test_bad_filter_values_show_an_error_and_no_rows(login: Login, contacts: None) -> None:
    client = login("owner")
    response = client.get("/directory/contacts/?cf.seats=many")
    assert names(response) == []
    assert response.context["state"].errors == ["Seats: Enter a whole number."]
    response = client.get("/directory/contacts/?account=not-a-uuid")
    assert names(response) == []
    assert response.context["state"].errors == ["A filter value is not valid."]


def test_sort_by_column_both_ways_and_unknown_sort_is_ignored(login: Login, contacts: None) -> None:
    client = login("owner")
    assert names(client.get("/directory/contacts/?sort=-last_name")) == [
        "Jeanne Martin",
        "Paul Durand",
        "Bernard",
    ]
    assert names(client.get("/directory/contacts/?sort=email"))[-1] == "Paul Durand"
    response = client.get("/directory/contacts/?sort=password")
    assert response.context["state"].sort == ""
    assert names(response) == ["Bernard", "Paul Durand", "Jeanne Martin"]


def test_columns_can_be_chosen_including_custom_fields(login: Login, contacts: None) -> None:
    response = login("owner").get("/directory/contacts/?col=last_name&col=custom.level")
    assert [c.name for c in response.context["state"].columns] == ["last_name", "custom.level"]
    html = response.content.decode()
    assert "<td>gold</td>" in html
    assert "<td>silver</td>" in html


def test_pages_without_counting(login: Login, personas: Personas) -> None:
    owner = personas.actor("owner")
    for number in range(27):
        contact_create(actor=owner, values={"last_name": f"Contact {number:02d}"})
    client = login("owner")
    first = client.get("/directory/contacts/")
    assert (len(first.context["page"].rows), first.context["page"].has_next) == (25, True)
    second = client.get("/directory/contacts/?page=2")
    assert names(second) == ["Contact 25", "Contact 26"]
    assert (second.context["page"].has_previous, second.context["page"].has_next) == (True, False)
    assert 'rel="prev"' in second.content.decode()
    assert names(client.get("/directory/contacts/?page=abc"))[0] == "Contact 00"


def test_htmx_requests_get_only_the_results(login: Login, contacts: None) -> None:
    response = login("owner").get(
        "/directory/contacts/?q=martin", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="record-results"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Jeanne Martin" in html
    assert "Paul Durand" not in html
    assert "HX-Request" in response["Vary"]


def test_users_without_a_directory_role_cannot_open_the_list(
    login: Login, personas: Personas
) -> None:
    from moyeu.identity.services import users

    users.user_update(actor=personas.actor("admin"), user_id=personas.outsider.pk, role_ids=[])
    client = login("outsider")
    assert client.get("/directory/contacts/").status_code == 404
    assert client.get("/directory/contacts/new/").status_code == 404
    assert "/directory/contacts/" not in client.get("/").content.decode()


def test_menu_follows_what_the_user_may_view(login: Login, personas: Personas) -> None:
    owner_html = login("owner").get("/").content.decode()
    assert 'href="/directory/accounts/"' in owner_html
    assert 'href="/identity/tokens/"' in owner_html
    assert 'href="/identity/users/"' not in owner_html
    assert 'href="/jobs/"' not in owner_html
    admin_html = login("admin").get("/").content.decode()
    assert 'href="/identity/users/"' in admin_html
    assert 'href="/identity/roles/"' in admin_html
    assert 'href="/jobs/"' in admin_html


def test_menu_leads_every_user_to_their_imports_and_exports(
    login: Login, personas: Personas
) -> None:
    from moyeu.identity.services import users

    users.user_update(actor=personas.actor("admin"), user_id=personas.outsider.pk, role_ids=[])
    html = login("outsider").get("/").content.decode()
    # A user without any role still has their own data-io pages; the services check the rest.
    assert 'href="/data/imports/"' in html
    assert 'href="/data/exports/"' in html
    assert 'href="/directory/contacts/"' not in html
