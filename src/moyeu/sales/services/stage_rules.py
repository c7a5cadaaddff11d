"""What a stage asks of an opportunity before it may enter: its required fields.

A stage lists opportunity fields (``amount``, ``contacts``, ``custom.<name>``…) that must be
filled for an opportunity to be moved into it, and to stay there: the opportunity services
check them on every move and refuse to empty them later, whether the change comes from the
UI, the API, an import or a connector. A lost stage always needs a lost reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moyeu.core.services import custom_fields
from moyeu.sales.models import Opportunity, PipelineStage, StageKind

RECORD_TYPE = "sales.opportunity"
CUSTOM_PREFIX = "custom."

# Fields a stage may require, and their labels in messages.
REQUIRABLE: dict[str, Any] = {
    "account": gettext_lazy("Account"),
    "amount": gettext_lazy("Amount"),
    "contacts": gettext_lazy("Contacts"),
    "competitors": gettext_lazy("Competitors"),
    "next_step": gettext_lazy("Next step"),
}


def requirable_choices() -> list[tuple[str, str]]:
    """(field, label) of everything a stage may require, custom fields included."""
    choices = [(name, str(label)) for name, label in REQUIRABLE.items()]
    for definition in custom_fields.definitions_for(RECORD_TYPE):
        choices.append((CUSTOM_PREFIX + definition.name, definition.label))
    return choices


def unknown_fields(fields: Iterable[str]) -> list[str]:
    known = {name for name, _label in requirable_choices()}
    return [name for name in fields if name not in known]


def label_of(field: str) -> str:
    for name, label in requirable_choices():
        if name == field:
            return label
    return field


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def field_value(opportunity: Opportunity, field: str, contacts: int) -> Any:
    if field == "contacts":
        return contacts or None
    if field == "account":
        return opportunity.account_id
    if field.startswith(CUSTOM_PREFIX):
        return opportunity.custom.get(field.removeprefix(CUSTOM_PREFIX))
    return getattr(opportunity, field, None)


def missing_fields(stage: PipelineStage, opportunity: Opportunity, contacts: int) -> list[str]:
    """The fields ``stage`` requires that ``opportunity`` leaves empty (in the stage's order)."""
    wanted = list(stage.required_fields)
    if stage.kind == StageKind.LOST and "lost_reason" not in wanted:
        wanted.append("lost_reason")
    return [f for f in wanted if not _filled(field_value(opportunity, f, contacts))]


def entry_errors(
    stage: PipelineStage, missing: list[str], *, entering: bool
) -> dict[str, list[str]]:
    """One message per missing field, naming the field and the stage."""
    errors: dict[str, list[str]] = {}
    for field in missing:
        label = _("Lost reason") if field == "lost_reason" else label_of(field)
        if entering:
            message = _("“%(field)s” is required to enter the stage “%(stage)s”.")
        else:
            message = _("“%(field)s” is required in the stage “%(stage)s”.")
        errors[field] = [message % {"field": label, "stage": stage.name}]
    return errors


Check = Callable[[PipelineStage, Opportunity, int], dict[str, list[str]]]
