"""Detail, create, edit and delete pages: access, inline errors, version conflicts, audit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from moyeu.core.errors import ValidationFailed
from moyeu.core.models import AuditEntry
from moyeu.core.services.custom_fields import custom_field_create
from moyeu.directory.models import Contact
from moyeu.directory.services import account_create, contact_create, contact_update
from moyeu.directory.views.forms import ContactForm
from tests.personas import Personas

pytestmark = pytest.mark.django_db

Login = Callable[..., Client]


@pytest.fixture
def contact(personas: Personas) -> Contact:
    account = account_create(actor=personas.actor("owner"), values={"name": "Acme"})
    return contact_create(
        actor=personas.actor("owner"),
        values={"first_name": "Jeanne", "last_name": "Martin", "account_id": account.pk},
        tags=["vip"],
        external_ids={"erp": "C-001"},
    )


def test_detail_shows_fields_tags_external_ids_owner_and_history(
    login: Login, contact: Contact
) -> None:
    response = login("owner").get(f"/directory/contacts/{contact.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Jeanne Martin</h1>" in html
    assert '<span class="badge">vip</span>' in html
    assert "<dt>erp</dt><dd><code>C-001</code></dd>" in html
    assert "<dt>Owner</dt><dd>Owner</dd>" in html
    assert "<dt>Team</dt><dd>Ventes Nord</dd>" in html
    assert "<dt>Account</dt><dd>Acme</dd>" in html
    history = response.context["history"]
    assert [str(item.verb) for item in history] == ["created the record"]
    assert ("Account", "—", "Acme") in [(c.field, c.before, c.after) for c in history[0].changes]
    # The timeline panel (moyeu.activities) loads through the record panels.
    timeline = f"/activities/timeline/panel/?record_type=directory.contact&amp;record={contact.pk}"
    assert f'id="timeline-panel" hx-get="{timeline}"' in html


def test_a_record_the_user_cannot_see_is_not_found(login: Login, contact: Contact) -> None:
    client = login("outsider")
    for suffix in ("", "edit/", "delete/"):
        assert client.get(f"/directory/contacts/{contact.pk}/{suffix}").status_code == 404
    assert client.get("/directory/contacts/not-a-uuid/").status_code == 404


def test_change_buttons_only_for_those_allowed(login: Login, contact: Contact) -> None:
    edit_link = f'href="/directory/contacts/{contact.pk}/edit/"'
    assert edit_link in login("owner").get(f"/directory/contacts/{contact.pk}/").content.decode()
    teammate = login("teammate")
    html = teammate.get(f"/directory/contacts/{contact.pk}/").content.decode()
    assert edit_link not in html
    assert f'href="/directory/contacts/{contact.pk}/delete/"' not in html
    assert teammate.get(f"/directory/contacts/{contact.pk}/edit/").status_code == 404
    assert teammate.post(f"/directory/contacts/{contact.pk}/delete/").status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_create_goes_through_the_service(login: Login, personas: Personas) -> None:
    custom_field_create(
        actor=personas.actor("admin"),
        record_type="directory.contact",
        name="since",
        label="Customer since",
        type="date",
    )
    response = login("owner").post(
        "/directory/contacts/new/",
        {
            "first_name": "Paul",
            "last_name": "Durand",
            "email": "Paul@Durand.Example",
            "cf_since": "2024-03-01",
            "tags": "salon, vip",
        },
    )
    created = Contact.objects.get(last_name="Durand")
    assert response.status_code == 302
    assert response["Location"] == f"/directory/contacts/{created.pk}/"
    assert (created.email, created.owner, created.custom) == (
        "paul@durand.example",
        personas.owner,
        {"since": "2024-03-01"},
    )
    assert sorted(t.name for t in created.tags.all()) == ["salon", "vip"]
    assert AuditEntry.objects.get(object_id=created.pk).code == "directory.contact.created"


def test_create_shows_form_and_service_errors_inline(login: Login) -> None:
    client = login("owner")
    response = client.post("/directory/contacts/new/", {"email": "nope"})
    assert response.status_code == 422
    assert response.context["form"].errors == {
        "last_name": ["This field is required."],
        "email": ["Enter a valid email address."],
    }
    response = client.post("/directory/contacts/new/", {"last_name": "Durand", "tags": "x" * 70})
    assert response.status_code == 422
    assert response.context["form"].errors == {"tags": ["A tag has at most 64 characters."]}
    assert 'id="id_tags_error"' in response.content.decode()
    assert Contact.objects.count() == 0


def test_service_error_paths_land_on_their_fields(personas: Personas) -> None:
    custom_field_create(
        actor=personas.actor("admin"),
        record_type="directory.contact",
        name="level",
        label="Level",
        type="choice",
        choices=["gold"],
    )
    form = ContactForm(
        {"last_name": "X"}, actor=personas.actor("owner"), record_type="directory.contact"
    )
    assert form.is_valid()
    form.apply_service_errors(
        ValidationFailed(
            {"custom.level": ["Bad level."], "account_id": ["No such account."], "zip": ["Odd."]}
        )
    )
    assert form.errors == {
        "cf_level": ["Bad level."],
        "account": ["No such account."],
        "__all__": ["zip: Odd."],
    }


def test_edit_saves_and_bumps_the_version(login: Login, contact: Contact) -> None:
    client = login("owner")
    form = client.get(f"/directory/contacts/{contact.pk}/edit/").context["form"]
    assert form.initial["version"] == 1
    assert form.initial["tags"] == "vip"
    response = client.post(
        f"/directory/contacts/{contact.pk}/edit/",
        {"first_name": "Jeanne", "last_name": "Martin-Roux", "tags": "vip", "version": "1"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.last_name, contact.version, contact.account_id) == ("Martin-Roux", 2, None)
    entry = AuditEntry.objects.get(object_id=contact.pk, code="directory.contact.updated")
    assert entry.changes["last_name"] == ["Martin", "Martin-Roux"]


def test_a_stale_edit_shows_a_conflict_and_overwrites_nothing(
    login: Login, contact: Contact, personas: Personas
) -> None:
    contact_update(
        actor=personas.actor("manager"),
        contact_id=contact.pk,
        values={"job_title": "DAF"},
        expected_version=1,
    )
    response = login("owner").post(
        f"/directory/contacts/{contact.pk}/edit/",
        {"last_name": "Mine", "job_title": "Stagiaire", "version": "1"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Someone else changed this record while you were editing it." in html
    assert "Your changes were not saved, so that theirs are not overwritten." in html
    contact.refresh_from_db()
    assert (contact.last_name, contact.job_title, contact.version) == ("Martin", "DAF", 2)


def test_delete_asks_first_then_deletes(login: Login, contact: Contact) -> None:
    client = login("owner")
    confirm = client.get(f"/directory/contacts/{contact.pk}/delete/")
    assert confirm.status_code == 200
    assert 'name="version" value="1"' in confirm.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()
    response = client.post(f"/directory/contacts/{contact.pk}/delete/", {"version": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/directory/contacts/"
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_delete_of_a_changed_record_is_refused(
    login: Login, contact: Contact, personas: Personas
) -> None:
    contact_update(
        actor=personas.actor("owner"), contact_id=contact.pk, values={"job_title": "CFO"}
    )
    response = login("owner").post(f"/directory/contacts/{contact.pk}/delete/", {"version": "1"})
    assert response.status_code == 409
    assert response.context["error"] == (
        "This record was changed by someone else; check it before deleting."
    )
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_account_detail_lists_its_visible_contacts(
    login: Login, contact: Contact, personas: Personas
) -> None:
    account = contact.account
    assert account is not None
    contact_create(
        actor=personas.actor("manager"),
        values={"last_name": "Hidden", "account_id": account.pk, "team_id": personas.sales.pk},
    )
    detail = login("owner").get(f"/directory/accounts/{account.pk}/")
    assert f'hx-get="/directory/accounts/{account.pk}/contacts/"' in detail.content.decode()
    panel = login("owner").get(f"/directory/accounts/{account.pk}/contacts/")
    assert [str(c) for c in panel.context["contacts"]] == ["Jeanne Martin"]
    manager_panel = login("manager").get(f"/directory/accounts/{account.pk}/contacts/")
    assert [str(c) for c in manager_panel.context["contacts"]] == ["Hidden", "Jeanne Martin"]
