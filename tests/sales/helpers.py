"""Building quotes for tests, through the services as users would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moyeu.core.context import Actor
from moyeu.directory.services import account_create, contact_create
from moyeu.sales import services
from moyeu.sales.models import Product, Quote, TaxRate
from tests.personas import Personas
from tests.sales.conftest import grant_catalogue


@dataclass
class World:
    owner: Actor
    account: Any
    contact: Any
    licence: Product  # 100.00 EUR, VAT 20 %
    book: Product  # 12.49 EUR, VAT 5.5 %

    def quote(self, *lines: dict[str, Any], **values: Any) -> Quote:
        return services.quote_create(
            actor=self.owner,
            values={
                "account": self.account.pk,
                "contact": self.contact.pk,
                "title": "Équipement",
                "lines": list(lines) or [{"product": self.licence.pk, "quantity": "2"}],
                **values,
            },
        )


def rate(percent: str) -> TaxRate:
    services.ensure_default_tax_rates()
    return TaxRate.objects.get(rate=percent)


def make_world(personas: Personas) -> World:
    grant_catalogue(personas, "manager")
    manager, owner = personas.actor("manager"), personas.actor("owner")
    licence = services.product_create(
        actor=manager, values={"code": "LIC", "name": "Licence annuelle", "unit_price": "100"}
    )
    book = services.product_create(
        actor=manager,
        values={
            "code": "LIVRE",
            "name": "Manuel",
            "unit_price": "12.49",
            "tax_rate": rate("5.50").pk,
        },
    )
    account = account_create(actor=owner, values={"name": "Boulangerie Martin"})
    contact = contact_create(
        actor=owner,
        values={
            "first_name": "Jeanne",
            "last_name": "Martin",
            "account": account.pk,
            "email": "jeanne@boulangerie.example",
        },
    )
    return World(owner, account, contact, licence, book)
