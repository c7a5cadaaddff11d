"""The directory demo: valid identifiers, typed channels, groups and links; loads once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from stdnum.eu import vat
from stdnum.fr import siren, siret

from moyeu.directory.demo_identifiers import demo_siren, demo_siret, demo_vat
from moyeu.directory.models import (
    Account,
    AccountContactLink,
    AccountPhone,
    Address,
    Contact,
    ContactEmail,
    ContactPhone,
)

pytestmark = pytest.mark.django_db


def test_demo_identifiers_have_valid_check_digits() -> None:
    assert (demo_siren("x"), demo_siret("x")) == (demo_siren("x"), demo_siret("x"))
    assert siren.is_valid(demo_siren("soieries-bellecour"))
    assert siret.is_valid(demo_siret("soieries-bellecour"))
    assert demo_siret("soieries-bellecour")[:9] == demo_siren("soieries-bellecour")
    for country in ("FR", "BE", "ES", "IT"):
        assert vat.is_valid(demo_vat("soieries-bellecour", country)), country
    assert demo_vat("horlogerie-plainpalais", "CH") == ""


def test_demo_directory_is_complete_and_idempotent() -> None:
    call_command("load_demo", stdout=io.StringIO())
    before = (
        Account.objects.count(),
        Contact.objects.count(),
        AccountContactLink.objects.count(),
        ContactPhone.objects.count(),
    )
    call_command("load_demo", stdout=io.StringIO())
    after = (
        Account.objects.count(),
        Contact.objects.count(),
        AccountContactLink.objects.count(),
        ContactPhone.objects.count(),
    )
    assert before == after == (16, 52, 52, 101)
    bellecour = Account.objects.get(name="Soieries Bellecour")
    assert (bellecour.industry, bellecour.size_band, bellecour.postcode) == (
        "13.20Z",
        "20-49",
        "69002",
    )
    assert siren.is_valid(bellecour.siren) and bellecour.siret.startswith(bellecour.siren)
    assert bellecour.vat_number == f"FR{siren.to_tva(bellecour.siren)}"
    assert bellecour.phone_e164 == "+33472411830"
    atelier = Account.objects.get(name="Atelier Île de Nantes")
    assert atelier.parent is not None and atelier.parent.name == "Conserverie de l'Erdre"
    assert Address.objects.filter(account__isnull=False).count() == 16
    assert AccountPhone.objects.filter(e164="").count() == 0
    elodie = Contact.objects.get(first_name="Élodie", last_name="Chevalier")
    assert (elodie.language, elodie.account_id) == ("fr", bellecour.pk)
    assert list(elodie.account_links.values_list("account__name", "role", "is_primary")) == [
        ("Soieries Bellecour", "Comptable", True),
        ("Fiduciaire du Léman Sàrl", "Correspondante", False),
    ]
    assert elodie.phone_e164.startswith("+336")
    independent = Contact.objects.get(last_name="Hoffmann")
    assert independent.phone_e164.startswith("+4915")
    assert list(
        ContactEmail.objects.filter(contact=independent).values_list("kind", flat=True)
    ) == [
        "work",
        "personal",
    ]
