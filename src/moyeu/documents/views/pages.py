"""The documents' pages: the panel on every record, a document's page, the documents list.

Views parse the request, call the documents' services or queries and render; every read
goes through the actor's access to the document's record (404 when unseen).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from moyeu.core.errors import MoyeuError, NotFound, ValidationFailed, VersionConflict
from moyeu.documents import permissions, previews, queries, services, serving
from moyeu.documents.content import KINDS
from moyeu.documents.models import Document
from moyeu.web.records.config import ui_for

PAGE_SIZE = 30


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    folder = forms.CharField(label=gettext_lazy("Folder"), max_length=64, required=False)


class VersionForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _uuid(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _oversize(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > services.max_bytes() + 64 * 1024


def _too_large_message() -> str:
    return _("The file is larger than the limit of %(limit)s.") % {
        "limit": services.human_size(services.max_bytes())
    }


def record_links(pairs: set[tuple[str, Any]]) -> dict[tuple[str, Any], tuple[str, str]]:
    """(label, URL) of documents' records on their module's pages: one query per type."""
    found: dict[tuple[str, Any], tuple[str, str]] = {}
    for record_type in {record_type for record_type, _id in pairs}:
        model = permissions.parent_model(record_type)
        if model is None:
            continue
        ui = ui_for(model._meta.label_lower)
        ids = [record_id for kind, record_id in pairs if kind == record_type]
        for record in model._default_manager.filter(pk__in=ids):
            url = reverse(ui.url("detail"), kwargs={"pk": record.pk}) if ui is not None else ""
            found[(record_type, record.pk)] = (str(record), url)
    return found


def record_link(record_type: str, record_id: Any) -> tuple[str, str]:
    return record_links({(record_type, record_id)}).get((record_type, record_id), ("", ""))


def _accepted() -> str:
    kinds = services.allowed_kinds()
    return ",".join(ext for kind in kinds for ext in kind.extensions)


def _panel(
    request: HttpRequest,
    record_type: str,
    record_id: uuid.UUID | None,
    *,
    form: forms.Form | None = None,
    message: str = "",
    undo: Document | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = _actor(request)
    try:
        record = permissions.find_record(actor, record_type, record_id)
    except NotFound:
        raise Http404 from None
    documents = list(queries.for_record(actor, record_type, record.pk))
    context = {
        "record_type": record_type,
        "record": record,
        "documents": documents,
        "can_change": permissions.can_change_record(actor, record),
        "form": form or UploadForm(),
        "message": message,
        "undo": undo,
        "accept": _accepted(),
        "max_size": services.human_size(services.max_bytes()),
        "kinds": KINDS,
    }
    return render(request, "documents/partials/panel.html", context, status=status)


@login_required
@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    """The documents panel of a record's page (loaded by htmx)."""
    return _panel(request, request.GET.get("record_type", ""), _uuid(request.GET.get("record")))


def _apply_error(form: forms.Form, exc: MoyeuError) -> None:
    if isinstance(exc, ValidationFailed):
        for field, messages in exc.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        named = exc.details.get("field")
        form.add_error(named if named in form.fields else None, exc.message)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    record_type = str(request.GET.get("record_type", ""))
    record_id = _uuid(request.GET.get("record"))
    if _oversize(request):
        form = UploadForm()
        form.add_error("file", _too_large_message())
        return _panel(request, record_type, record_id, form=form, status=200)
    form = UploadForm(request.POST, request.FILES)
    message = ""
    if form.is_valid():
        try:
            document = services.document_upload(
                actor=_actor(request),
                record_type=record_type,
                record_id=record_id,
                file=form.cleaned_data["file"],
                folder=form.cleaned_data["folder"],
            )
        except NotFound:
            raise Http404 from None
        except MoyeuError as exc:
            _apply_error(form, exc)
        else:
            message = _("%(name)s attached.") % {"name": document.name}
            form = UploadForm()
    # htmx swaps only 2xx answers: the errors are shown inline in the panel it swaps in.
    return _panel(request, record_type, record_id, form=form, message=message)


