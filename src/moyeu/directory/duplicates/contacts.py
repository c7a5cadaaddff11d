"""How two contacts are compared: names (swaps, nicknames, typos), e-mail, phone, account.

Weights: name 0.45 (last name two thirds, first name one third), e-mail 0.30, phone 0.20,
account 0.05. E-mail and
phone identify a person; two namesakes with nothing else to compare stay "possible".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz.distance import JaroWinkler

from moyeu.core.dedup.spec import BlockingKey, Comparison, Features, FieldComparator, MatchSpec
from moyeu.directory.duplicates import channels
from moyeu.directory.duplicates.names import canonical_first_name, last_name

COLUMNS = ("first_name", "last_name", "email", "phone", "phone_e164", "account_id")


def prepare(values: Mapping[str, Any]) -> dict[str, Any]:
    first_raw = str(values.get("first_name") or "").strip()
    last_raw = str(values.get("last_name") or "").strip()
    first = canonical_first_name(first_raw)
    last = last_name(last_raw)
    email = channels.email(values.get("email"))
    return {
        "first": first,
        "last": last,
        "first_raw": first_raw,
        "last_raw": last_raw,
        "email": email,
        "email_local": email.partition("@")[0],
        "phone": values.get("phone_e164") or channels.phone(values.get("phone")),
        "account": values.get("account_id"),
        "quick": " ".join(sorted((first + " " + last).split())),
    }


def _first_similarity(a: str, b: str) -> tuple[float, str]:
    if not a or not b:
        return 0.8, "first name missing on one side"
    if a == b:
        return 1.0, "same first name"
    if len(a) == 1 or len(b) == 1:
        same = a[0] == b[0]
        return (0.85, "initial matches") if same else (0.0, "initial differs")
    similarity = JaroWinkler.normalized_similarity(a, b)
    # Stretched: a typo (Jean/Jaen 0.93) keeps 0.56, another name (Marie/Maxime 0.8) 0.11.
    stretched = max(0.0, (similarity - 0.7) / 0.3) ** 2
    return stretched, f"first names {similarity:.2f} alike"


def _orientation(a: Features, b: Features) -> tuple[str, str, str, str, bool]:
    """(a's last, b's last, a's first, b's first), b's names swapped when that fits better."""
    jw = JaroWinkler.normalized_similarity
    if not a["first"] or not b["first"] or a["last"] == b["last"]:
        return a["last"], b["last"], a["first"], b["first"], False
    direct = jw(a["last"], b["last"]) + jw(a["first"], b["first"])
    swapped = jw(a["last"], b["first"]) + jw(a["first"], b["last"])
    if swapped > direct:
        return a["last"], b["first"], a["first"], b["last"], True
    return a["last"], b["last"], a["first"], b["first"], False


def compare_name(a: Features, b: Features) -> Comparison:
    """Last name (two thirds) and first name (one third), swapped when that fits better.

    Jaro-Winkler is lenient on last names (Moreau/Macaeau 0.8): its fourth power keeps one
    typo (0.95 -> 0.81) and sinks different names (0.8 -> 0.41).
    """
    if not a["last"] or not b["last"]:
        return None
    last_a, last_b, first_a, first_b, swapped = _orientation(a, b)
    last = JaroWinkler.normalized_similarity(last_a, last_b)
    first, first_detail = _first_similarity(first_a, first_b)
    if first == 1.0 and a["first_raw"].lower() != b["first_raw"].lower() and not swapped:
        first_detail = "same first name (nickname or accents)"
    last_detail = "same last name" if last == 1.0 else f"last names {last:.2f} alike"
    detail = f"{last_detail}, {first_detail}" + (" (names swapped)" if swapped else "")
    return (2 * last**4 + first) / 3, detail


def compare_email(a: Features, b: Features) -> Comparison:
    if not a["email"] or not b["email"]:
        return None
    if a["email"] == b["email"]:
        return 1.0, "same e-mail"
    if a["email_local"] == b["email_local"]:
        return 0.7, "same e-mail user at another domain"
    return 0.2, "different e-mails"


def compare_phone(a: Features, b: Features) -> Comparison:
    if not a["phone"] or not b["phone"]:
        return None
    if a["phone"] == b["phone"]:
        return 1.0, "same phone"
    if a["phone"][-9:] == b["phone"][-9:]:
        return 0.9, "same phone number, other prefix"
    return 0.1, "different phones"


def compare_account(a: Features, b: Features) -> Comparison:
    if a["account"] is None or b["account"] is None:
        return None
    if a["account"] == b["account"]:
        return 1.0, "same account"
    return 0.3, "different accounts"


def name_keys(features: Features) -> Iterable[str]:
    first, last = features["first"], features["last"]
    if not last:
        return ()
    if not first:
        return (f"l:{last}",)
    # Prefixes of both names (a typo at the end), each full name with the other's initial
    # (a typo anywhere in the other), the ends of both (a typo at the start); all symmetric,
    # so that swapped first and last names share their keys.
    full = min((f"{last}|{first[:1]}", f"{first}|{last[:1]}"), key=lambda key: (-len(key), key))
    return (
        "p:" + "|".join(sorted((first[:3], last[:3]))),
        f"f:{full}",
        "s:" + "|".join(sorted((first[:1] + last[-3:], last[:1] + first[-3:]))),
    )


def name_lookups(features: Features) -> Iterable[tuple[str, Any]]:
    for raw in (features["last_raw"], features["first_raw"]):
        if raw:
            for form in {raw, raw.title(), raw.upper(), raw.lower()}:
                yield "last_name", form


CONTACT = MatchSpec(
    record_type="directory.contact",
    model_label="directory.Contact",
    columns=COLUMNS,
    prepare=prepare,
    blocking=(
        BlockingKey(
            "email",
            keys=lambda f: (f["email"],) if f["email"] else (),
            lookup=lambda f: (("email", f["email"]),),
            is_strong=True,
        ),
        BlockingKey(
            "email_user",
            keys=lambda f: (f["email_local"],) if f["email_local"] else (),
            lookup=lambda f: (),
            is_strong=True,
        ),
        BlockingKey(
            "phone",
            keys=lambda f: (f["phone"][-9:],) if f["phone"] else (),
            lookup=lambda f: (("phone_e164", f["phone"]),),
            is_strong=True,
        ),
        BlockingKey("name", keys=name_keys, lookup=name_lookups),
    ),
    comparators=(
        FieldComparator("name", 0.45, compare_name),
        FieldComparator("email", 0.30, compare_email),
        FieldComparator("phone", 0.20, compare_phone),
        FieldComparator("account", 0.05, compare_account),
    ),
    identifying=frozenset({"email", "phone"}),
    quick=lambda f: f["quick"],
    quick_cutoff=86.0,
    frequency=lambda f: f["last"],
    decisive=("email", "phone"),
)
