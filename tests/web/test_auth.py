"""Signing in and out, the rate-limit message, and the language applied at sign-in."""

from __future__ import annotations

import pytest
from django.test import Client

from moyeu.identity.services import users
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def english_client() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_pages_need_a_signed_in_user() -> None:
    response = english_client().get("/directory/contacts/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/directory/contacts/"


def test_sign_in_redirects_home_and_applies_the_users_language(personas: Personas) -> None:
    users.user_update(actor=personas.actor("admin"), user_id=personas.owner.pk, language="en")
    client = Client()
    response = client.post("/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"
    home = client.get("/")
    assert home.status_code == 200
    assert "Hello, Owner" in home.content.decode()


def test_french_is_the_language_of_a_user_who_keeps_the_default(personas: Personas) -> None:
    client = english_client()
    response = client.post("/login/", {"username": "teammate", "password": PASSWORD})
    assert response.cookies["django_language"].value == "fr"
    assert "Bonjour, Teammate" in client.get("/").content.decode()


def test_wrong_password_shows_the_generic_error(personas: Personas) -> None:
    response = english_client().post("/login/", {"username": "owner", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]
    assert "_auth_user_id" not in response.wsgi_request.session


def test_rate_limited_account_gets_a_clear_message(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MOYEU_LOGIN_RATE = 2
    client = english_client()
    for _ in range(2):
        client.post("/login/", {"username": "owner", "password": "wrong"})
    response = client.post("/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Too many failed sign-in attempts. For your security, signing in is paused for a few "
        "minutes; try again later."
    ]
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(personas: Personas) -> None:
    client = english_client()
    client.force_login(personas.owner)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/")["Location"] == "/login/?next=/"


def test_sign_out_needs_a_post(personas: Personas) -> None:
    client = english_client()
    client.force_login(personas.owner)
    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200
