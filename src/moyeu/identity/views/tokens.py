"""API tokens: every user manages their own; administrators see and revoke everyone's."""

from __future__ import annotations

import datetime
import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moyeu.core.errors import MoyeuError, NotFound
from moyeu.identity.models import ApiToken, User
from moyeu.identity.services import tokens as token_services
from moyeu.identity.views.common import apply_errors
from moyeu.identity.views.forms import TokenForm


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    is_admin = request.user.is_superuser
    tokens = ApiToken.objects.select_related("user").order_by("-created_at")
    if not is_admin:
        tokens = tokens.filter(user=cast(User, request.user))
    context = {"tokens": tokens, "is_admin": is_admin, "now": timezone.now()}
    return render(request, "identity/token_list.html", context)


@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    is_admin = request.user.is_superuser
    form = TokenForm(request.POST or None, is_admin=is_admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = cast(User, data.get("user") or request.user)
        expires = data["expires_at"]
        try:
            token, secret = token_services.token_create(
                actor=request.actor,  # type: ignore[attr-defined]
                user_id=owner.pk,
                name=data["name"],
                scopes=data["scopes"],
                expires_at=(
                    timezone.make_aware(datetime.datetime.combine(expires, datetime.time.max))
                    if expires
                    else None
                ),
            )
        except MoyeuError as exc:
            apply_errors(form, exc)
        else:
            # The secret exists only in this response: it is stored hashed and never shown again.
            context = {"token": token, "secret": secret}
            response = render(request, "identity/token_created.html", context)
            response["Cache-Control"] = "no-store"
            return response
    context = {
        "form": form,
        "title": _("New API token"),
        "section": _("API tokens"),
        "back": "web:identity:token_list",
    }
    return render(request, "identity/form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: uuid.UUID) -> HttpResponse:
    try:
        token = token_services.token_revoke(
            actor=request.actor,  # type: ignore[attr-defined]
            token_id=token_id,
        )
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("web:identity:token_list")
