"""French by default, English on request, switchable from the header."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_french_by_default() -> None:
    html = Client().get("/login/").content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Connexion</h1>" in html
    assert "Bon retour. Connectez-vous pour retrouver vos clients." in html


def test_language_cookie_switches_to_english() -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get("/login/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html


def test_switcher_sets_the_language_and_returns_to_the_page(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.owner)
    assert "Nouveau contact" in client.get("/directory/contacts/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/directory/contacts/"})
    assert response.status_code == 302
    assert response["Location"] == "/directory/contacts/"
    html = client.get("/directory/contacts/").content.decode()
    assert "+ New contact" in html
    assert "Save this view" in html
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/directory/contacts/"})
    html = client.get("/directory/contacts/").content.decode()
    assert "+ Nouveau contact" in html
    assert "Enregistrer cette vue" in html
    assert "Étiquettes" in html


def test_service_errors_are_translated_in_french(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.owner)
    response = client.post("/directory/contacts/new/", {"first_name": "Jeanne"})
    assert response.status_code == 422
    assert response.context["form"].errors["last_name"] == ["Ce champ est obligatoire."]
    assert "Veuillez corriger les erreurs ci-dessous." in response.content.decode()
