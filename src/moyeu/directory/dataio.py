"""Import and export declarations of the directory's record types (read by moyeu.dataio).

Row rules are the directory's own: the ``clean_*`` normalisers its services apply (names,
e-mail, phone to E.164, country, language, website, SIREN/SIRET/VAT, NAF) and the model
fields' validators (length, choices). Created and updated rows keep the primary e-mail and
phone child rows in step, as the directory services do for one record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _lazy

from moyeu.core.ids import new_id
from moyeu.dataio import bulk
from moyeu.dataio.fields import field_checker
from moyeu.dataio.specs import DataSpec, ImportField
from moyeu.directory.models import (
    Account,
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
