"""Labels of the directory's stored codes: kinds of rows, countries, activity codes, the
reasons of duplicate matches."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from moyeu.directory.duplicates import reasons
from moyeu.directory.models import AddressKind, EmailKind, PhoneKind
from moyeu.directory.reference import naf
from moyeu.directory.reference.countries import country_name

register = template.Library()

_KINDS = {"phone": PhoneKind, "email": EmailKind, "address": AddressKind}


@register.simple_tag
def choice_label(kind: str, value: str) -> str:
    choices = _KINDS[kind]
    return str(choices(value).label) if value in choices.values else value


@register.simple_tag
def country_label(code: str) -> str:
    return country_name(code, get_language() or "en") if code else ""


@register.simple_tag
def industry_label(code: str) -> str:
    return naf.describe(code, get_language()) if code else "—"


@register.filter
def reason_detail(detail: str) -> str:
    """A duplicate reason's stored English detail, in the user's language."""
    return reasons.detail_text(detail)


@register.filter
def reason_field(name: str) -> str:
    return reasons.field_label(name)
