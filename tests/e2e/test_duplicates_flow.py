"""A manager reviews duplicates in French: the clusters view, a whole cluster merged side by
side, then the merge undone. MOYEU_E2E_SHOTS=<dir> keeps screenshots of each page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from moyeu.core.dedup.scan import run_scan
from moyeu.core.models import DuplicateScan, MergeRecord
from moyeu.directory.models import Contact, ContactEmail
from moyeu.directory.services import contact_create
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("MOYEU_E2E_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_merge_a_whole_cluster_in_french_then_undo(page: Any, live_server: Any) -> None:
    personas = make_personas()
    actor = personas.actor("manager")
    base = {"last_name": "Durand", "owner": personas.owner}
    anne = contact_create(
        actor=actor, values={**base, "first_name": "Anne", "email": "anne@acme.fr"}
    )
    annie = contact_create(
        actor=actor,
        values={**base, "first_name": "Annie", "email": "anne@acme.fr", "phone": "0612345678"},
    )
    durand = contact_create(
        actor=actor,
        values={**base, "first_name": "Anne", "email": "anne@acme.com", "phone": "0612345678"},
    )
    run_scan(DuplicateScan.objects.create(record_type="directory.contact").pk)

    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.goto("/login/")
    page.get_by_label("Identifiant").fill("manager")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")

    # The create form warns, in French, that the person may already exist.
    page.goto("/directory/contacts/new/")
    page.locator("#id_last_name").fill("Durand")
    page.locator("#id_email").fill("anne@acme.fr")
    page.locator("#id_first_name").fill("Anne")
    warning = page.locator("#duplicate-warning .alert")
    warning.wait_for()
    assert warning.locator("strong").inner_text() == "Cette fiche existe peut-être déjà :"
    assert "même e-mail" in warning.inner_text()
    _shot(page, "contact-form-fr")
    page.goto("/directory/accounts/new/")
    page.locator("#id_name").fill("Horlogerie Léman")
    page.locator("#id_vat_number").fill("CHE-116.281.710")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Un numéro de TVA suisse se termine par MWST" in page.locator(".errorlist").inner_text()
    _shot(page, "account-form-fr")

    page.goto("/directory/duplicates/")
    assert page.locator("h1").inner_text() == "Doublons possibles"
    _shot(page, "duplicates-pairs-fr")
    page.get_by_role("link", name="Groupes").click()
    cluster = page.locator("section.cluster")
    assert cluster.count() == 1
    assert cluster.locator("h2").inner_text() == "3 fiches"
    _shot(page, "duplicates-clusters-fr")

    cluster.get_by_role("link", name="Tout fusionner…").click()
    assert page.locator("h1").inner_text() == "Fusionner"
    assert page.locator("input[name=survivor]").count() == 3
    _shot(page, "merge-cluster-fr")
    page.locator(f"input[name=survivor][value='{durand.pk}']").check()
    page.locator(f"input[name=field_email][value='{anne.pk}']").check()
    page.get_by_role("button", name="Fusionner").click()
    page.wait_for_url("**/directory/merges/**")
    assert page.locator(".messages").inner_text() == (
        "Fusion faite. Vous pouvez l'annuler depuis cette page."
    )
    _shot(page, "merge-done-fr")
    survivor = Contact.objects.get()
    assert (survivor.pk, survivor.email) == (durand.pk, "anne@acme.fr")
    primary = ContactEmail.objects.get(contact=survivor, is_primary=True)
    assert primary.email == "anne@acme.fr"

    page.get_by_role("button", name="Annuler la fusion").click()
    assert page.locator(".messages").inner_text() == "La fusion a été annulée."
    assert MergeRecord.objects.get().is_undone
    assert sorted(Contact.objects.values_list("pk", flat=True)) == sorted(
        [anne.pk, annie.pk, durand.pk]
    )
    assert Contact.objects.get(pk=durand.pk).email == "anne@acme.com"
