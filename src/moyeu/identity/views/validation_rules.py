"""Admin: validation rules per record type (definitions live in core; the service decides)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moyeu.core.errors import MoyeuError, NotFound
from moyeu.core.models import ValidationRule, ValidationRuleKind
from moyeu.core.services import validation_rule_definitions as rule_services
from moyeu.identity.views.common import admin_required, apply_errors
from moyeu.identity.views.forms import record_type_choices


class ValidationRuleForm(forms.Form):
    field = forms.ChoiceField(label=gettext_lazy("Field"), choices=())
    kind = forms.ChoiceField(label=gettext_lazy("Rule"), choices=ValidationRuleKind.choices)
    condition_field = forms.ChoiceField(
        label=gettext_lazy("When this field"),
        choices=(),
        required=False,
        help_text=gettext_lazy("For “required when”: the field that makes this one required."),
    )
    condition_value = forms.CharField(
        label=gettext_lazy("Has the value"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Leave empty for any value."),
    )
    pattern = forms.CharField(
        label=gettext_lazy("Pattern"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("A regular expression the whole value must match."),
    )
    allowed_values = forms.CharField(
        label=gettext_lazy("Allowed values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One per line."),
    )
    case_insensitive = forms.BooleanField(label=gettext_lazy("Ignore case"), required=False)
    message_en = forms.CharField(
        label=gettext_lazy("Message in English"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Leave empty for the default message."),
    )
    message_fr = forms.CharField(
        label=gettext_lazy("Message in French"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Leave empty for the default message."),
    )
    position = forms.IntegerField(label=gettext_lazy("Position"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, record_type: str, rule: ValidationRule | None = None, **kwargs: Any
    ) -> None:
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(rule, name) for name in self.base_fields if name != "allowed_values"
            } | {"allowed_values": "\n".join(rule.allowed_values)}
        super().__init__(*args, **kwargs)
        fields = rule_services.rule_fields(record_type)
        self.fields["field"].choices = fields  # type: ignore[attr-defined]
        self.fields["condition_field"].choices = [("", "—"), *fields]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        raw = data.pop("allowed_values") or ""
        data["allowed_values"] = [line.strip() for line in raw.splitlines() if line.strip()]
        return data


def _rule(rule_id: uuid.UUID) -> ValidationRule:
    rule = ValidationRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    return rule


@admin_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = list(ValidationRule.objects.all())
    groups = [
        (key, label, [r for r in rules if r.record_type == key])
        for key, label in record_type_choices()
    ]
    return render(request, "identity/validation_rule_list.html", {"groups": groups})


@admin_required
def rule_create(request: HttpRequest) -> HttpResponse:
    labels = dict(record_type_choices())
    record_type = request.GET.get("for", "")
    if record_type not in labels:
        return redirect("web:identity:validation_rule_list")
    form = ValidationRuleForm(request.POST or None, record_type=record_type)
    if request.method == "POST" and form.is_valid():
        try:
            rule_services.rule_create(
                actor=request.actor,  # type: ignore[attr-defined]
                record_type=record_type,
                **form.values(),
            )
        except MoyeuError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Validation rule created."))
            return redirect("web:identity:validation_rule_list")
    title = _("New validation rule: %(type)s") % {"type": labels[record_type]}
    return _form(request, form, title)


@admin_required
def rule_edit(request: HttpRequest, rule_id: uuid.UUID) -> HttpResponse:
    rule = _rule(rule_id)
    form = ValidationRuleForm(request.POST or None, record_type=rule.record_type, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            rule_services.rule_update(
                actor=request.actor,  # type: ignore[attr-defined]
                rule_id=rule.pk,
                **form.values(),
            )
        except MoyeuError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:identity:validation_rule_list")
    labels = dict(record_type_choices())
    title = _("Edit validation rule: %(type)s") % {
        "type": labels.get(rule.record_type, rule.record_type)
    }
    return _form(request, form, title)


@admin_required
def rule_delete(request: HttpRequest, rule_id: uuid.UUID) -> HttpResponse:
    rule = _rule(rule_id)
    if request.method == "POST":
        try:
            rule_services.rule_delete(
                actor=request.actor,  # type: ignore[attr-defined]
                rule_id=rule.pk,
            )
        except NotFound:
            raise Http404 from None
        messages.success(request, _("Validation rule deleted."))
        return redirect("web:identity:validation_rule_list")
    return render(request, "identity/validation_rule_delete.html", {"rule": rule})


def _form(request: HttpRequest, form: ValidationRuleForm, title: str) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "section": _("Validation rules"),
        "back": "web:identity:validation_rule_list",
    }
    return render(request, "identity/form.html", context, status=422 if form.errors else 200)
