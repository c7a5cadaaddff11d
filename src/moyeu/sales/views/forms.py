"""The sales forms: products, price lists, customer conditions, quotes, quote lines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import registry
from moyeu.sales.models import Product, ProductKind, TaxRate, Unit
from moyeu.sales.services import ensure_default_tax_rates
from moyeu.web.records.forms import RecordForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _visible(record_type: str, actor: Any) -> Any:
    model = registry.record_model(record_type)
    assert model is not None
    return model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]


class ProductForm(RecordForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ProductKind.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    unit_price = forms.DecimalField(
        label=_("Unit price excl. tax"), min_value=0, max_digits=14, decimal_places=4
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    tax_rate = forms.ModelChoiceField(label=_("VAT rate"), queryset=TaxRate.objects.none())
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def setup_fields(self) -> None:
        ensure_default_tax_rates()
        field = self.fields["tax_rate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = TaxRate.objects.filter(is_active=True)
        if self.record is None and not self.is_bound:
            self.initial.setdefault("tax_rate", TaxRate.objects.filter(is_default=True).first())


class PriceListForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    segment = forms.CharField(
        label=_("Customer segment"),
        max_length=64,
        required=False,
        help_text=_("An account tag; empty: every customer."),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ConditionForm(RecordForm):
    account = forms.ModelChoiceField(label=_("Account"), queryset=Product.objects.none())
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("Every product"),
    )
    unit_price = forms.DecimalField(
        label=_("Negotiated unit price"), required=False, min_value=0, decimal_places=4
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def setup_fields(self) -> None:
        account = self.fields["account"]
        product = self.fields["product"]
        assert isinstance(account, forms.ModelChoiceField)
        assert isinstance(product, forms.ModelChoiceField)
        account.queryset = _visible("directory.account", self.actor).order_by("name", "id")
        product.queryset = Product.objects.filter(is_active=True).order_by("code")

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        for key in ("unit_price", "discount_percent"):
            if values.get(key) == "":
                values[key] = None
        return values


class QuoteForm(RecordForm):
    account = forms.ModelChoiceField(label=_("Account"), queryset=Product.objects.none())
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Product.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    discount_percent = forms.DecimalField(
        label=_("Global discount (%)"), min_value=0, max_value=100, decimal_places=2, initial=0
    )
    notes = forms.CharField(
        label=_("Terms and notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def setup_fields(self) -> None:
        account = self.fields["account"]
        contact = self.fields["contact"]
        assert isinstance(account, forms.ModelChoiceField)
        assert isinstance(contact, forms.ModelChoiceField)
        account.queryset = _visible("directory.account", self.actor).order_by("name", "id")
        contact.queryset = _visible("directory.contact", self.actor).order_by(
            "last_name", "first_name", "id"
        )

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        if values.get("valid_until") == "":
            values["valid_until"] = None
        return values


class LineForm(forms.Form):
    """One line added to a draft: a product (priced by the pricing service) or free text."""

    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("Free line"),
    )
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, decimal_places=3, initial=1)
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        required=False,
        min_value=0,
        decimal_places=4,
        help_text=_("Empty: the customer's price."),
    )
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    tax_rate = forms.ModelChoiceField(
        label=_("VAT"),
        queryset=TaxRate.objects.none(),
        required=False,
        empty_label=_("Product's"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ensure_default_tax_rates()
        product = self.fields["product"]
        rate = self.fields["tax_rate"]
        assert isinstance(product, forms.ModelChoiceField)
        assert isinstance(rate, forms.ModelChoiceField)
        product.queryset = Product.objects.filter(is_active=True).order_by("code")
        rate.queryset = TaxRate.objects.filter(is_active=True)

    def service_line(self) -> dict[str, Any]:
        data = self.cleaned_data
        line: dict[str, Any] = {"quantity": data["quantity"]}
        if data.get("product") is not None:
            line["product"] = data["product"].pk
        for key in ("description", "unit_price", "discount_percent"):
            if data.get(key) not in (None, ""):
                line[key] = data[key]
        if data.get("tax_rate") is not None:
            line["tax_rate"] = data["tax_rate"].pk
        return line

    def apply_service_errors(self, errors: dict[str, list[str]]) -> None:
        for path, messages in errors.items():
            name = path.removeprefix("line.")
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class SendForm(forms.Form):
    to = forms.CharField(
        label=_("To"), max_length=1000, help_text=_("Separate addresses with commas.")
    )
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AnswerForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    reason = forms.CharField(label=_("Reason (if you decline)"), max_length=500, required=False)


class CompanyForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    legal_form = forms.CharField(label=_("Legal form and capital"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, required=False)
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    quote_terms = forms.CharField(
        label=_("Terms printed on quotes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    logo = forms.FileField(label=_("Logo (PNG or JPEG)"), required=False)
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TaxRateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    rate = forms.DecimalField(label=_("Rate (%)"), min_value=0, max_value=100, decimal_places=2)
    is_default = forms.BooleanField(label=_("Default"), required=False)


class OrderForm(RecordForm):
    delivery_date = forms.DateField(label=_("Expected delivery"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        if values.get("delivery_date") == "":
            values["delivery_date"] = None
        return values


class PriceItemForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    unit_price = forms.DecimalField(label=_("Unit price excl. tax"), min_value=0, decimal_places=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Product.objects.filter(is_active=True).order_by("code")
