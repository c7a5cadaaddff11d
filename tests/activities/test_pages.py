"""Activity pages: the timeline panel on a contact, quick logging, forms per kind, my day."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moyeu.activities.models import Activity
from moyeu.activities.services import activity_create
from moyeu.directory.services import account_create, contact_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(personas: Personas) -> Callable[..., Client]:
    def make(name: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(getattr(personas, name))
        client.cookies["django_language"] = language
        return client

    return make


@pytest.fixture
def contact(personas: Personas) -> Any:
    return contact_create(actor=personas.actor("owner"), values={"last_name": "Martin"})


def test_the_contact_page_loads_its_timeline_panel(
    login: Callable[..., Client], contact: Any
) -> None:
    page = login("owner").get(f"/directory/contacts/{contact.pk}/")
    panel_url = f"/activities/timeline/panel/?record_type=directory.contact&record={contact.pk}"
    assert page.status_code == 200
    assert f'hx-get="{panel_url.replace("&", "&amp;")}"' in page.content.decode()
    panel = login("owner").get(panel_url)
    html = panel.content.decode()
    assert panel.status_code == 200
    assert "Log a call" in html and "Add a note" in html and "Add a task" in html
    assert 'hx-trigger="load"' in html
    assert login("outsider").get(panel_url).status_code == 404


def test_logging_a_call_from_the_panel_shows_it_on_the_timeline(
    login: Callable[..., Client], contact: Any, personas: Personas
) -> None:
    client = login("owner")
    ref = f"directory.contact:{contact.pk}"
    form = client.get("/activities/quick/call/", {"record": ref})
    assert 'name="phone_number"' in form.content.decode()
    saved = client.post(
        f"/activities/quick/call/?record={ref}",
        {
            "subject": "Appel de suivi",
            "direction": "outbound",
            "phone_number": "06 12 34 56 78",
            "outcome": "connected",
            "duration_seconds": "240",
            "links": [ref],
        },
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    assert saved["HX-Retarget"] == "#timeline-panel"
    call = Activity.objects.get()
    assert (call.kind, call.subject, call.phone_number, call.owner_id) == (
        "call",
        "Appel de suivi",
        "+33612345678",
        personas.owner.pk,
    )
    assert [link.as_ref() for link in call.links.all()] == [ref]
    items = client.get("/activities/timeline/", {"record": ref}).content.decode()
    assert "Appel de suivi" in items and "Created" in items
    assert items.index("Appel de suivi") < items.index("Created")  # newest first


def test_a_bad_quick_form_shows_the_error_and_saves_nothing(
    login: Callable[..., Client], contact: Any
) -> None:
    ref = f"directory.contact:{contact.pk}"
    answer = login("owner").post(
        f"/activities/quick/call/?record={ref}",
        {"direction": "outbound", "phone_number": "12", "links": [ref]},
        HTTP_HX_REQUEST="true",
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and "HX-Retarget" not in answer
    assert "Not a valid phone number." in html
    assert Activity.objects.count() == 0


def test_the_timeline_scrolls_page_by_page(
    login: Callable[..., Client], contact: Any, personas: Personas
) -> None:
    ref = f"directory.contact:{contact.pk}"
    start = timezone.now() - datetime.timedelta(days=30)
    for i in range(25):
        activity_create(
            actor=personas.actor("owner"),
            values={
                "kind": "note",
                "subject": f"Note {i:02}",
                "occurred_at": start + datetime.timedelta(hours=i),
                "links": [ref],
            },
        )
    first = login("owner").get("/activities/timeline/", {"record": ref, "kind": "note"})
    html = first.content.decode()
    assert html.count('class="timeline-item"') == 20
    assert 'hx-trigger="revealed"' in html
    more = html.split('class="more" hx-get="')[1].split('"')[0].replace("&amp;", "&")
    second = login("owner").get(more).content.decode()
    assert second.count('class="timeline-item"') == 5 and "revealed" not in second
    assert "Note 00" in second and "Note 24" in html


def test_kind_forms_create_and_edit(login: Callable[..., Client], contact: Any) -> None:
    client = login("owner")
    ref = f"directory.contact:{contact.pk}"
    assert "A meeting" in client.get("/activities/activities/new/").content.decode()
    created = client.post(
        "/activities/activities/new/?kind=task",
        {
            "subject": "Envoyer le devis",
            "due_at": "2026-12-01T09:00",
            "priority": "high",
            "links": [ref],
        },
    )
    task = Activity.objects.get()
    assert (
        created.status_code == 302 and created["Location"] == f"/activities/activities/{task.pk}/"
    )
    assert (task.kind, task.priority, task.status) == ("task", "high", "open")
    detail = client.get(f"/activities/activities/{task.pk}/").content.decode()
    assert "Martin" in detail and "Mark done" in detail
    edited = client.post(
        f"/activities/activities/{task.pk}/edit/",
        {
            "subject": "Envoyer le devis signé",
            "due_at": "2026-12-02T09:00",
            "priority": "high",
            "links": [ref],
            "version": "1",
        },
    )
    assert edited.status_code == 302
    done = client.post(f"/activities/activities/{task.pk}/complete/")
    task.refresh_from_db()
    assert done.status_code == 302 and (task.subject, task.status, task.version) == (
        "Envoyer le devis signé",
        "done",
        3,
    )


def test_my_day_lists_meetings_overdue_and_recent_activity(
    login: Callable[..., Client], contact: Any, personas: Personas
) -> None:
    owner = personas.actor("owner")
    ref = f"directory.contact:{contact.pk}"
    now = timezone.now()
    activity_create(
        actor=owner,
        values={
            "kind": "task",
            "subject": "Relancer Martin",
            "due_at": now - datetime.timedelta(days=2),
            "links": [ref],
        },
    )
    activity_create(
        actor=owner,
        values={
            "kind": "meeting",
            "subject": "Démo produit",
            "occurred_at": timezone.localtime(now).replace(hour=23, minute=0),
            "links": [ref],
        },
    )
    activity_create(
        actor=personas.actor("teammate"),
        values={"kind": "call", "subject": "Appel du collègue", "links": [ref]},
    )
    html = login("owner").get("/activities/my-day/").content.decode()
    assert "Démo produit" in html
    assert "Overdue since" in html and "Relancer Martin" in html
    assert "Appel du collègue" in html


def test_the_account_page_shows_its_contacts_activities(
    login: Callable[..., Client], personas: Personas
) -> None:
    owner = personas.actor("owner")
    account = account_create(actor=owner, values={"name": "Boulangerie Martin"})
    jeanne = contact_create(actor=owner, values={"last_name": "Martin", "account": account.pk})
    activity_create(
        actor=owner,
        values={
            "kind": "call",
            "subject": "Appel Jeanne",
            "links": [f"directory.contact:{jeanne.pk}"],
        },
    )
    html = (
        login("owner")
        .get("/activities/timeline/", {"record": f"directory.account:{account.pk}"})
        .content.decode()
    )
    assert "Appel Jeanne" in html
    assert f'href="/directory/contacts/{jeanne.pk}/"' in html
