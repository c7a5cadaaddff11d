"""The demo's companies and people: fictitious SMEs in France and nearby Europe.

Every domain ends in ``.example`` (reserved by RFC 2606), so no demo e-mail can ever reach a
real mailbox, whatever a later module does with these contacts.
"""

from __future__ import annotations

from typing import NamedTuple


class DemoAccount(NamedTuple):
    key: str  # external id under the "demo" system
    name: str
    kind: str
    city: str
    country: str
    domain: str
    phone: str
    owner: str  # username of the demo user who owns it
    people: tuple[tuple[str, str, str], ...]  # (first name, last name, job title)


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "soieries-bellecour",
        "Soieries Bellecour",
        "customer",
        "Lyon",
        "FR",
        "soieries-bellecour.example",
        "+33 4 72 41 18 30",
        "thomas",
        (
            ("Anne-Sophie", "Girard", "Directrice générale"),
            ("Mathieu", "Perrin", "Responsable achats"),
            ("Élodie", "Chevalier", "Comptable"),
            ("Karim", "Benali", "Responsable logistique"),
        ),
    ),
    DemoAccount(
        "laboratoires-rhodanie",
        "Laboratoires Rhodanie",
        "prospect",
        "Lyon",
        "FR",
        "rhodanie-labs.example",
        "+33 4 78 62 90 14",
        "thomas",
        (
            ("Nicolas", "Faure", "Directeur des opérations"),
            ("Camille", "Roux", "Responsable qualité"),
            ("Inès", "Haddad", "Acheteuse"),
        ),
    ),
    DemoAccount(
        "conserverie-erdre",
        "Conserverie de l'Erdre",
        "customer",
        "Nantes",
        "FR",
        "conserverie-erdre.example",
        "+33 2 40 35 77 02",
        "thomas",
        (
            ("Yann", "Le Goff", "Gérant"),
            ("Gwenaëlle", "Tanguy", "Assistante de direction"),
            ("Pierre", "Guérin", "Directeur commercial"),
        ),
    ),
    DemoAccount(
        "atelier-ile-de-nantes",
        "Atelier Île de Nantes",
        "prospect",
        "Nantes",
        "FR",
        "atelier-idn.example",
        "+33 2 51 84 23 60",
        "claire",
        (
            ("Maëlle", "Briand", "Fondatrice"),
            ("Hugo", "Lemaire", "Chef de projet"),
        ),
    ),
    DemoAccount(
        "filatures-flandres",
        "Filatures des Flandres",
        "customer",
        "Lille",
        "FR",
        "filatures-flandres.example",
        "+33 3 20 57 41 96",
        "thomas",
        (
            ("Bertrand", "Delattre", "Président"),
            ("Sandrine", "Vandenbussche", "Directrice administrative et financière"),
            ("Julie", "Lefebvre", "Responsable des achats"),
            ("Olivier", "Dufour", "Responsable informatique"),
        ),
    ),
    DemoAccount(
        "transports-wazemmes",
        "Transports Wazemmes",
        "partner",
        "Lille",
        "FR",
        "transports-wazemmes.example",
        "+33 3 28 36 12 75",
        "julien",
        (
            ("Rachid", "Mansouri", "Responsable d'exploitation"),
            ("Céline", "Dumont", "Service client"),
            ("Grégory", "Lambert", "Directeur d'agence"),
        ),
    ),
    DemoAccount(
        "chocolaterie-sablon",
        "Chocolaterie du Sablon",
        "customer",
        "Bruxelles",
        "BE",
        "chocolaterie-sablon.example",
        "+32 2 511 43 87",
        "lucia",
        (
            ("Marc", "Van den Broeck", "Administrateur délégué"),
            ("Nathalie", "Peeters", "Responsable export"),
            ("Sébastien", "Janssens", "Responsable production"),
            ("Laura", "Claes", "Marketing"),
        ),
    ),
    DemoAccount(
        "marolles-design",
        "Atelier Marolles Design",
        "prospect",
        "Bruxelles",
        "BE",
        "marolles-design.example",
        "+32 2 502 68 19",
        "lucia",
        (
            ("Thibault", "Wouters", "Architecte d'intérieur"),
            ("Amélie", "Dubois", "Gérante"),
        ),
    ),
    DemoAccount(
        "horlogerie-plainpalais",
        "Horlogerie Plainpalais SA",
        "customer",
        "Genève",
        "CH",
        "horlogerie-plainpalais.example",
        "+41 22 329 54 10",
        "lucia",
        (
            ("Jean-Luc", "Favre", "Directeur"),
            ("Sophie", "Rochat", "Responsable des ventes"),
            ("Patrick", "Bonvin", "Maître horloger"),
        ),
    ),
    DemoAccount(
        "fiduciaire-leman",
        "Fiduciaire du Léman Sàrl",
        "partner",
        "Genève",
        "CH",
        "fiduciaire-leman.example",
        "+41 22 318 72 45",
        "claire",
        (
            ("Christine", "Mottier", "Associée"),
            ("Laurent", "Berset", "Expert-comptable"),
        ),
    ),
    DemoAccount(
        "ceramiques-gracia",
        "Ceràmiques Gràcia SL",
        "customer",
        "Barcelona",
        "ES",
        "ceramiques-gracia.example",
        "+34 932 17 45 80",
        "lucia",
        (
            ("Jordi", "Puig", "Director general"),
            ("Montserrat", "Vidal", "Responsable de compras"),
            ("Pau", "Ferrer", "Jefe de producción"),
            ("Núria", "Soler", "Administración"),
        ),
    ),
    DemoAccount(
        "tallers-poblenou",
        "Tallers Poblenou SL",
        "prospect",
        "Barcelona",
        "ES",
        "tallers-poblenou.example",
        "+34 933 09 61 27",
        "lucia",
        (
            ("Marc", "Serra", "Fundador"),
            ("Laia", "Roca", "Directora de operaciones"),
        ),
    ),
    DemoAccount(
        "domaine-graves",
        "Domaine des Graves Blanches",
        "customer",
        "Bordeaux",
        "FR",
        "graves-blanches.example",
        "+33 5 56 44 20 91",
        "thomas",
        (
            ("Henri", "de Lacoste", "Propriétaire"),
            ("Aurélie", "Dupuy", "Responsable commerciale export"),
            ("Romain", "Laborde", "Maître de chai"),
        ),
    ),
    DemoAccount(
        "imprimerie-kleber",
        "Imprimerie Kléber",
        "supplier",
        "Strasbourg",
        "FR",
        "imprimerie-kleber.example",
        "+33 3 88 32 15 64",
        "julien",
        (
            ("Frédéric", "Schmitt", "Gérant"),
            ("Émilie", "Meyer", "Chargée de clientèle"),
            ("Lucas", "Muller", "Prépresse"),
        ),
    ),
    DemoAccount(
        "tessitura-navigli",
        "Tessitura Navigli Srl",
        "prospect",
        "Milano",
        "IT",
        "tessitura-navigli.example",
        "+39 02 8942 1735",
        "lucia",
        (
            ("Giulia", "Bianchi", "Amministratrice delegata"),
            ("Lorenzo", "Colombo", "Responsabile acquisti"),
            ("Francesca", "Ricci", "Ufficio commerciale"),
        ),
    ),
    DemoAccount(
        "aero-composites-occitanie",
        "Aéro Composites Occitanie",
        "customer",
        "Toulouse",
        "FR",
        "aerocomposites-occitanie.example",
        "+33 5 61 71 38 22",
        "claire",
        (
            ("Stéphane", "Garcia", "Directeur industriel"),
            ("Marion", "Fabre", "Acheteuse projets"),
            ("Antoine", "Cazals", "Ingénieur méthodes"),
            ("Léa", "Vidal", "Contrôleuse de gestion"),
        ),
    ),
)

# People who work on their own: consultants and freelancers with no account.
INDEPENDENTS: tuple[tuple[str, str, str, str, str], ...] = (
    # (first name, last name, job title, country, owner)
    ("Valérie", "Marchand", "Consultante en transformation numérique", "FR", "claire"),
    ("Dirk", "Hoffmann", "Unternehmensberater", "DE", "lucia"),
    ("Manon", "Picard", "Graphiste indépendante", "FR", "thomas"),
)