def _document_or_404(request: HttpRequest, pk: uuid.UUID) -> Document:
    try:
        return queries.get(_actor(request), pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_POST
def delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    document = _document_or_404(request, pk)
    try:
        document = services.document_delete(actor=_actor(request), document_id=document.pk)
    except MoyeuError as exc:
        return _panel(request, document.record_type, document.record_id, message=exc.message)
    if request.POST.get("from") == "page":
        return redirect(reverse("web:documents:document_detail", args=[document.pk]))
    message = _("%(name)s moved to the trash.") % {"name": document.name}
    return _panel(request, document.record_type, document.record_id, message=message, undo=document)


@login_required
@require_POST
def restore(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    document = _document_or_404(request, pk)
    try:
        document = services.document_restore(actor=_actor(request), document_id=document.pk)
    except MoyeuError as exc:
        return _panel(request, document.record_type, document.record_id, message=exc.message)
    if request.POST.get("from") == "page":
        return redirect(reverse("web:documents:document_detail", args=[document.pk]))
    message = _("%(name)s restored.") % {"name": document.name}
    return _panel(request, document.record_type, document.record_id, message=message)


@login_required
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A document: preview, facts, every version, a new version, rename, delete."""
    actor = _actor(request)
    document = _document_or_404(request, pk)
    form = VersionForm()
    status = 200
    if request.method == "POST":
        if _oversize(request):
            form.add_error("file", _too_large_message())
            status = 422
        else:
            form = VersionForm(request.POST, request.FILES)
            status = 422
            if form.is_valid():
                try:
                    services.document_add_version(
                        actor=actor,
                        document_id=document.pk,
                        file=form.cleaned_data["file"],
                        expected_version=_int(request.POST.get("version")),
                    )
                except VersionConflict:
                    form.add_error(
                        None, _("Someone uploaded a version meanwhile; check it and try again.")
                    )
                except MoyeuError as exc:
                    _apply_error(form, exc)
                else:
                    return redirect(reverse("web:documents:document_detail", args=[document.pk]))
    label, url = record_link(document.record_type, document.record_id)
    context = {
        "document": document,
        "versions": queries.versions(document),
        "kind": KINDS.get(document.kind),
        "can_change": queries.can_change(actor, document),
        "can_preview": serving.can_preview_inline(document.kind),
        "form": form,
        "record_label": label,
        "record_url": url,
        "accept": _accepted(),
        "max_size": services.human_size(services.max_bytes()),
    }
    return render(request, "documents/detail.html", context, status=status)


def _page_query(request: HttpRequest) -> str:
    """The list's filters as a query string, without the page number."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _version(request: HttpRequest, pk: uuid.UUID, number: int | None) -> Any:
    try:
        return queries.get_version(_actor(request), pk, number)[1]
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def download(request: HttpRequest, pk: uuid.UUID, number: int | None = None) -> FileResponse:
    return serving.file_response(_version(request, pk, number))


@login_required
@require_GET
def inline(request: HttpRequest, pk: uuid.UUID, number: int) -> FileResponse:
    """The file itself for the preview frame: images and PDFs only."""
    version = _version(request, pk, number)
    if not serving.can_preview_inline(version.kind):
        raise Http404
    return serving.file_response(version, inline=True)


@login_required
@require_GET
def thumbnail(request: HttpRequest, pk: uuid.UUID, number: int) -> FileResponse:
    version = _version(request, pk, number)
    kind = KINDS.get(version.kind)
    if kind is None or not kind.is_image:
        raise Http404
    name = previews.thumbnail_name(version)
    if not name:
        raise Http404
    return serving.thumbnail_response(name)


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    """Every document the user sees, by folder; the trash with ?trash=1."""
    actor = _actor(request)
    in_trash = request.GET.get("trash") == "1"
    folder = request.GET.get("folder")
    kind = request.GET.get("type", "")
    search = request.GET.get("q", "").strip()
    documents = queries.visible(actor)
    documents = documents.in_trash() if in_trash else documents.live()
    if folder is not None:
        documents = documents.filter(folder=folder)
    if kind in KINDS:
        documents = documents.filter(kind=kind)
    if search:
        documents = documents.filter(name__icontains=search)
    ordered = documents.select_related("updated_by", "deleted_by").order_by("-updated_at", "-id")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    links = record_links({(d.record_type, d.record_id) for d in page})
    rows = [(d, *links.get((d.record_type, d.record_id), ("", ""))) for d in page]
    context = {
        "page": page,
        "rows": rows,
        "folders": queries.folders(actor),
        "folder": folder,
        "kind": kind,
        "search": search,
        "in_trash": in_trash,
        "kinds": [KINDS[name] for name in sorted({k.name for k in services.allowed_kinds()})],
        "page_query": _page_query(request),
    }
    return render(request, "documents/list.html", context)
