"""How two accounts are compared: company ids, names, web/e-mail domain, phone, address.

Weights: company id (SIREN/SIRET/VAT) 0.35, name 0.35, domain 0.10, phone 0.10, address 0.10.
A SIREN present on both sides and different is strong evidence of two companies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from moyeu.core.dedup.spec import BlockingKey, Comparison, Features, FieldComparator, MatchSpec
from moyeu.core.dedup.text import digits, tokens
from moyeu.directory.duplicates import channels

COLUMNS = (
    "name",
    "trade_name",
    "siren",
    "siret",
    "vat_number",
    "website",
    "email",
    "phone",
    "phone_e164",
    "postcode",
    "city",
)
LEGAL_FORMS = frozenset(
    [
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "sci",
        "snc",
        "scop",
        "selarl",
        "gie",
        "ste",
        "societe",
        "cie",
        "et",
        "co",
        "company",
        "group",
        "groupe",
        "gmbh",
        "ag",
        "kg",
        "ug",
        "ltd",
        "limited",
        "plc",
        "llc",
        "inc",
        "corp",
        "corporation",
        "bv",
        "nv",
        "srl",
        "spa",
        "sl",
        "sprl",
        "oy",
        "ab",
        "as",
    ]
)


def company_name(value: str) -> str:
    return " ".join(token for token in tokens(value) if token not in LEGAL_FORMS)


def siren_of(values: Mapping[str, Any]) -> str:
    siren = digits(str(values.get("siren") or ""))
    siret = digits(str(values.get("siret") or ""))
    vat = str(values.get("vat_number") or "").replace(" ", "").upper()
    if len(siren) == 9:
        return siren
    if len(siret) == 14:
        return siret[:9]
    if vat.startswith("FR") and len(vat) == 13:
        return vat[4:]
    return ""


def vat_of(values: Mapping[str, Any]) -> str:
    """The VAT number compared: a Swiss one without its language suffix (MWST, TVA, IVA and
    TPF name one registration)."""
    vat = str(values.get("vat_number") or "").replace(" ", "").upper()
    if vat.startswith("CHE"):
        return vat[:12]
    return vat


def prepare(values: Mapping[str, Any]) -> dict[str, Any]:
    name_raw = str(values.get("name") or "").strip()
    email = channels.email(values.get("email"))
    name = company_name(name_raw)
    return {
        "name": name,
        "name_raw": name_raw,
        "trade": company_name(str(values.get("trade_name") or "")),
        "siren": siren_of(values),
        "siret": digits(str(values.get("siret") or "")),
        "vat": vat_of(values),
        "email": email,
        "domain": channels.domain(values.get("website")) or channels.email_domain(email),
        "phone": values.get("phone_e164") or channels.phone(values.get("phone")),
        "place": " ".join(tokens(f"{values.get('postcode') or ''} {values.get('city') or ''}")),
        "quick": name,
    }


def compare_company_id(a: Features, b: Features) -> Comparison:
    if a["siret"] and a["siret"] == b["siret"]:
        return 1.0, "same SIRET"
    if a["siren"] and b["siren"]:
        if a["siren"] == b["siren"]:
            return 1.0, "same SIREN"
        return 0.0, "different SIREN"
    if a["vat"] and b["vat"]:
        return (1.0, "same VAT number") if a["vat"] == b["vat"] else (0.0, "different VAT")
    return None


def compare_name(a: Features, b: Features) -> Comparison:
    names_a = [n for n in (a["name"], a["trade"]) if n]
    names_b = [n for n in (b["name"], b["trade"]) if n]
    if not names_a or not names_b:
        return None
    best = max(
        max(fuzz.token_set_ratio(x, y) / 100, JaroWinkler.normalized_similarity(x, y))
        for x in names_a
        for y in names_b
    )
    return best, "same name" if best == 1.0 else f"names {best:.2f} alike"


def compare_domain(a: Features, b: Features) -> Comparison:
    if not a["domain"] or not b["domain"]:
        return None
    if a["domain"] == b["domain"]:
        return 1.0, "same web domain"
    return 0.3, "different web domains"


def compare_phone(a: Features, b: Features) -> Comparison:
    if not a["phone"] or not b["phone"]:
        return None
    return (1.0, "same phone") if a["phone"] == b["phone"] else (0.2, "different phones")


def compare_address(a: Features, b: Features) -> Comparison:
    if not a["place"] or not b["place"]:
        return None
    similarity = fuzz.token_set_ratio(a["place"], b["place"]) / 100
    return similarity, "same place" if similarity == 1.0 else f"places {similarity:.2f} alike"


def name_keys(features: Features) -> Iterable[str]:
    return {f"n:{name.split()[0][:5]}" for name in (features["name"], features["trade"]) if name}


def name_lookups(features: Features) -> Iterable[tuple[str, Any]]:
    raw = features["name_raw"]
    if raw:
        for form in {raw, raw.title(), raw.upper(), raw.lower()}:
            yield "name", form


def _one(key: str, lookup: str) -> BlockingKey:
    return BlockingKey(
        key,
        keys=lambda f: (f[key],) if f[key] else (),
        lookup=lambda f: ((lookup, f[key]),),
        is_strong=True,
    )


ACCOUNT = MatchSpec(
    record_type="directory.account",
    model_label="directory.Account",
    columns=COLUMNS,
    prepare=prepare,
    blocking=(
        _one("siren", "siren"),
        _one("email", "email"),
        _one("phone", "phone_e164"),
        BlockingKey(
            "domain",
            keys=lambda f: (f["domain"],) if f["domain"] else (),
            lookup=lambda f: (),
            is_strong=True,
        ),
        BlockingKey("name", keys=name_keys, lookup=name_lookups),
    ),
    comparators=(
        FieldComparator("company_id", 0.35, compare_company_id),
        FieldComparator("name", 0.35, compare_name),
        FieldComparator("domain", 0.10, compare_domain),
        FieldComparator("phone", 0.10, compare_phone),
        FieldComparator("address", 0.10, compare_address),
    ),
    identifying=frozenset({"company_id", "domain", "phone"}),
    quick=lambda f: f["quick"],
    quick_cutoff=60.0,
    decisive=("siren",),
)
