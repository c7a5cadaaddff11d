"""The webhook form: it only collects input; the services decide."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.CharField(
        label=_("Target URL"),
        max_length=2000,
        help_text=_("https:// address of the receiver. Internal addresses are refused."),
    )
    event_types = forms.CharField(
        label=_("Event types"),
        help_text=_("Comma-separated; * is a wildcard: contact.*, account.merged, or * for all."),
    )
    filter = forms.CharField(
        label=_("Filter (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Optional payload fields an event must hold: {"kind": ["call", "meeting"]}'),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_event_types(self) -> list[str]:
        raw: str = self.cleaned_data["event_types"]
        return [part.strip() for part in raw.split(",") if part.strip()]

    def clean_filter(self) -> dict[str, Any]:
        raw = (self.cleaned_data.get("filter") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON.")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give a JSON object of field: value."))
        return value

    @classmethod
    def initial_for(cls, subscription: Any) -> dict[str, Any]:
        return {
            "name": subscription.name,
            "url": subscription.url,
            "event_types": ", ".join(subscription.event_types),
            "filter": json.dumps(subscription.filter, ensure_ascii=False)
            if subscription.filter
            else "",
            "description": subscription.description,
            "is_active": subscription.is_active,
        }
