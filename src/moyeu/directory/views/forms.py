"""The account and contact forms: the fields a person edits, and their repeated rows.

The primary e-mail, phone and account are ordinary fields (``email``, ``phone``,
``account``); the others are rows. The service gets one list each, the primary first, and
its errors on ``<list>.0`` come back on the primary field.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from moyeu.core.errors import ValidationFailed
from moyeu.directory.models import Account, AccountKind, Civility, SizeBand
from moyeu.directory.reference import naf
from moyeu.directory.views import nested
from moyeu.directory.views.nested import Row, RowSpec
from moyeu.web.records.forms import RecordForm


class DirectoryForm(RecordForm):
    """A record form with repeated rows (``row_specs``), sent to the service as lists."""

    row_specs: ClassVar[tuple[RowSpec, ...]] = ()
    # list -> {service row key: form field} of its primary row, e.g. {"email": "email"}
    primary_fields: ClassVar[dict[str, dict[str, str]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: dict[str, list[Row]] = {}
        for spec in self.row_specs:
            if self.is_bound:
                self.rows[spec.name] = nested.rows_from_post(spec, self.data)
            elif self.record is not None:
                self.rows[spec.name] = nested.rows_from_record(spec, self.record_rows(spec))
            else:
                self.rows[spec.name] = []

    def record_rows(self, spec: RowSpec) -> list[dict[str, Any]]:
        assert self.record is not None
        rows = list(self.record.related_snapshot().get(spec.name, []))
        return rows[1:] if spec.name in self.primary_fields else rows

    @property
    def row_sets(self) -> list[dict[str, Any]]:
        """Each list: its spec, columns (choices resolved), rows and a blank row after them."""
        return [
            {
                "spec": spec,
                "columns": nested.columns(spec, self.actor),
                "rows": self.rows[spec.name],
                "blank": Row(key=len(self.rows[spec.name]), values=spec.blank()),
            }
            for spec in self.row_specs
        ]

    def primary_kind(self, name: str) -> str | None:
        """The kind the record's primary row has, kept when its value is edited."""
        if self.record is None:
            return None
        rows = self.record.related_snapshot().get(name, [])
        return rows[0].get("kind") if rows else None

    def has_primary(self, name: str) -> bool:
        return any(self.cleaned_data.get(f) for f in self.primary_fields.get(name, {}).values())

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        for spec in self.row_specs:
            rows = nested.service_rows(spec, self.rows[spec.name])
            fields = self.primary_fields.get(spec.name)
            if fields is not None:
                first = {key: values.pop(field, "") for key, field in fields.items()}
                first = {k: v for k, v in first.items() if v not in (None, "")}
                kind = self.primary_kind(spec.name)
                if kind and "kind" not in fields:
                    first["kind"] = kind
                rows = [{**row, "is_primary": False} for row in rows]
                if self.has_primary(spec.name):
                    rows.insert(0, {**first, "is_primary": True})
            values[spec.name] = rows
        return values

    def apply_service_errors(self, exc: ValidationFailed) -> None:
        rest: dict[str, list[str]] = {}
        for path, messages in exc.errors.items():
            parts = path.split(".")
            name = parts[0]
            fields = self.primary_fields.get(name)
            if fields is not None and len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                if self.has_primary(name):
                    if index == 0:
                        target = fields.get(parts[2], next(iter(fields.values())))
                        rest.setdefault(target, []).extend(messages)
                        continue
                    path = f"{name}.{index - 1}.{parts[2]}"
            if name in self.rows and nested.attach_error(self.rows[name], path, messages):
                continue
            rest.setdefault(path, []).extend(messages)
        super().apply_service_errors(ValidationFailed(rest))
        if not self.errors:
            self.add_error(None, _("Some rows below need a correction."))


class AccountForm(DirectoryForm):
    row_specs = (nested.EMAILS, nested.PHONES, nested.ADDRESSES)
    primary_fields = {"emails": {"email": "email"}, "phones": {"number": "phone"}}

    name = forms.CharField(label=_("Legal name"), max_length=200)
    trade_name = forms.CharField(label=_("Trade name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=AccountKind.choices)
    industry = forms.CharField(
        label=_("Industry"),
        max_length=12,
        required=False,
        help_text=_("A NAF/NACE division (62) or a full code (62.01Z)."),
        widget=forms.TextInput(attrs={"list": "naf-divisions"}),
    )
    size_band = forms.ChoiceField(
        label=_("Size"), choices=[("", "—"), *SizeBand.choices], required=False
    )
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    siret = forms.CharField(label=_("SIRET"), max_length=24, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=24, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    parent = forms.ModelChoiceField(
        label=_("Parent account"),
        queryset=Account.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def setup_fields(self) -> None:
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        visible = Account.objects.visible_to(self.actor, "view").order_by("name", "id")
        if self.record is not None:
            visible = visible.exclude(pk=self.record.pk)
        field.queryset = visible

    @property
    def naf_divisions(self) -> list[tuple[str, str]]:
        return naf.division_choices(get_language())


class ContactForm(DirectoryForm):
    row_specs = (nested.EMAILS, nested.PHONES, nested.ADDRESSES, nested.OTHER_ACCOUNTS)
    primary_fields = {
        "emails": {"email": "email"},
        "phones": {"number": "phone"},
        "links": {"account": "account_id", "role": "account_role"},
    }

    civility = forms.ChoiceField(
        label=_("Civility"), choices=[("", "—"), *Civility.choices], required=False
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    language = forms.CharField(
        label=_("Language"), max_length=8, required=False, help_text=_("e.g. fr, en, nl")
    )
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=Account.objects.none(),
        required=False,
        empty_label=_("No account"),
    )
    account_role = forms.CharField(label=_("Role at this account"), max_length=100, required=False)

    def setup_fields(self) -> None:
        field = self.fields["account"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Account.objects.visible_to(self.actor, "view").order_by("name", "id")

    def initial_from(self, record: Any) -> dict[str, Any]:
        primary = record.account_links.filter(is_primary=True).first()
        # The role lives on the primary link; the generic form reads fields off the record.
        record.account_role = primary.role if primary else ""
        return super().initial_from(record)

    def has_primary(self, name: str) -> bool:
        if name == "links":
            return self.cleaned_data.get("account") is not None
        return super().has_primary(name)

    def record_rows(self, spec: RowSpec) -> list[dict[str, Any]]:
        if spec.name != "links":
            return super().record_rows(spec)
        assert self.record is not None
        return [
            {"account": str(link.account_id), "role": link.role}
            for link in self.record.account_links.filter(is_primary=False)
        ]
