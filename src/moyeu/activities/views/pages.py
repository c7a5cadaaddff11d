"""The activity pages: the list and detail (generic), a form per kind, complete, my day."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from moyeu.activities import queries, services
from moyeu.activities.models import (
    Activity,
    ActivityKind,
    InvitationMethod,
    MeetingInvitation,
    Status,
)
from moyeu.activities.services import invitations as invitation_services
from moyeu.activities.views.forms import FORMS, NoteForm
from moyeu.core import access
from moyeu.core.errors import MoyeuError, NotFound, ValidationFailed, VersionConflict
from moyeu.core.registry import registry
from moyeu.web.records.config import Column, Filter, RecordServices, RecordUI, ui_for
from moyeu.web.records.views import get_visible

MAX_INVITATIONS = 100


def _detail_panels(actor: Any, activity: Activity) -> dict[str, Any]:
    """The records the activity concerns (those the viewer may see) and its attendees."""
    linked = []
    for link in activity.links.all():
        ui = ui_for(link.record_type)
        model = registry.record_model(link.record_type)
        if model is None:
            continue
        found = model._default_manager.visible_to(actor, "view").filter(pk=link.record_id).first()  # type: ignore[attr-defined]
        if found is None:
            continue
        linked.append(
            {
                "label": str(found),
                "type_label": str(model._meta.verbose_name),
                "url": reverse(ui.url("detail"), args=[found.pk]) if ui else "",
            }
        )
    attendees = [
        str(a.user) for a in activity.attendees.select_related("user") if a.user is not None
    ]
    for a in activity.attendees.all():
        model = registry.record_model(a.record_type) if a.record_id else None
        if model is not None:
            found = model._default_manager.visible_to(actor, "view").filter(pk=a.record_id).first()  # type: ignore[attr-defined]
            if found is not None:
                attendees.append(str(found))
    context: dict[str, Any] = {"linked": linked, "attendees": attendees}
    if activity.kind == ActivityKind.MEETING:
        invitations = MeetingInvitation.objects.filter(activity=activity)
        rows = list(invitations.order_by("-requested_at", "email")[:MAX_INVITATIONS])
        sent = [r.sequence for r in rows if r.method == InvitationMethod.REQUEST]
        context["invitations"] = rows
        # Changed since the last invitations went out: the guests hold an older copy.
        context["invitations_outdated"] = bool(sent) and max(sent) < activity.version
    return context


ACTIVITIES = RecordUI(
    model=Activity,
    namespace="web:activities",
    name="activity",
    columns=(
        Column("subject", gettext_lazy("Subject"), sort="subject", is_link=True),
        Column("kind", gettext_lazy("Kind"), sort="kind"),
        Column("occurred_at", gettext_lazy("Date"), sort="occurred_at"),
        Column("status", gettext_lazy("Status"), sort="status"),
        Column("owner", gettext_lazy("Owner"), sort="owner__last_name"),
        Column("tags", gettext_lazy("Tags")),
    ),
    filters=(
        Filter("kind", gettext_lazy("Kind"), "kind", lambda actor: ActivityKind.choices),
        Filter("status", gettext_lazy("Status"), "status", lambda actor: Status.choices),
    ),
    default_sort="-occurred_at",
    form_class=NoteForm,
    services=RecordServices(
        create=services.activity_create,
        update=lambda *, record_id, **kw: services.activity_update(activity_id=record_id, **kw),
        delete=lambda *, record_id, **kw: services.activity_delete(activity_id=record_id, **kw),
    ),
    detail_fields=("kind", "subject", "occurred_at", "status"),
    panel_context=_detail_panels,
    search_fields=("subject",),
)


def _render_form(request: HttpRequest, form: Any, record: Any, status: int = 200) -> HttpResponse:
    context = {"ui": ACTIVITIES, "form": form, "record": record, "kind": form.kind}
    return render(request, "activities/activity_form.html", context, status=status)


def _save(request: HttpRequest, form: Any, record: Activity | None) -> Activity | None:
    """Call the service with the form's values; its errors go back onto the form."""
    actor = request.actor  # type: ignore[attr-defined]
    try:
        if record is None:
            return services.activity_create(
                actor=actor,
                values=form.service_values(),
                custom=form.service_custom(),
                tags=form.service_tags(),
            )
        return services.activity_update(
            actor=actor,
            activity_id=record.pk,
            values=form.service_values(),
            custom=form.service_custom(),
            tags=form.service_tags(),
            expected_version=form.cleaned_data.get("version") or record.version,
        )
    except ValidationFailed as exc:
        form.apply_service_errors(exc)
    except VersionConflict:
        form.apply_error(_("Someone else changed this activity; reload it and try again."))
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        form.apply_error(exc.message, exc.details.get("field"))
    return None


