"""The account and contact forms: the model fields a person edits."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from moyeu.directory.models import Account, AccountKind
from moyeu.web.records.forms import RecordForm


class AccountForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=AccountKind.choices)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two-letter ISO code, e.g. FR."),
    )


class ContactForm(RecordForm):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=Account.objects.none(),
        required=False,
        empty_label=_("No account"),
    )

    def setup_fields(self) -> None:
        field = self.fields["account"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Account.objects.visible_to(self.actor, "view").order_by("name", "id")
