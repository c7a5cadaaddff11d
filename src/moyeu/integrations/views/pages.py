"""The integration console's webhook pages: list, create, edit, deliveries, attempts, replay.

Views only parse input and call the services and queries; access is the services' (the
integrations administration right).
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.errors import MoyeuError, NotFound, PermissionDenied, ValidationFailed
from moyeu.integrations import queries, services
from moyeu.integrations.models import DeliveryStatus
from moyeu.integrations.services.deliveries import schedule
from moyeu.integrations.views.forms import WebhookForm


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _guard(call: Any) -> Any:
    try:
        return call()
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except NotFound:
        raise Http404 from None


def _apply(form: WebhookForm, exc: MoyeuError) -> None:
    if isinstance(exc, ValidationFailed):
        for field, errors in exc.errors.items():
            name = field.split(".", 1)[0]
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        form.add_error(None, exc.message)


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    rows = list(_guard(lambda: queries.subscriptions(_actor(request))).order_by("name", "id"))
    counts = queries.delivery_counts([row.pk for row in rows])
    context = {"webhooks": [(row, counts[row.pk]) for row in rows], "schedule": _schedule()}
    return render(request, "integrations/webhook_list.html", context)


def _schedule() -> list[str]:
    def human(seconds: float) -> str:
        delta = datetime.timedelta(seconds=seconds)
        if seconds < 60:
            return _("%(n)d s") % {"n": seconds}
        if seconds < 3600:
            return _("%(n)d min") % {"n": seconds // 60}
        if seconds < 86400:
            return _("%(n).1f h") % {"n": seconds / 3600}
        return _("%(n)d d") % {"n": delta.days}

    return [human(s) for s in schedule()]


@login_required
def webhook_create(request: HttpRequest) -> HttpResponse:
    _guard(lambda: queries.subscriptions(_actor(request)))
    form = WebhookForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = services.subscription_create(
                actor=_actor(request), values=form.cleaned_data
            )
        except MoyeuError as exc:
            _apply(form, exc)
        else:
            return _secret_page(request, subscription, secret)
    context = {"form": form, "title": _("New webhook")}
    return render(
        request, "integrations/webhook_form.html", context, status=422 if form.errors else 200
    )


def _secret_page(request: HttpRequest, subscription: Any, secret: str) -> HttpResponse:
    response = render(
        request, "integrations/webhook_secret.html", {"webhook": subscription, "secret": secret}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def webhook_detail(request: HttpRequest, webhook_id: uuid.UUID) -> HttpResponse:
    actor = _actor(request)
    subscription = _guard(lambda: queries.subscription(actor, webhook_id))
    form = WebhookForm(request.POST or None, initial=WebhookForm.initial_for(subscription))
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(
                actor=actor,
                subscription_id=webhook_id,
                values=form.cleaned_data,
                expected_version=int(request.POST.get("version") or 0) or None,
            )
        except MoyeuError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("web:integrations:webhook_detail", webhook_id=webhook_id)
    status = request.GET.get("status") or ""
    if status and status not in DeliveryStatus.values:
        status = ""
    rows = _guard(lambda: queries.deliveries(actor, webhook_id, status or None)).order_by("-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "webhook": subscription,
        "form": form,
        "page": page,
        "status": status,
        "statuses": DeliveryStatus.choices,
        "counts": queries.delivery_counts([subscription.pk])[subscription.pk],
    }
    return render(
        request, "integrations/webhook_detail.html", context, status=422 if form.errors else 200
    )


@login_required
def delivery_detail(
    request: HttpRequest, webhook_id: uuid.UUID, delivery_id: uuid.UUID
) -> HttpResponse:
    delivery = _guard(lambda: queries.delivery(_actor(request), webhook_id, delivery_id))
    attempts = list(delivery.tries.order_by("-id"))
    for attempt in attempts:
        try:
            body = json.dumps(json.loads(attempt.request_body), indent=2, ensure_ascii=False)
        except ValueError:
            body = attempt.request_body
        attempt.pretty_request_body = body
    context = {"webhook": delivery.subscription, "delivery": delivery, "attempts": attempts}
    return render(request, "integrations/delivery_detail.html", context)


@login_required
@require_POST
def webhook_rotate(request: HttpRequest, webhook_id: uuid.UUID) -> HttpResponse:
    subscription, secret = _guard(
        lambda: services.subscription_rotate_secret(
            actor=_actor(request), subscription_id=webhook_id
        )
    )
    return _secret_page(request, subscription, secret)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: uuid.UUID) -> HttpResponse:
    _guard(lambda: services.subscription_delete(actor=_actor(request), subscription_id=webhook_id))
    messages.success(request, _("Webhook deleted."))
    return redirect("web:integrations:webhook_list")


@login_required
@require_POST
def webhook_replay(request: HttpRequest, webhook_id: uuid.UUID) -> HttpResponse:
    """Replay the dead letters, or everything from a moment or an event id."""
    actor = _actor(request)
    scope = request.POST.get("scope", "dead")
    try:
        if scope == "dead":
            count = _guard(
                lambda: services.replay_dead_letters(actor=actor, subscription_id=webhook_id)
            )
        elif scope == "since":
            since = parse_datetime(request.POST.get("since", ""))
            if since is None:
                raise ValidationFailed({"since": [_("Give a date and time.")]})
            count = _guard(
                lambda: services.replay_from(actor=actor, subscription_id=webhook_id, since=since)
            )
        else:
            try:
                event_id = uuid.UUID(request.POST.get("event", "").strip())
            except ValueError:
                raise ValidationFailed({"from_event": [_("Not an event id.")]}) from None
            count = _guard(
                lambda: services.replay_from(
                    actor=actor, subscription_id=webhook_id, from_event=event_id
                )
            )
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("%(n)d deliveries queued again.") % {"n": count})
    return redirect("web:integrations:webhook_detail", webhook_id=webhook_id)


@login_required
@require_POST
def delivery_replay(
    request: HttpRequest, webhook_id: uuid.UUID, delivery_id: uuid.UUID
) -> HttpResponse:
    actor = _actor(request)
    _guard(lambda: queries.delivery(actor, webhook_id, delivery_id))
    _guard(lambda: services.delivery_replay(actor=actor, delivery_id=delivery_id))
    messages.success(request, _("Delivery queued again."))
    return redirect(
        "web:integrations:delivery_detail", webhook_id=webhook_id, delivery_id=delivery_id
    )
