"""One form per kind of activity: the fields that kind has, and the records it concerns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from moyeu.activities.models import ActivityKind
from moyeu.core.context import Actor
from moyeu.core.registry import registry
from moyeu.web.records.forms import RecordForm

CHOICES_PER_TYPE = 100


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def when(label: Any, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=required, widget=DateTimeInput())


def record_choices(actor: Actor) -> list[tuple[str, str]]:
    """Recently changed records of every registered type the actor sees (not activities)."""
    choices: list[tuple[str, str]] = []
    for _spec, declared in registry.record_types():
        model = registry.record_model(declared.model_label)
        if model is None or declared.model_label == "activities.Activity":
            continue
        visible = model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]
        label = str(model._meta.verbose_name).capitalize()
        for record in visible.order_by("-updated_at")[:CHOICES_PER_TYPE]:
            ref = f"{declared.model_label.lower()}:{record.pk}"
            choices.append((ref, f"{label} · {record}"))
    return choices


class ActivityForm(RecordForm):
    kind: ClassVar[str]
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    links = forms.MultipleChoiceField(label=_("Concerns"), required=True)

    def __init__(self, *args: Any, fixed_links: Sequence[str] = (), **kwargs: Any) -> None:
        self.fixed_links = list(fixed_links)
        super().__init__(*args, **kwargs)

    def setup_fields(self) -> None:
        if self.fixed_links:
            # Logged from a record's page: the record is given, the field is hidden.
            self.fields["links"] = forms.MultipleChoiceField(
                choices=[(ref, ref) for ref in self.fixed_links],
                initial=self.fixed_links,
                widget=forms.MultipleHiddenInput,
            )
            return
        choices = record_choices(self.actor)
        current = self.initial.get("links") or []
        known = {value for value, _label in choices}
        choices += [(ref, ref) for ref in current if ref not in known]
        field = self.fields["links"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
        field.widget.attrs["size"] = "6"

    @property
    def model_field_names(self) -> list[str]:
        return [name for name in super().model_field_names if name != "links"]

    def initial_from(self, record: Any) -> dict[str, Any]:
        initial = super().initial_from(record)
        initial["links"] = [link.as_ref() for link in record.links.all()]
        return initial

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        for name, field in self.fields.items():
            if isinstance(field, forms.DateTimeField) and name in values and values[name] == "":
                values[name] = None
            if isinstance(field, forms.IntegerField) and values.get(name) == "":
                values[name] = None
        if self.record is None:
            values["kind"] = self.kind
        values["links"] = list(self.cleaned_data.get("links") or self.fixed_links)
        return values


def body(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bold, italics, lists and links are kept; anything else is removed."),
    )


class CallForm(ActivityForm):
    kind = ActivityKind.CALL
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("outbound", _("Outbound")), ("inbound", _("Inbound"))],
    )
    phone_number = forms.CharField(label=_("Number"), max_length=40, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[
            ("", "—"),
            ("connected", _("Connected")),
            ("no_answer", _("No answer")),
            ("voicemail", _("Left a voicemail")),
            ("busy", _("Busy")),
            ("wrong_number", _("Wrong number")),
        ],
    )
    duration_seconds = forms.IntegerField(
        label=_("Duration (seconds)"), min_value=0, required=False
    )
    occurred_at = when(_("When"))
    recording_url = forms.URLField(label=_("Recording link"), required=False, assume_scheme="https")
    body = body(_("Notes"))


class MeetingForm(ActivityForm):
    kind = ActivityKind.MEETING
    occurred_at = when(_("Start"), required=True)
    ends_at = when(_("End"))
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    reminder_at = when(_("Remind me at"))
    body = body(_("Agenda"))


class TaskForm(ActivityForm):
    kind = ActivityKind.TASK
    due_at = when(_("Due"))
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("normal", _("Normal")), ("high", _("High")), ("low", _("Low"))],
    )
    reminder_at = when(_("Remind me at"))
    body = body(_("Details"))


class NoteForm(ActivityForm):
    kind = ActivityKind.NOTE
    body = body(_("Note"))


class EmailForm(ActivityForm):
    kind = ActivityKind.EMAIL
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("outbound", _("Sent")), ("inbound", _("Received"))],
    )
    email_from = forms.CharField(label=_("From"), max_length=320, required=False)
    email_to = forms.CharField(
        label=_("To"), required=False, help_text=_("Separate addresses with commas.")
    )
    email_cc = forms.CharField(label=_("Cc"), required=False)
    occurred_at = when(_("When"))
    message_id = forms.CharField(label=_("Message-ID"), max_length=500, required=False)
    body = body(_("Message"))

    def initial_from(self, record: Any) -> dict[str, Any]:
        initial = super().initial_from(record)
        initial["email_to"] = ", ".join(record.email_to)
        initial["email_cc"] = ", ".join(record.email_cc)
        return initial


class MessageForm(ActivityForm):
    kind = ActivityKind.MESSAGE
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            ("chat", _("Chat")),
            ("sms", _("SMS")),
            ("whatsapp", _("WhatsApp")),
            ("social", _("Social network")),
            ("other", _("Other")),
        ],
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("inbound", _("Received")), ("outbound", _("Sent"))],
    )
    occurred_at = when(_("When"))
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


FORMS: dict[str, type[ActivityForm]] = {
    form.kind: form for form in (CallForm, MeetingForm, TaskForm, NoteForm, EmailForm, MessageForm)
}
