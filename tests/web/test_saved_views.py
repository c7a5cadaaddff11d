"""Saved views: save the current filters under a name, reopen, share, delete."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from moyeu.web.models import SavedView
from tests.personas import Personas

pytestmark = pytest.mark.django_db

Login = Callable[..., Client]
SAVE = "/saved-views/directory.contact/save/"


def test_saving_with_htmx_answers_204_and_a_trigger(login: Login, personas: Personas) -> None:
    response = login("owner").post(
        SAVE,
        {"name": "  My  VIPs ", "query": "?tag=vip&sort=-last_name&page=3&q="},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Trigger"] == '{"savedViewsChanged": {}}'
    view = SavedView.objects.get()
    assert (view.user, view.name, view.query, view.is_shared) == (
        personas.owner,
        "My VIPs",
        "tag=vip&sort=-last_name",
        False,
    )


def test_saving_again_under_the_same_name_replaces_the_view(login: Login) -> None:
    client = login("owner")
    client.post(SAVE, {"name": "Mine", "query": "tag=a"}, HTTP_HX_REQUEST="true")
    client.post(SAVE, {"name": "Mine", "query": "tag=b"}, HTTP_HX_REQUEST="true")
    assert list(SavedView.objects.values_list("name", "query")) == [("Mine", "tag=b")]


def test_without_javascript_saving_redirects_to_the_view(login: Login) -> None:
    response = login("owner").post(SAVE, {"name": "Gold", "query": "cf.level=gold"})
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/directory/contacts/?cf.level=gold&view={view.pk}"


def test_a_name_is_required(login: Login) -> None:
    response = login("owner").post(SAVE, {"name": " ", "query": "q=x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["errors"] == ["This field is required."]
    assert SavedView.objects.count() == 0


def test_the_panel_lists_own_and_shared_views_only(login: Login) -> None:
    login("owner").post(SAVE, {"name": "Private", "query": "q=a"}, HTTP_HX_REQUEST="true")
    login("owner").post(
        SAVE, {"name": "Team list", "query": "q=b", "is_shared": "on"}, HTTP_HX_REQUEST="true"
    )
    owner_views = login("owner").get("/directory/contacts/").context["saved_views"]
    assert [v.name for v in owner_views] == ["Private", "Team list"]
    panel = login("teammate").get("/saved-views/directory.contact/")
    assert [v.name for v in panel.context["saved_views"]] == ["Team list"]
    assert 'href="/directory/contacts/?q=b&amp;view=' in panel.content.decode()


def test_only_the_author_deletes_a_view(login: Login) -> None:
    login("owner").post(
        SAVE, {"name": "Shared", "query": "q=a", "is_shared": "on"}, HTTP_HX_REQUEST="true"
    )
    view = SavedView.objects.get()
    assert login("teammate").post(f"/saved-views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.count() == 1
    response = login("owner").post(f"/saved-views/{view.pk}/delete/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert SavedView.objects.count() == 0


def test_unknown_record_type_is_not_found(login: Login) -> None:
    assert login("owner").get("/saved-views/sales.nothing/").status_code == 404