@login_required
def create(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not access.can_create(actor, Activity):
        raise Http404
    kind = request.GET.get("kind", "")
    if kind not in FORMS:
        return render(request, "activities/choose_kind.html", {"ui": ACTIVITIES, "kinds": FORMS})
    # The calendar opens a meeting form at a slot: ?occurred_at=2026-11-26T10:00&ends_at=...
    initial = {k: request.GET[k] for k in ("occurred_at", "ends_at") if request.GET.get(k)}
    form = FORMS[kind](
        request.POST or None,
        actor=actor,
        record_type=ACTIVITIES.record_type,
        initial=initial if kind == ActivityKind.MEETING else None,
    )
    if request.method == "POST" and form.is_valid():
        activity = _save(request, form, None)
        if activity is not None:
            messages.success(request, _("%(name)s saved.") % {"name": activity})
            return redirect("web:activities:activity_detail", pk=activity.pk)
    return _render_form(request, form, None, status=422 if form.errors else 200)


@login_required
def edit(request: HttpRequest, pk: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    record = get_visible(request, ACTIVITIES, pk)
    if not access.can(actor, record, "change"):
        raise Http404
    form = FORMS[record.kind](
        request.POST or None, actor=actor, record_type=ACTIVITIES.record_type, record=record
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, record) is not None:
        messages.success(request, _("Changes saved."))
        return redirect("web:activities:activity_detail", pk=record.pk)
    return _render_form(request, form, record, status=422 if form.errors else 200)


@login_required
@require_POST
def change_status(request: HttpRequest, pk: str, change: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    record = get_visible(request, ACTIVITIES, pk)
    service = {
        "complete": services.activity_complete,
        "reopen": services.activity_reopen,
        "cancel": services.activity_cancel,
    }[change]
    try:
        service(actor=actor, activity_id=record.pk)
    except NotFound:
        raise Http404 from None
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    except MoyeuError as exc:
        messages.error(request, exc.message)
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("web:activities:activity_detail", pk=record.pk)


@login_required
@require_POST
def invite(request: HttpRequest, pk: str) -> HttpResponse:
    """Send the meeting's invitations (or their update) to the contacts attending."""
    actor = request.actor  # type: ignore[attr-defined]
    record = get_visible(request, ACTIVITIES, pk)
    version = request.POST.get("version", "")
    try:
        sent = invitation_services.meeting_invite(
            actor=actor,
            activity_id=record.pk,
            expected_version=int(version) if version.isdigit() else None,
        )
    except NotFound:
        raise Http404 from None
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    except VersionConflict:
        messages.error(request, _("Someone else changed this meeting; check it and send again."))
    except MoyeuError as exc:
        messages.error(request, exc.message)
    else:
        names = ", ".join(row.name or row.email for row in sent.invitations)
        messages.success(request, _("Invitations are being sent to: %(names)s.") % {"names": names})
        if sent.without_address:
            messages.warning(
                request,
                _("Not invited, no e-mail address: %(names)s.")
                % {"names": ", ".join(sent.without_address)},
            )
    return redirect("web:activities:activity_detail", pk=record.pk)


@login_required
def my_day(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    return render(request, "activities/my_day.html", queries.my_day(actor))
