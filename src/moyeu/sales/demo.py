"""Demo sales data: the company's details, a catalogue with price lists and customer
conditions, and quotes at every stage (draft, sent, accepted with its order, declined).

Runs after the directory's loader; finds the demo accounts by their external ids through the
registry (this module does not import the directory's models), creates everything through
the sales services under the external ids ``demo:<key>``, and only what is missing: running
it twice changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from moyeu.core.context import Actor
from moyeu.core.demo import DEMO_SYSTEM
from moyeu.core.registry import registry
from moyeu.core.services.records import find_by_external_id
from moyeu.sales import demo_opportunities, services
from moyeu.sales.models import CustomerCondition, PriceList, Product, Quote, TaxRate

COMPANY = {
    "legal_name": "Moyeu Démo SAS",
    "legal_form": "SAS au capital de 50 000 €",
    "address": "12 rue de la République",
    "postcode": "69002",
    "city": "Lyon",
    "country": "FR",
    "siren": "732829320",
    "vat_number": "FR44732829320",
    "email": "contact@moyeu-demo.example",
    "phone": "+33 4 78 00 00 00",
    "website": "https://moyeu-demo.example",
    "quote_terms": (
        "Paiement à 30 jours fin de mois. Pénalités de retard : trois fois le taux d'intérêt "
        "légal ; indemnité forfaitaire pour frais de recouvrement : 40 €."
    ),
}

# code, name, kind, unit, unit price, VAT rate (percent)
PRODUCTS = [
    ("LIC-PRO", "Licence Moyeu Pro (un an)", "service", "licence", "1200", "20.00"),
    ("LIC-EQUIPE", "Licence équipe (par mois)", "service", "month", "45", "20.00"),
    ("FORM-J", "Formation sur site (journée)", "service", "day", "950", "20.00"),
    ("INSTALL", "Installation et paramétrage", "service", "hour", "85", "20.00"),
    ("GUIDE", "Guide de l'utilisateur imprimé", "product", "unit", "12.49", "5.50"),
    ("BORNE", "Borne d'accueil tactile", "product", "unit", "1490", "20.00"),
]

# key, name, currency, segment, {code: price}
PRICE_LISTS = [
    ("tarif-public", "Tarif public 2026", "EUR", "", {"LIC-PRO": "1150", "FORM-J": "900"}),
    (
        "grands-comptes",
        "Grands comptes 2026",
        "EUR",
        "Grands comptes",
        {"LIC-PRO": "990", "LIC-EQUIPE": "39", "FORM-J": "850"},
    ),
    (
        "suisse",
        "Tarif Suisse 2026",
        "CHF",
        "",
        {"LIC-PRO": "1190", "LIC-EQUIPE": "45", "FORM-J": "990", "INSTALL": "95"},
    ),
]


def _account(key: str) -> Any:
    model = registry.record_model("directory.account")
    return find_by_external_id(model, DEMO_SYSTEM, f"account-{key}") if model else None


def _catalogue(actor: Actor) -> dict[str, Product]:
    services.ensure_default_tax_rates()
    rates = {str(rate.rate): rate.pk for rate in TaxRate.objects.all()}
    products: dict[str, Product] = {}
    for code, name, kind, unit, price, rate in PRODUCTS:
        found = Product.objects.filter(code=code).first()
        products[code] = found or services.product_create(
            actor=actor,
            values={
                "code": code,
                "name": name,
                "kind": kind,
                "unit": unit,
                "unit_price": price,
                "tax_rate": rates[rate],
            },
            external_ids={DEMO_SYSTEM: f"product-{code}"},
        )
    for key, name, currency, segment, prices in PRICE_LISTS:
        if find_by_external_id(PriceList, DEMO_SYSTEM, f"price-list-{key}") is None:
            services.price_list_create(
                actor=actor,
                values={
                    "name": name,
                    "currency": currency,
                    "segment": segment,
                    "valid_from": "2026-01-01",
                    "valid_until": "2026-12-31",
                    "items": [
                        {"product": products[c].pk, "unit_price": p} for c, p in prices.items()
                    ],
                },
                external_ids={DEMO_SYSTEM: f"price-list-{key}"},
            )
    return products


def _conditions(actor: Actor, products: dict[str, Product]) -> None:
    wanted: list[tuple[str, str, dict[str, Any]]] = [
        (
            "soieries",
            "soieries-bellecour",
            {
                "product": products["LIC-PRO"].pk,
                "unit_price": "950",
                "note": "Prix négocié au renouvellement 2026",
            },
        ),
        ("conserverie", "conserverie-erdre", {"discount_percent": "8", "note": "Remise fidélité"}),
    ]
    for key, account_key, values in wanted:
        account = _account(account_key)
        if account is None or find_by_external_id(
            CustomerCondition, DEMO_SYSTEM, f"condition-{key}"
        ):
            continue
        services.customer_condition_create(
            actor=actor,
            values={"account": account.pk, **values},
            external_ids={DEMO_SYSTEM: f"condition-{key}"},
        )


def _quote(
    actor: Actor, key: str, account_key: str, title: str, lines: list[dict[str, Any]], stage: str
) -> None:
    account = _account(account_key)
    if account is None or find_by_external_id(Quote, DEMO_SYSTEM, f"quote-{key}"):
        return
    owner = get_user_model().objects.filter(pk=account.owner_id).first()
    as_owner = Actor(user=owner, channel=actor.channel) if owner is not None else actor
    # The account's first contact (its people, through the directory's reverse relation).
    contact_id = account.contact_links.order_by("id").values_list("contact_id", flat=True).first()
    quote = services.quote_create(
        actor=as_owner,
        values={
            "account": account.pk,
            "contact": contact_id,
            "title": title,
            "lines": lines,
            "owner": account.owner_id,
            "team": account.team_id,
        },
        external_ids={DEMO_SYSTEM: f"quote-{key}"},
    )
    if stage == "draft":
        return
    services.quote_issue(actor=as_owner, quote_id=quote.pk)
    if stage == "accepted":
        services.quote_accept(actor=as_owner, quote_id=quote.pk)
    elif stage == "declined":
        services.quote_decline(actor=as_owner, quote_id=quote.pk, reason="Budget reporté")


def load(actor: Actor) -> None:
    if services.company_profile().version == 0 or not services.company_profile().legal_name:
        services.company_update(actor=actor, values=COMPANY)
    products = _catalogue(actor)
    _conditions(actor, products)
    p = {code: product.pk for code, product in products.items()}
    _quote(
        actor,
        "1",
        "soieries-bellecour",
        "Renouvellement des licences",
        [
            {"product": p["LIC-PRO"], "quantity": "12"},
            {"product": p["FORM-J"], "quantity": "2"},
            {"product": p["GUIDE"], "quantity": "12"},
        ],
        "accepted",
    )
    _quote(
        actor,
        "2",
        "conserverie-erdre",
        "Équipement de l'accueil",
        [
            {"product": p["BORNE"], "quantity": "2"},
            {"product": p["INSTALL"], "quantity": "6"},
            {"description": "Déplacement Nantes", "quantity": "1", "unit_price": "180"},
        ],
        "sent",
    )
    _quote(
        actor,
        "3",
        "laboratoires-rhodanie",
        "Découverte de Moyeu",
        [{"product": p["LIC-EQUIPE"], "quantity": "24"}, {"product": p["FORM-J"], "quantity": "1"}],
        "draft",
    )
    _quote(
        actor,
        "4",
        "filatures-flandres",
        "Formation des équipes",
        [{"product": p["FORM-J"], "quantity": "3"}],
        "declined",
    )
    # Pipelines and opportunities (moyeu.sales.demo_opportunities).
    demo_opportunities.load(actor)
