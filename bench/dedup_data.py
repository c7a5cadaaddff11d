"""Labelled people for the duplicate benchmarks: originals and their messy duplicates.

Names follow a skewed distribution: a few very common French surnames and first names, and a
long tail of generated ones (as a real base has). Each duplicate applies one to three of:
a typo, swapped first/last names, a nickname, accents removed, upper case, a dropped e-mail
or phone, another phone format, an upper-case e-mail.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from typing import Any

COMMON_LAST = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Müller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martínez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Léger",
]
FIRST = [
    "Jean",
    "Marie",
    "Pierre",
    "Michel",
    "Philippe",
    "Nicolas",
    "Catherine",
    "Isabelle",
    "Nathalie",
    "Sophie",
    "Christophe",
    "Frédéric",
    "Stéphane",
    "Sébastien",
    "Julien",
    "Laurent",
    "Thomas",
    "Céline",
    "Sandrine",
    "Valérie",
    "Véronique",
    "Anne",
    "Élodie",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "Arthur",
    "Jules",
    "Raphaël",
    "Antoine",
    "Alexandre",
    "Benjamin",
    "Maxime",
    "Mathieu",
    "Guillaume",
    "François",
    "Françoise",
    "Emmanuel",
    "Robert",
    "Daniel",
    "Dominique",
    "Patrick",
    "Jacques",
    "Joseph",
    "Élisabeth",
    "Hélène",
    "Aurélie",
    "Émilie",
    "Margaux",
    "Zoé",
    "Charles",
    "Yves",
    "Thérèse",
    "Agnès",
    "Noémie",
    "Benoît",
    "Jérôme",
    "Grégoire",
    "Loïc",
    "Gaëlle",
    "Maëlle",
    "Anaïs",
    "Inès",
]
FIRST_WEIGHTS = [1 / (rank + 4) for rank in range(len(FIRST))]
SYLLABLES = [
    "ba",
    "be",
    "bo",
    "bu",
    "ca",
    "ce",
    "co",
    "cha",
    "che",
    "da",
    "de",
    "do",
    "du",
    "fa",
    "fe",
    "fo",
    "ga",
    "ge",
    "go",
    "gu",
    "la",
    "le",
    "lo",
    "lu",
    "ma",
    "me",
    "mo",
    "mu",
    "na",
    "ne",
    "no",
    "pa",
    "pe",
    "po",
    "ra",
    "re",
    "ro",
    "ru",
    "sa",
    "se",
    "so",
    "ta",
    "te",
    "to",
    "va",
    "ve",
    "vi",
    "za",
    "zo",
    "bri",
    "cla",
    "dre",
    "fla",
    "gri",
    "pla",
    "tra",
    "vau",
    "bou",
    "mar",
    "gal",
    "ler",
    "ville",
    "mont",
    "bois",
    "champ",
    "fort",
    "vert",
]
ENDINGS = [
    "t",
    "d",
    "n",
    "r",
    "l",
    "x",
    "s",
    "ault",
    "eau",
    "ier",
    "ard",
    "in",
    "on",
    "et",
    "ot",
    "and",
    "ens",
    "y",
    "ac",
]
NICKNAME = {
    "Robert": "Bob",
    "Nicolas": "Nico",
    "Alexandre": "Alex",
    "Benjamin": "Ben",
    "Catherine": "Cathy",
    "Christophe": "Chris",
    "Frédéric": "Fred",
    "Isabelle": "Isa",
    "Emmanuel": "Manu",
    "Sébastien": "Seb",
    "Thomas": "Tom",
    "Daniel": "Dany",
    "Patrick": "Pat",
    "Philippe": "Phil",
    "Véronique": "Vero",
    "Valérie": "Val",
    "Élisabeth": "Babette",
    "Stéphane": "Steph",
}
DOMAINS = ["gmail.com", "orange.fr", "free.fr", "yahoo.fr", "hotmail.fr", "outlook.fr"]


def _strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _last_name(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(COMMON_LAST)
    parts = [rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3)))]
    return ("".join(parts) + rng.choice(ENDINGS)).capitalize()


def person(rng: random.Random, index: int) -> dict[str, Any]:
    first = rng.choices(FIRST, weights=FIRST_WEIGHTS)[0]
    last = _last_name(rng)
    local = f"{_strip_accents(first).lower()}.{_strip_accents(last).lower()}{index % 997}"
    domain = rng.choice(DOMAINS) if rng.random() < 0.5 else f"societe{index % 5000}.fr"
    phone = f"06{rng.randrange(10**8):08d}"
    return {
        "first_name": first,
        "last_name": last,
        "email": f"{local}@{domain}" if rng.random() < 0.85 else "",
        "phone": f"{phone[:2]} {phone[2:4]} {phone[4:6]} {phone[6:8]} {phone[8:]}"
        if rng.random() < 0.8
        else "",
    }


def _typo(rng: random.Random, value: str) -> str:
    if len(value) < 4:
        return value
    i = rng.randrange(1, len(value) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if kind == 1:
        return value[:i] + value[i + 1 :]
    return value[:i] + rng.choice("aeiourstln") + value[i + 1 :]


def duplicate(rng: random.Random, original: dict[str, Any]) -> dict[str, Any]:
    row = dict(original)
    changes = rng.sample(range(10), rng.choice((1, 2, 2, 3)))
    for change in changes:
        if change == 0:
            row["last_name"] = _typo(rng, row["last_name"])
        elif change == 1:
            row["first_name"] = _typo(rng, row["first_name"])
        elif change == 2:
            row["first_name"], row["last_name"] = row["last_name"], row["first_name"]
        elif change == 3:
            row["first_name"] = NICKNAME.get(row["first_name"], row["first_name"])
        elif change == 4:
            row["first_name"] = _strip_accents(row["first_name"])
            row["last_name"] = _strip_accents(row["last_name"])
        elif change == 5:
            row["last_name"] = row["last_name"].upper()
        elif change == 6:
            row["email"] = ""
        elif change == 7:
            row["phone"] = ""
        elif change == 8 and row["phone"]:
            digits = row["phone"].replace(" ", "")
            row["phone"] = rng.choice((f"+33 {digits[1:]}", digits, f"0033{digits[1:]}"))
        elif change == 9:
            row["email"] = row["email"].upper()
    return row


def dataset(
    entities: int, duplicate_rate: float, seed: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(entity number, row) for ``entities`` people; some get one or two duplicates."""
    rng = random.Random(seed)
    for index in range(entities):
        original = person(rng, index)
        yield index, original
        if rng.random() < duplicate_rate:
            for _ in range(rng.choice((1, 1, 1, 2))):
                yield index, duplicate(rng, original)
