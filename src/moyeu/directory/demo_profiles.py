"""The demo companies' registration details: activity, size, street address, group.

SIREN, SIRET and VAT numbers are not listed: :mod:`moyeu.directory.demo_identifiers` makes
them from each company's key with valid check digits, so they belong to no real company.
"""

from __future__ import annotations

from typing import NamedTuple


class DemoProfile(NamedTuple):
    industry: str  # NAF rév. 2 code
    size_band: str
    street: str
    postcode: str
    parent: str = ""  # key of the group's head account


PROFILES: dict[str, DemoProfile] = {
    "soieries-bellecour": DemoProfile("13.20Z", "20-49", "18 rue de la Charité", "69002"),
    "laboratoires-rhodanie": DemoProfile("21.20Z", "100-199", "7 avenue Tony Garnier", "69007"),
    "conserverie-erdre": DemoProfile("10.20Z", "50-99", "4 quai de Versailles", "44000"),
    "atelier-ile-de-nantes": DemoProfile(
        "74.10Z", "6-9", "12 boulevard Léon Bureau", "44200", parent="conserverie-erdre"
    ),
    "filatures-flandres": DemoProfile("13.10Z", "100-199", "25 rue de l'Épeule", "59100"),
    "transports-wazemmes": DemoProfile("49.41A", "20-49", "61 rue des Sarrazins", "59000"),
    "chocolaterie-sablon": DemoProfile("10.82Z", "10-19", "Rue des Minimes 14", "1000"),
    "marolles-design": DemoProfile("74.10Z", "3-5", "Rue Haute 152", "1000"),
    "horlogerie-plainpalais": DemoProfile("26.52Z", "20-49", "Rue de Carouge 40", "1205"),
    "fiduciaire-leman": DemoProfile("69.20Z", "10-19", "Avenue de la Gare 12", "1003"),
    "ceramiques-gracia": DemoProfile("23.41Z", "10-19", "Carrer de Verdi 88", "08012"),
    "tallers-poblenou": DemoProfile(
        "25.62B", "6-9", "Carrer de Pujades 120", "08005", parent="ceramiques-gracia"
    ),
    "domaine-graves": DemoProfile("11.02B", "10-19", "3 chemin de Couhins", "33140"),
    "imprimerie-kleber": DemoProfile("18.12Z", "20-49", "9 rue du Faubourg National", "67000"),
    "tessitura-navigli": DemoProfile("13.20Z", "50-99", "Via Vigevano 31", "20144"),
    "aero-composites-occitanie": DemoProfile(
        "30.30Z", "200-249", "14 avenue Didier Daurat", "31400"
    ),
}

# Accounts a demo person also works with, besides their own: (key, first, last) -> (key, role)
OTHER_LINKS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("soieries-bellecour", "Élodie", "Chevalier"): ("fiduciaire-leman", "Correspondante"),
    ("conserverie-erdre", "Yann", "Le Goff"): ("atelier-ile-de-nantes", "Administrateur"),
    ("ceramiques-gracia", "Jordi", "Puig"): ("tallers-poblenou", "Administrador"),
}

LANGUAGES = {"FR": "fr", "BE": "fr", "CH": "fr", "ES": "es", "IT": "it", "DE": "de"}
