"""Administrators' sales settings: the company's details (printed on quotes) and VAT rates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from moyeu.core.errors import MoyeuError, ValidationFailed, VersionConflict
from moyeu.identity.access import can_module
from moyeu.sales import services
from moyeu.sales.models import TaxRate
from moyeu.sales.services.common import uuid_or_none
from moyeu.sales.views.forms import CompanyForm, TaxRateForm

FIELDS = (
    "legal_name",
    "legal_form",
    "address",
    "postcode",
    "city",
    "country",
    "siren",
    "vat_number",
    "email",
    "phone",
    "website",
    "quote_terms",
)
MAX_LOGO = 512 * 1024


@login_required
def company(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not request.user.is_superuser:
        raise Http404
    profile = services.company_profile()
    initial = {name: getattr(profile, name) for name in FIELDS}
    form = CompanyForm(
        request.POST or None, request.FILES or None, initial={**initial, "version": profile.version}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("logo")
        logo = upload.read(MAX_LOGO + 1) if upload else None
        try:
            services.company_update(
                actor=actor,
                values={name: form.cleaned_data.get(name, "") for name in FIELDS},
                logo=logo,
                remove_logo=form.cleaned_data.get("remove_logo", False),
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationFailed as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except VersionConflict:
            form.add_error(None, _("Someone else changed these details meanwhile; reload."))
        else:
            messages.success(request, _("Company details saved."))
            return redirect("web:sales:company")
    status = 422 if form.errors else 200
    return render(request, "sales/company.html", {"form": form, "profile": profile}, status=status)


@login_required
def company_logo(request: HttpRequest) -> HttpResponse:
    profile = services.company_profile()
    if not profile.logo:
        raise Http404
    return HttpResponse(bytes(profile.logo), content_type=f"image/{profile.logo_type}")


@login_required
def tax_rates(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not can_module(actor, "sales", "view"):
        raise Http404
    services.ensure_default_tax_rates()
    can_administer = can_module(actor, "sales", "administer")
    form = TaxRateForm(request.POST or None)
    if request.method == "POST":
        change = request.POST.get("change")
        try:
            if change:
                rate_id = uuid_or_none(request.POST.get("rate_id"))
                rate = TaxRate.objects.filter(pk=rate_id).first() if rate_id else None
                if rate is None:
                    raise Http404
                values = (
                    {"is_default": True}
                    if change == "default"
                    else {"is_active": not rate.is_active}
                )
                services.tax_rate_update(actor=actor, tax_rate_id=rate.pk, values=values)
                messages.success(request, _("VAT rate changed."))
                return redirect("web:sales:tax_rates")
            if form.is_valid():
                services.tax_rate_create(actor=actor, values=form.cleaned_data)
                messages.success(request, _("VAT rate added."))
                return redirect("web:sales:tax_rates")
        except ValidationFailed as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except MoyeuError as exc:
            form.add_error(None, exc.message)
    context = {"rates": TaxRate.objects.all(), "form": form, "can_administer": can_administer}
    return render(request, "sales/tax_rates.html", context, status=422 if form.errors else 200)
