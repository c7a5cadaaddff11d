"""The kanban board: a pipeline's columns, more cards as a column scrolls, drag to move.

A drop posts the card's new stage and the version the page showed; the move service applies
the stage's rules. The answer is the card as it now is — in its new column, or back in its
own with the reason it did not move and, when the stage asks for fields a card can take (an
amount, a lost reason), a small form to fill them in and move again — plus the columns'
counts and sums, swapped out of band. Without JavaScript, each card has a "Move to" form.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.errors import (
    MoyeuError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VersionConflict,
)
from moyeu.identity.access import can_module
from moyeu.sales import kanban, services
from moyeu.sales.models import Opportunity, Pipeline, PipelineStage
from moyeu.sales.views.opportunity_forms import FILLABLE, FillInForm


def _require_sales(request: HttpRequest) -> Any:
    actor = request.actor  # type: ignore[attr-defined]
    if not can_module(actor, "sales", "view"):
        raise Http404
    return actor


def _filter(request: HttpRequest, actor: Any) -> kanban.BoardFilter:
    mine = request.GET.get("owner") == "me" or request.POST.get("owner") == "me"
    return kanban.BoardFilter(owner_id=actor.user_id if mine else None)


@login_required
def board_page(request: HttpRequest, pk: Any = None) -> HttpResponse:
    actor = _require_sales(request)
    pipelines = list(Pipeline.objects.filter(is_active=True).order_by("position", "name"))
    if pk is not None:
        pipeline = Pipeline.objects.filter(pk=pk).first()
        if pipeline is None:
            raise Http404
    else:
        pipeline = services.default_pipeline()
    context: dict[str, Any] = {
        "pipelines": pipelines,
        "pipeline": pipeline,
        "mine": request.GET.get("owner") == "me",
        "can_administer": can_module(actor, "sales", "administer"),
    }
    if pipeline is not None:
        board_filter = _filter(request, actor)
        context["columns"] = kanban.board(actor, pipeline, board_filter=board_filter)
    return render(request, "sales/kanban.html", context)


@login_required
def column_more(request: HttpRequest, stage_pk: Any) -> HttpResponse:
    actor = _require_sales(request)
    stage = PipelineStage.objects.filter(pk=stage_pk).first()
    if stage is None:
        raise Http404
    try:
        cards, cursor = kanban.column_page(
            actor, stage, board_filter=_filter(request, actor), cursor=request.GET.get("cursor")
        )
    except kanban.BadCursor:
        return HttpResponse(_("Invalid cursor; reload the board."), status=400)
    context = {
        "cards": cards,
        "stage": stage,
        "next_cursor": cursor,
        "mine": _filter(request, actor).owner_id is not None,
    }
    return render(request, "sales/partials/kanban_cards.html", context)


def _ids(raw: str | None) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(str(raw))] if raw else []
    except ValueError:
        return []


def _version(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _answer(
    request: HttpRequest,
    actor: Any,
    opportunity_id: Any,
    *,
    status: int = 200,
    error: str = "",
    field_errors: dict[str, list[str]] | None = None,
    target: PipelineStage | None = None,
) -> HttpResponse:
    found = kanban.card(actor, opportunity_id)
    if found is None:
        raise Http404
    context: dict[str, Any] = {
        "card": found,
        "error": error,
        "mine": request.POST.get("owner") == "me",
    }
    if field_errors:
        fillable = [name for name in field_errors if name in FILLABLE]
        context["messages_list"] = [m for ms in field_errors.values() for m in ms]
        context["needs_edit"] = any(name not in FILLABLE for name in field_errors)
        if fillable and target is not None:
            context["fill_form"] = FillInForm(fields=fillable)
            context["target"] = target
    if status == 200:
        pipeline = Opportunity.objects.only("pipeline_id").get(pk=opportunity_id).pipeline
        context["columns"] = kanban.board(
            actor, pipeline, board_filter=_filter(request, actor), with_cards=False
        )
    return render(request, "sales/partials/kanban_move.html", context, status=status)


@login_required
@require_POST
def move(request: HttpRequest, pk: Any) -> HttpResponse:
    actor = _require_sales(request)
    stage = PipelineStage.objects.filter(pk__in=_ids(request.POST.get("stage"))).first()
    if stage is None:
        return HttpResponse(_("Choose a stage."), status=400)
    form = FillInForm(request.POST, fields=[f for f in FILLABLE if f in request.POST])
    values = {}
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    elif form.errors:
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return _answer(request, actor, pk, status=422, field_errors=errors, target=stage)
    try:
        services.opportunity_move_stage(
            actor=actor,
            opportunity_id=pk,
            stage_id=stage.pk,
            values=values,
            expected_version=_version(request.POST.get("version")),
        )
    except ValidationFailed as exc:
        if not request.htmx:  # type: ignore[attr-defined]
            messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
            return _back(request, stage)
        return _answer(
            request, actor, pk, status=422, error=exc.message, field_errors=exc.errors, target=stage
        )
    except VersionConflict:
        message = _("Someone else changed this opportunity: here it is as it is now.")
        return _refused(request, actor, pk, stage, message, 409)
    except PermissionDenied:
        return _refused(request, actor, pk, stage, _("You may not move this opportunity."), 403)
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        return _refused(request, actor, pk, stage, exc.message, 409)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("Moved to %(stage)s.") % {"stage": stage.name})
        return _back(request, stage)
    return _answer(request, actor, pk)


def _refused(
    request: HttpRequest, actor: Any, pk: Any, stage: PipelineStage, message: str, status: int
) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(request, message)
        return _back(request, stage)
    return _answer(request, actor, pk, status=status, error=message)


def _back(request: HttpRequest, stage: PipelineStage) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(reverse("web:sales:board", args=[stage.pipeline_id]))
