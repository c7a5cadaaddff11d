"""Import and export declarations of the directory's record types (read by moyeu.dataio).

Row rules are the directory's own: the ``clean_*`` normalisers its services apply (names,
e-mail, phone to E.164, country, language, website, SIREN/SIRET/VAT, NAF) and the model
fields' validators (length, choices). Created and updated rows keep the primary e-mail and
phone child rows in step, as the directory services do for one record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _lazy

from moyeu.core.ids import new_id
from moyeu.core.models import ExternalId
from moyeu.dataio import bulk
from moyeu.dataio.fields import field_checker
from moyeu.dataio.specs import DataSpec, ImportField, LinkField
from moyeu.directory.models import (
    Account,
    AccountContactLink,
    AccountEmail,
    AccountPhone,
    Contact,
    ContactEmail,
    ContactPhone,
)
from moyeu.directory.services import identifiers
from moyeu.directory.services.normalise import (
    clean_country,
    clean_email,
    clean_language,
    clean_name,
    clean_phone,
    clean_text,
    clean_website,
    default_region,
)

_CLEANERS: dict[str, Callable[[Any], str]] = {
    "first_name": clean_name,
    "last_name": clean_name,
    "email": clean_email,
    "country": clean_country,
    "language": clean_language,
    "website": clean_website,
    "siren": identifiers.clean_siren,
    "siret": identifiers.clean_siret,
    "vat_number": identifiers.clean_vat_number,
    "industry": identifiers.clean_industry,
}


def _cleaner(model: Any, names: list[str]) -> Any:
    check = field_checker(model, names)

    def clean(raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, value in raw.items():
            try:
                values[name] = _CLEANERS.get(name, clean_text)(value) if value else ""
            except ValueError as exc:
                errors[name] = str(exc)
        phone = values.get("phone")
        if phone:
            try:
                values["phone"], values["phone_e164"] = clean_phone(
                    phone, default_region(values.get("country"))
                )
            except ValueError as exc:
                errors["phone"] = str(exc)
        elif "phone" in values:
            values["phone_e164"] = ""
        if "siren" in values or "siret" in values or "vat_number" in values:
            consistency = identifiers.consistency_errors(
                values.get("siren", ""), values.get("siret", ""), values.get("vat_number", "")
            )
            for name, message in consistency.items():
                errors.setdefault(name, message)
        for name, message in check({k: v for k, v in values.items() if k not in errors}).items():
            errors.setdefault(name, message)
        return values, errors

    return clean


def _channels(email_model: Any, phone_model: Any, owner: str) -> tuple[Any, Any]:
    def after_insert(rows: Sequence[Mapping[str, Any]]) -> None:
        # One primary row per channel: the constant columns are given once, not per row.
        primary = {"is_primary": True, "position": 0}
        emails = [
            {"id": new_id(), f"{owner}_id": r["id"], "email": r["email"]}
            for r in rows
            if r.get("email")
        ]
        phones = [
            {"id": new_id(), f"{owner}_id": r["id"], "number": r["phone"], "e164": r["phone_e164"]}
            for r in rows
            if r.get("phone")
        ]
        bulk.insert(email_model, emails, primary)
        bulk.insert(phone_model, phones, primary)

    def after_update(rows: Sequence[Mapping[str, Any]]) -> None:
        email_rows = [r for r in rows if "email" in r]
        phone_rows = [r for r in rows if "phone" in r]
        email_model.objects.filter(
            **{f"{owner}_id__in": [r["id"] for r in email_rows]}, is_primary=True
        ).delete()
        phone_model.objects.filter(
            **{f"{owner}_id__in": [r["id"] for r in phone_rows]}, is_primary=True
        ).delete()
        after_insert(
            [
                {
                    "id": r["id"],
                    "email": r.get("email"),
                    "phone": r.get("phone"),
                    "phone_e164": r.get("phone_e164", ""),
                }
                for r in {id(r): r for r in [*email_rows, *phone_rows]}.values()
            ]
        )

    return after_insert, after_update


def _accounts_named(actor: Any, cells: set[str]) -> dict[str, list[Any]]:
    """The accounts ``actor`` may see that each cell names: by SIRET, SIREN, id in another
    system or exact legal name (case-insensitive); one query per kind for the batch."""
    visible = Account.objects.visible_to(actor, "view")
    found: dict[str, set[Any]] = {cell: set() for cell in cells}
    compact = {cell: "".join(cell.split()) for cell in cells}
    numbers = {c for c in compact.values() if c.isdigit() and len(c) in (9, 14)}
    by_number = visible.filter(Q(siret__in=numbers) | Q(siren__in=numbers)).values_list(
        "id", "siren", "siret"
    )
    for pk, siren, siret in by_number if numbers else ():
        for cell, number in compact.items():
            if number and number in (siren, siret):
                found[cell].add(pk)
    ids = ExternalId.objects.filter(
        content_type=ContentType.objects.get_for_model(Account), value__in=cells
    ).values_list("value", "object_id")
    known = dict(visible.filter(pk__in=[pk for _v, pk in ids]).values_list("id", "id"))
    for value, pk in ids:
        if pk in known:
            found[value].add(pk)
    lowered = {cell.lower(): cell for cell in cells}
    names = visible.annotate(key=Lower("name")).filter(key__in=lowered).values_list("id", "key")
    for pk, key in names:
        found[lowered[key]].add(pk)
    return {cell: sorted(pks) for cell, pks in found.items()}


def _contact_links(contact_ids: Sequence[Any]) -> dict[Any, tuple[set[Any], bool]]:
    links: dict[Any, tuple[set[Any], bool]] = {}
    rows = AccountContactLink.objects.filter(contact_id__in=contact_ids).values_list(
        "contact_id", "account_id", "is_primary"
    )
    for contact_id, account_id, is_primary in rows:
        accounts, primary = links.get(contact_id, (set(), False))
        accounts.add(account_id)
        links[contact_id] = (accounts, primary or is_primary)
    return links


def _add_links(pairs: Sequence[tuple[Any, Any, bool]]) -> None:
    if not pairs:
        return
    last = dict(
        AccountContactLink.objects.filter(contact_id__in=[c for c, _a, _p in pairs])
        .values("contact_id")
        .annotate(last=Max("position"))
        .values_list("contact_id", "last")
    )
    rows = [
        {
            "id": new_id(),
            "contact_id": contact_id,
            "account_id": account_id,
            "role": "",
            "is_primary": is_primary,
            "position": 0 if contact_id not in last else last[contact_id] + 1,
        }
        for contact_id, account_id, is_primary in pairs
    ]
    bulk.insert(AccountContactLink, rows, {})


def _remove_links(pairs: Sequence[tuple[Any, Any]]) -> None:
    query = Q()
    for contact_id, account_id in pairs:
        query |= Q(contact_id=contact_id, account_id=account_id)
    if pairs:
        AccountContactLink.objects.filter(query).delete()


ACCOUNT_LINK = LinkField(
    name="account",
    label=_lazy("account"),
    aliases=("compte", "societe", "entreprise", "company", "organisation", "organization"),
    resolve=_accounts_named,
    existing=_contact_links,
    add=_add_links,
    remove=_remove_links,
    not_found=_lazy(
        "No account you can see has the SIRET, SIREN, id in another system or name “%(value)s”."
    ),
    ambiguous=_lazy(
        "%(count)s accounts match “%(value)s”; give its SIRET or its id in another system."
    ),
)

_CONTACT_FIELDS = ["civility", "first_name", "last_name", "email", "phone", "job_title", "language"]
_contact_insert, _contact_update = _channels(ContactEmail, ContactPhone, "contact")

CONTACT = DataSpec(
    record_type="directory.contact",
    model=Contact,
    fields=(
        ImportField("civility", _lazy("civility"), ("title", "civilite")),
        ImportField("first_name", _lazy("first name"), ("firstname", "given name", "prenom")),
        ImportField("last_name", _lazy("last name"), ("lastname", "surname", "nom"), True),
        ImportField("email", _lazy("e-mail"), ("email", "mail", "courriel", "email address")),
        ImportField("phone", _lazy("phone"), ("telephone", "tel", "phone number", "mobile")),
        ImportField("job_title", _lazy("job title"), ("title", "fonction", "poste")),
        ImportField("language", _lazy("language"), ("langue",)),
    ),
    clean=_cleaner(Contact, [*_CONTACT_FIELDS, "phone_e164"]),
    keys=("email", "external_ids.*"),
    duplicate_fields=("email", "phone_e164"),
    after_insert=_contact_insert,
    after_update=_contact_update,
    link=ACCOUNT_LINK,
)


def _label(model: Any, name: str) -> Any:
    return model._meta.get_field(name).verbose_name


_ACCOUNT_FIELDS = [
    "name",
    "trade_name",
    "kind",
    "industry",
    "size_band",
    "siren",
    "siret",
    "vat_number",
    "website",
    "email",
    "phone",
    "postcode",
    "city",
    "country",
]
_account_insert, _account_update = _channels(AccountEmail, AccountPhone, "account")

ACCOUNT = DataSpec(
    record_type="directory.account",
    model=Account,
    fields=tuple(
        ImportField(name, _label(Account, name), (), name == "name") for name in _ACCOUNT_FIELDS
    ),
    clean=_cleaner(Account, [*_ACCOUNT_FIELDS, "phone_e164"]),
    keys=("siret", "siren", "vat_number", "email", "external_ids.*"),
    duplicate_fields=("siret", "email"),
    after_insert=_account_insert,
    after_update=_account_update,
)

specs = [CONTACT, ACCOUNT]
