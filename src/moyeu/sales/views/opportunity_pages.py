"""The opportunities' record pages (list, detail, forms) described once for the generic layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moyeu.core import access
from moyeu.core.context import Actor
from moyeu.core.errors import MoyeuError, ValidationFailed
from moyeu.core.models import Tag
from moyeu.core.registry import registry
from moyeu.sales import services
from moyeu.sales.models import LostReason, Opportunity, OpportunityContact, Pipeline, StageKind
from moyeu.sales.views.opportunity_forms import (
    ContactRoleForm,
    OpportunityForm,
    account_choices,
    owner_choices,
)
from moyeu.web.records.config import Column, Filter, RecordServices, RecordUI
from moyeu.web.records.history import history_for

CHOICE_LIMIT = 200


def _pipelines(actor: Actor) -> Sequence[tuple[str, Any]]:
    return [(str(p.pk), p.name) for p in Pipeline.objects.order_by("position", "name")]


def _stages(actor: Actor) -> Sequence[tuple[str, Any]]:
    return [
        (str(stage.pk), f"{pipeline.name} · {stage.name}")
        for pipeline in Pipeline.objects.prefetch_related("stages").order_by("position", "name")
        for stage in pipeline.stages.all()
    ]


def _tags(actor: Actor) -> Sequence[tuple[str, Any]]:
    return [(t.name, t.name) for t in Tag.objects.order_by("name")[:CHOICE_LIMIT]]


def _verb(code: str, data: dict[str, Any], default: Any) -> Any:
    """How the history names a move: "moved it to Proposal", "marked it won"."""
    stage = (data.get("to_stage") or {}).get("name", "")
    verb = code.rsplit(".", 1)[-1]
    if verb == "stage_changed":
        return _("moved it to %(stage)s") % {"stage": stage}
    if verb == "won":
        return _("marked it won (%(stage)s)") % {"stage": stage}
    if verb == "lost":
        return _("marked it lost (%(stage)s)") % {"stage": stage}
    return default


def _detail(actor: Actor, opportunity: Opportunity) -> dict[str, Any]:
    """The stage path, the contacts with their roles, the account, the history."""
    stages = list(opportunity.pipeline.stages.order_by("position"))
    contact_model = registry.record_model("directory.contact")
    roles = list(opportunity.contact_roles.all())
    people: dict[Any, Any] = {}
    if contact_model is not None and roles:
        visible = contact_model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]
        people = {c.pk: c for c in visible.filter(pk__in=[r.contact_id for r in roles])}
    account_model = registry.record_model("directory.account")
    account = None
    if account_model is not None and opportunity.account_id:
        account = (
            account_model._default_manager.visible_to(actor, "view")  # type: ignore[attr-defined]
            .filter(pk=opportunity.account_id)
            .first()
        )
    history = [
        replace(item, verb=_verb(item.entry.code, item.entry.data, item.verb))
        for item in history_for(actor, opportunity)
    ]
    return {
        "lost_reasons": LostReason.choices,
        "contact_form": ContactRoleForm(actor=actor, account_id=opportunity.account_id),
        "stages": stages,
        "open_stages": [s for s in stages if s.kind == StageKind.OPEN],
        "closed_stages": [s for s in stages if s.kind != StageKind.OPEN],
        "contact_rows": [(role, people.get(role.contact_id)) for role in roles],
        "account": account,
        "sales_history": history,
    }


OPPORTUNITIES = RecordUI(
    model=Opportunity,
    namespace="web:sales",
    name="opportunity",
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", is_link=True),
        Column("account", gettext_lazy("Account"), sort="account__name"),
        Column("stage", gettext_lazy("Stage"), sort="stage__position"),
        Column("amount_display", gettext_lazy("Amount"), sort="amount"),
        Column("probability", gettext_lazy("Probability (%)"), sort="probability"),
        Column(
            "expected_close_date", gettext_lazy("Expected close date"), sort="expected_close_date"
        ),
        Column("owner", gettext_lazy("Owner"), sort="owner__last_name"),
        Column("tags", gettext_lazy("Tags")),
    ),
    filters=(
        Filter("pipeline", gettext_lazy("Pipeline"), "pipeline_id", _pipelines),
        Filter("stage", gettext_lazy("Stage"), "stage_id", _stages),
        Filter("status", gettext_lazy("Status"), "status", lambda actor: StageKind.choices),
        Filter("account", gettext_lazy("Account"), "account_id", account_choices),
        Filter("owner", gettext_lazy("Owner"), "owner_id", lambda actor: owner_choices()),
        Filter("close_after", gettext_lazy("Closing from"), "expected_close_date__gte"),
        Filter("close_before", gettext_lazy("Closing before"), "expected_close_date__lt"),
        Filter("tag", gettext_lazy("Tag"), "tags__name", _tags),
    ),
    default_sort="expected_close_date",
    form_class=OpportunityForm,
    services=RecordServices(
        create=services.opportunity_create,
        update=lambda *, record_id, **kw: services.opportunity_update(
            opportunity_id=record_id, **kw
        ),
        delete=lambda *, record_id, **kw: services.opportunity_delete(
            opportunity_id=record_id, **kw
        ),
    ),
    detail_fields=(
        "account",
        "amount_display",
        "probability",
        "expected_close_date",
        "next_step",
        "competitors",
    ),
    select_related=("owner", "team", "account", "stage", "pipeline"),
    panel_context=_detail,
    search_fields=("name", "next_step"),
)


def contact_role_rows(opportunity: Opportunity) -> list[dict[str, Any]]:
    """The opportunity's contacts as the service takes them (to add or remove one)."""
    return [
        {"contact": str(row.contact_id), "role": row.role, "is_primary": row.is_primary}
        for row in OpportunityContact.objects.filter(opportunity=opportunity).order_by("position")
    ]


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """The generic creation page, opened from an account's page with its account chosen."""
    actor = request.actor  # type: ignore[attr-defined]
    if not access.can_create(actor, Opportunity):
        raise Http404
    initial = {"account": request.GET["account"]} if request.GET.get("account") else {}
    form = OpportunityForm(
        request.POST or None, actor=actor, record_type=OPPORTUNITIES.record_type, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.opportunity_create(
                actor=actor,
                values=form.service_values(),
                custom=form.service_custom(),
                tags=form.service_tags(),
            )
        except ValidationFailed as exc:
            form.apply_service_errors(exc)
        except MoyeuError as exc:
            form.apply_error(exc.message, exc.details.get("field"))
        else:
            messages.success(request, _("%(name)s created.") % {"name": record})
            return redirect("web:sales:opportunity_detail", pk=record.pk)
    context = {"ui": OPPORTUNITIES, "form": form, "record": None}
    return render(request, "web/records/form.html", context, status=422 if form.errors else 200)
