"""Signing in and out. The user's language preference is applied when they sign in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "rate_limited": _(
            "Too many failed sign-in attempts. For your security, signing in is paused for a "
            "few minutes; try again later."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "moyeu_rate_limited", False):
                raise forms.ValidationError(
                    self.error_messages["rate_limited"], code="rate_limited"
                ) from None
            raise


_login = auth_views.LoginView.as_view(
    template_name="web/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
)


def login_view(request: HttpRequest) -> HttpResponseBase:
    response = _login(request)
    user = request.user
    if request.method == "POST" and user.is_authenticated and response.status_code == 302:
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


logout_view = auth_views.LogoutView.as_view()
