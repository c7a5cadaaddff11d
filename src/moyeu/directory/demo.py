"""Demo accounts and contacts, created through the directory services.

Each record carries the external id ``demo:<key>``; a record found by it is left as it is,
so loading twice creates no duplicates and keeps what the person trying the demo changed.
"""

from __future__ import annotations

import unicodedata
import zlib
from typing import Any

from django.contrib.auth import get_user_model

from moyeu.core.context import Actor
from moyeu.core.demo import DEMO_SYSTEM
from moyeu.core.services.records import find_by_external_id
from moyeu.directory.demo_data import ACCOUNTS, INDEPENDENTS, DemoAccount
from moyeu.directory.demo_identifiers import demo_siren, demo_siret, demo_vat
from moyeu.directory.demo_profiles import LANGUAGES, OTHER_LINKS, PROFILES
from moyeu.directory.models import Account, Contact
from moyeu.directory.services import account_create, contact_create

# Mobile numbers: country prefix and the national digits' pattern (x: a digit).
_MOBILE = {
    "FR": "+33 6 xx xx xx xx",
    "BE": "+32 47x xx xx xx",
    "CH": "+41 79 xxx xx xx",
    "ES": "+34 6xx xxx xxx",
    "IT": "+39 34x xxx xxxx",
    "DE": "+49 151 xxxxxxxx",
}


def ascii_slug(text: str) -> str:
    """ "Lefèvre" -> "lefevre", "Van den Broeck" -> "van-den-broeck"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in folded.lower()).split()
    return "-".join(words)


def mobile_number(country: str, seed: str) -> str:
    """A stable, well-formed mobile number for a demo person."""
    digits = str(zlib.crc32(seed.encode())).rjust(10, "0")
    pattern, out, index = _MOBILE[country], [], 0
    for char in pattern:
        if char == "x":
            out.append(digits[index % len(digits)])
            index += 1
        else:
            out.append(char)
    return "".join(out)


def _owner_values(username: str, users: dict[str, Any]) -> dict[str, Any]:
    if username not in users:
        raise LookupError(f"demo user {username!r} is missing: load the identity demo first")
    user = users[username]
    return {"owner_id": user.pk, "team_id": user.primary_team_id}


def _contact(actor: Actor, key: str, values: dict[str, Any]) -> None:
    if find_by_external_id(Contact, DEMO_SYSTEM, key) is None:
        contact_create(actor=actor, values=values, external_ids={DEMO_SYSTEM: key})


def _account_values(spec: DemoAccount, accounts: dict[str, Account]) -> dict[str, Any]:
    profile = PROFILES[spec.key]
    parent = accounts.get(profile.parent)
    vat_number = demo_vat(spec.key, spec.country)
    return {
        "name": spec.name,
        "kind": spec.kind,
        "industry": profile.industry,
        "size_band": profile.size_band,
        "siren": demo_siren(spec.key) if spec.country == "FR" else "",
        "siret": demo_siret(spec.key) if spec.country == "FR" else "",
        "vat_number": vat_number,
        "website": f"https://www.{spec.domain}",
        "parent_id": parent.pk if parent else None,
        "emails": [
            {"kind": "work", "email": f"contact@{spec.domain}"},
            {"kind": "other", "email": f"compta@{spec.domain}"},
        ],
        "phones": [{"kind": "work", "number": spec.phone}],
        "addresses": [
            {
                "kind": "billing",
                "line1": profile.street,
                "postcode": profile.postcode,
                "city": spec.city,
                "country": spec.country,
            }
        ],
    }


def _person_values(
    first: str, last: str, job_title: str, country: str, domain: str
) -> dict[str, Any]:
    slug = f"{ascii_slug(first)}.{ascii_slug(last)}"
    return {
        "first_name": first,
        "last_name": last,
        "job_title": job_title,
        "language": LANGUAGES.get(country, ""),
        "emails": [{"kind": "work", "email": f"{slug}@{domain}"}],
        "phones": [{"kind": "mobile", "number": mobile_number(country, f"{first} {last}")}],
    }


def load(actor: Actor) -> None:
    usernames = {a.owner for a in ACCOUNTS} | {p[4] for p in INDEPENDENTS}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    accounts: dict[str, Account] = {}
    # Group heads first, so that their subsidiaries can name them.
    ordered = sorted(ACCOUNTS, key=lambda spec: bool(PROFILES[spec.key].parent))
    for spec in ordered:
        account = find_by_external_id(Account, DEMO_SYSTEM, f"account-{spec.key}")
        if account is None:
            account = account_create(
                actor=actor,
                values={**_account_values(spec, accounts), **_owner_values(spec.owner, users)},
                external_ids={DEMO_SYSTEM: f"account-{spec.key}"},
            )
        accounts[spec.key] = account
    for spec in ACCOUNTS:
        account = accounts[spec.key]
        for first, last, job_title in spec.people:
            values = _person_values(first, last, job_title, spec.country, spec.domain)
            values["phones"].append({"kind": "work", "number": spec.phone})
            links = [{"account": account.pk, "role": job_title, "is_primary": True}]
            other = OTHER_LINKS.get((spec.key, first, last))
            if other is not None:
                links.append({"account": accounts[other[0]].pk, "role": other[1]})
            _contact(
                actor,
                f"contact-{spec.key}-{ascii_slug(first)}-{ascii_slug(last)}",
                {**values, "links": links, **_owner_values(spec.owner, users)},
            )
    for first, last, job_title, country, owner in INDEPENDENTS:
        values = _person_values(first, last, job_title, country, "independant.example")
        values["emails"].append(
            {"kind": "personal", "email": f"{ascii_slug(first)}.{ascii_slug(last)}@perso.example"}
        )
        _contact(
            actor,
            f"contact-{ascii_slug(first)}-{ascii_slug(last)}",
            {**values, **_owner_values(owner, users)},
        )
