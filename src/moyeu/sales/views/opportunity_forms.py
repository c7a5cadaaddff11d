"""The opportunity form, the contact-role form and the kanban's "fill in and move" form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moyeu.core.context import Actor
from moyeu.core.registry import registry
from moyeu.identity.models import User
from moyeu.sales import money
from moyeu.sales.models import ContactRole, LostReason, Pipeline, StageKind
from moyeu.sales.services.opportunity_values import end_of_quarter
from moyeu.web.records.forms import RecordForm

CHOICE_LIMIT = 500


def account_choices(actor: Actor) -> list[tuple[str, str]]:
    model = registry.record_model("directory.account")
    if model is None:
        return []
    visible = model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]
    rows = visible.order_by("name", "id").values_list("id", "name")[:CHOICE_LIMIT]
    return [(str(pk), name) for pk, name in rows]


def contact_choices(actor: Actor, account_id: Any = None) -> list[tuple[str, str]]:
    """Visible contacts, those of ``account_id`` first."""
    model = registry.record_model("directory.contact")
    if model is None:
        return []
    visible = model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]
    rows = list(
        visible.order_by("last_name", "first_name", "id").values_list(
            "id", "first_name", "last_name", "account_id"
        )[:CHOICE_LIMIT]
    )
    rows.sort(key=lambda row: row[3] != account_id)
    return [(str(pk), f"{first} {last}".strip()) for pk, first, last, _account in rows]


def stage_choices(*, active_only: bool) -> list[tuple[str, Any]]:
    """Stages grouped by pipeline, as a select's option groups."""
    pipelines = Pipeline.objects.prefetch_related("stages").order_by("position", "name")
    if active_only:
        pipelines = pipelines.filter(is_active=True)
    return [(p.name, [(str(s.pk), s.name) for s in p.stages.all()]) for p in pipelines]


def owner_choices() -> list[tuple[str, str]]:
    users = User.objects.filter(is_active=True, is_service_account=False)
    return [(str(u.pk), str(u)) for u in users.order_by("first_name", "last_name", "username")]


class OpportunityForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    account = forms.ChoiceField(label=_("Account"))
    stage = forms.ChoiceField(
        label=_("Stage"),
        help_text=_("Each stage may require fields: the amount from “Proposal”, for instance."),
    )
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, help_text=_("ISO 4217, e.g. EUR"))
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Empty: the stage's default."),
    )
    expected_close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    competitors = forms.CharField(
        label=_("Competitors"), required=False, help_text=_("Separate names with commas.")
    )
    lost_reason = forms.ChoiceField(
        label=_("Lost reason"),
        choices=[("", "—"), *LostReason.choices],
        required=False,
        help_text=_("Required in a lost stage."),
    )
    lost_note = forms.CharField(label=_("Why it was lost"), max_length=500, required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def setup_fields(self) -> None:
        accounts = account_choices(self.actor)
        field = self.fields["account"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *accounts]
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ChoiceField)
        stage.choices = stage_choices(active_only=self.record is None)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = owner_choices()
        if self.record is None:
            self.initial.setdefault("currency", money.default_currency())
            self.initial.setdefault("expected_close_date", end_of_quarter())
            if self.actor.user is not None:
                self.initial.setdefault("owner", str(self.actor.user.pk))

    def initial_from(self, record: Any) -> dict[str, Any]:
        initial = super().initial_from(record)
        initial.update(
            account=str(record.account_id or ""),
            stage=str(record.stage_id),
            owner=str(record.owner_id or ""),
            competitors=", ".join(record.competitors),
        )
        return initial

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        if values.get("probability") == "":
            values.pop("probability")
        if self.record is not None and values.get("probability") == self.record.probability:
            values.pop("probability")  # unchanged: a move resets it to the new stage's
        if values.get("amount") == "":
            values["amount"] = None
        if not values.get("owner"):
            values.pop("owner", None)
        values["competitors"] = [
            name.strip() for name in str(values.get("competitors") or "").split(",")
        ]
        return values

    def field_for_path(self, path: str) -> str | None:
        if path == "pipeline":
            return "stage"
        if path == "contacts":
            return None
        return super().field_for_path(path)


class ContactRoleForm(forms.Form):
    contact = forms.ChoiceField(label=_("Contact"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *ContactRole.choices], required=False
    )

    def __init__(self, *args: Any, actor: Actor, account_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = contact_choices(actor, account_id)


class FillInForm(forms.Form):
    """The fields a refused move asks for, to fill in and move again."""

    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=18, decimal_places=2)
    expected_close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    next_step = forms.CharField(label=_("Next step"), max_length=300)
    competitors = forms.CharField(label=_("Competitors"), help_text=_("Separated by commas."))
    lost_reason = forms.ChoiceField(label=_("Lost reason"), choices=LostReason.choices)
    lost_note = forms.CharField(label=_("Why it was lost"), max_length=500, required=False)

    def __init__(self, *args: Any, fields: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wanted = set(fields) | ({"lost_note"} if "lost_reason" in fields else set())
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]


FILLABLE = ("amount", "expected_close_date", "next_step", "competitors", "lost_reason")
CLOSED_KINDS = (StageKind.WON, StageKind.LOST)
