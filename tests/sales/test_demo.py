"""The sales demo: a catalogue, conditions and quotes at every stage, loaded twice."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from moyeu.sales.models import CompanyProfile, CustomerCondition, Order, PriceList, Product, Quote

pytestmark = pytest.mark.django_db


def test_the_demo_loads_quotes_at_every_stage_and_twice_is_once() -> None:
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    year = timezone.localdate().year
    assert (
        Product.objects.count(),
        PriceList.objects.count(),
        CustomerCondition.objects.count(),
    ) == (6, 3, 2)
    stages = dict(Quote.objects.values_list("title", "status"))
    assert stages == {
        "Renouvellement des licences": "accepted",
        "Équipement de l'accueil": "sent",
        "Découverte de Moyeu": "draft",
        "Formation des équipes": "declined",
    }
    renewal = Quote.objects.get(title="Renouvellement des licences")
    licence = renewal.lines.get(product__code="LIC-PRO")
    assert (licence.unit_price, licence.pricing_source) == (950, "customer_price")
    assert renewal.owner.username == "thomas"
    assert Order.objects.get().number == f"CMD-{year}-00001"
    assert CompanyProfile.objects.get().legal_name == "Moyeu Démo SAS"
