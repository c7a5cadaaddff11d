# ruff: noqa: RUF001 - French typography in expected texts
"""A manager imports a CSV of contacts through the pages, in English and in French: upload,
suggested mapping, dry run report, run with progress, errors file, revert.

The background job is run by the worker's own code (claim + execute) inside the test, while
the page polls for progress. With MOYEU_SCREENSHOTS set to a directory, each step is saved as
a PNG there (to look at the pages).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest

from moyeu.core.jobs import claim
from moyeu.core.jobs.runner import execute
from moyeu.core.models import JobStatus
from moyeu.directory.models import AccountContactLink, Contact
from moyeu.directory.services import account_create
from tests.personas import PASSWORD, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FILE = (
    "Prénom;Nom;E-mail;Téléphone;Société;Étiquettes\r\n"
    "Ann;Martin;ann.martin@exemple.fr;06 12 34 56 78;Acme;vip\r\n"
    "Bob;Durand;not an e-mail;;;\r\n"
    "Cy;Petit;cy.petit@exemple.fr;;Nowhere;\r\n"
    "Dee;Roux;dee.roux@exemple.fr;01 42 00 00 00;73282932000074;salon, vip\r\n"
).encode()

TEXT = {
    "en": {
        "username": "Username",
        "password": "Password",
        "upload": "Upload",
        "check": "Check (dry run)",
        "run": "Run the import",
        "created": "Created",
        "rejected": "Rejected",
        "download": "Download the rejected and skipped rows (CSV)",
        "revert": "Revert this import",
        "counts": "2 created, 0 updated, 0 skipped, 2 rejected",
        "reverted": "reverted (2 rows)",
        "bad_email": "Not a valid e-mail address",
        "no_account": (
            "No account you can see has the SIRET, SIREN, id in another system or name “Nowhere”."
        ),
        "errors_header": ["line", "outcome", "column", "message"],
    },
    "fr": {
        "username": "Identifiant",
        "password": "Mot de passe",
        "upload": "Déposer",
        "check": "Vérifier (essai à blanc)",
        "run": "Lancer l’import",
        "created": "Créée",
        "rejected": "Rejetée",
        "download": "Télécharger les lignes rejetées et ignorées (CSV)",
        "revert": "Annuler cet import",
        "counts": "2 créées, 0 mises à jour, 0 ignorées, 2 rejetées",
        "reverted": "annulé (2 lignes)",
        "bad_email": "Adresse e-mail non valable",
        "no_account": (
            "Aucun compte visible pour vous n’a le SIRET, le SIREN, l’identifiant dans un autre"
            " système ou le nom « Nowhere »."
        ),
        "errors_header": ["ligne", "résultat", "colonne", "message"],
    },
}


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("MOYEU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _run_next_job() -> None:
    job = claim.claim_next("e2e-worker", ["imports"], lease_seconds=60)
    assert job is not None
    assert execute(job, "e2e-worker") == JobStatus.SUCCESSFUL


@pytest.mark.parametrize("language", ["en", "fr"])
def test_upload_map_dry_run_run_download_errors_and_revert(
    page: Any, live_server: Any, language: str
) -> None:
    text = TEXT[language]
    personas = make_personas()
    acme = account_create(
        actor=personas.actor("admin"),
        values={
            "name": "Acme",
            "siret": "73282932000074",
            "owner_id": personas.manager.pk,
            "team_id": personas.sales.pk,
        },
    )
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto("/login/")
    page.get_by_label(text["username"]).fill("manager")
    page.get_by_label(text["password"]).fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/")
    if language == "en":
        page.get_by_role("button", name="EN").click()

    page.goto("/data/imports/")
    _shot(page, f"{language}-1-imports")
    page.locator("select[name=record_type]").select_option("directory.contact")
    page.locator("input[name=file]").set_input_files(
        {"name": "contacts.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    page.get_by_role("button", name=text["upload"]).click()
    page.wait_for_url("**/data/imports/*/")
    _shot(page, f"{language}-2-mapping")
    # Suggested from the French headers.
    chosen = {
        header: page.get_by_label(header, exact=True).input_value()
        for header in ("Prénom", "Nom", "E-mail", "Téléphone", "Société", "Étiquettes")
    }
    assert chosen == {
        "Prénom": "first_name",
        "Nom": "last_name",
        "E-mail": "email",
        "Téléphone": "phone",
        "Société": "account",
        "Étiquettes": "tags",
    }

    page.get_by_role("button", name=text["check"]).click()
    rows = page.locator(".card", has=page.get_by_role("button", name=text["run"])).locator(
        "tbody tr"
    )
    assert rows.count() == 4
    outcomes = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(4)]
    assert outcomes == [text["created"], text["rejected"], text["rejected"], text["created"]]
    assert rows.nth(1).locator("td").nth(2).inner_text().startswith(f"E-mail: {text['bad_email']}")
    assert rows.nth(2).locator("td").nth(2).inner_text().strip() == f"Société: {text['no_account']}"
    _shot(page, f"{language}-3-dry-run")
    assert Contact.objects.count() == 0

    page.get_by_role("button", name=text["run"]).click()
    progress = page.locator("#import-progress")
    assert progress.is_visible()
    _shot(page, f"{language}-4-queued")
    _run_next_job()
    # The progress fragment polls; when the import is done the page reloads with the result.
    result = page.locator("section[aria-labelledby=result-title]")
    result.get_by_text(text["counts"]).wait_for()
    assert not page.get_by_role("button", name=text["run"]).is_visible()
    _shot(page, f"{language}-5-result")
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == ["Martin", "Roux"]
    assert list(AccountContactLink.objects.values_list("account_id", flat=True)) == [
        acme.pk,
        acme.pk,
    ]

    with page.expect_download() as download:
        page.get_by_role("link", name=text["download"]).click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[0] == [
        *text["errors_header"],
        "Prénom",
        "Nom",
        "E-mail",
        "Téléphone",
        "Société",
        "Étiquettes",
    ]
    assert [line[:3] for line in lines[1:]] == [
        ["3", "rejected", "E-mail"],
        ["4", "rejected", "Société"],
    ]
    assert lines[2][3] == text["no_account"]
    assert lines[2][4:] == ["Cy", "Petit", "cy.petit@exemple.fr", "", "Nowhere", ""]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=text["revert"]).click()
    _run_next_job()
    result.get_by_text(text["reverted"]).wait_for()
    _shot(page, f"{language}-6-reverted")
    assert Contact.objects.count() == 0
    assert AccountContactLink.objects.count() == 0
