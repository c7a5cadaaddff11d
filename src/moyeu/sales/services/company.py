"""The selling company's details (legal name, address, SIREN, VAT number, logo), printed on
quotes; administrators change them."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as NumberError
from stdnum.fr import siren

from moyeu.core.context import Actor, action_context
from moyeu.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from moyeu.core.services import audit
from moyeu.sales.models import CompanyProfile

MAX_LOGO_BYTES = 512 * 1024
_TEXT = (
    "legal_name",
    "legal_form",
    "address",
    "postcode",
    "city",
    "country",
    "email",
    "phone",
    "website",
    "quote_terms",
)


def clean_siren(raw: str) -> str:
    try:
        return str(siren.validate(raw))
    except NumberError:
        raise ValueError(_("Not a valid SIREN (9 digits).")) from None


def clean_vat_number(raw: str) -> str:
    try:
        return str(vat.validate(raw))
    except NumberError:
        raise ValueError(_("Not a valid EU VAT number.")) from None


def company_profile() -> CompanyProfile:
    found = CompanyProfile.objects.filter(pk=1).first()
    return found if found is not None else CompanyProfile(pk=1)


def _check_logo(data: bytes) -> str:
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationFailed({"logo": [_("The logo must weigh at most 512 KB.")]})
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = (image.format or "").lower()
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationFailed({"logo": [_("Give a PNG or JPEG image.")]}) from None
    if kind not in ("png", "jpeg"):
        raise ValidationFailed({"logo": [_("Give a PNG or JPEG image.")]})
    return kind


def company_update(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    logo: bytes | None = None,
    remove_logo: bool = False,
    expected_version: int | None = None,
) -> CompanyProfile:
    user = actor.user
    if user is None or not user.is_superuser:
        raise PermissionDenied(_("Only administrators change the company's details."))
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key not in (*_TEXT, "siren", "vat_number"):
            errors.setdefault(key, []).append(_("Unknown or read-only field."))
            continue
        cleaned[key] = str(value or "").strip()
    for key, clean in (("siren", clean_siren), ("vat_number", clean_vat_number)):
        if cleaned.get(key):
            try:
                cleaned[key] = clean(cleaned[key])
            except ValueError as exc:
                errors.setdefault(key, []).append(str(exc))
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
    kind = _check_logo(logo) if logo else ""
    if errors:
        raise ValidationFailed(errors)
    with action_context(channel=actor.channel), transaction.atomic():
        profile = CompanyProfile.objects.select_for_update().filter(pk=1).first() or (
            CompanyProfile(pk=1, version=0)
        )
        if expected_version is not None and profile.version != expected_version:
            raise VersionConflict(
                _("Someone else changed these details meanwhile."),
                current_version=profile.version,
            )
        before = {k: getattr(profile, k) for k in (*_TEXT, "siren", "vat_number", "logo_type")}
        for key, value in cleaned.items():
            setattr(profile, key, value)
        if logo:
            profile.logo, profile.logo_type = logo, kind
        elif remove_logo:
            profile.logo, profile.logo_type = b"", ""
        try:
            profile.full_clean()
        except DjangoValidationError as exc:
            raise ValidationFailed(
                {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            ) from None
        after = {k: getattr(profile, k) for k in before}
        changes = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        if logo:
            changes["logo"] = ("", f"{len(logo)} bytes")
        if not changes and profile.version:
            return profile
        profile.version += 1
        profile.updated_at = timezone.now()
        profile.save()
        audit.record(profile, "sales.company.updated", actor, changes=changes)
    return profile
