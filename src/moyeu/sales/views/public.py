"""The customer's page behind a quote's signed link: read the quote, download its PDF,
accept or decline it. No login: the link is the credential, and it works once, until the
quote's validity date."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from moyeu.core.errors import Conflict, NotFound, ValidationFailed
from moyeu.core.services import ratelimit
from moyeu.sales import services
from moyeu.sales.models import Quote
from moyeu.sales.pdf import pdf_filename, quote_language, render_quote
from moyeu.sales.services.company import company_profile
from moyeu.sales.services.quote_math import totals
from moyeu.sales.views.forms import AnswerForm

# Answers sent from one address: a link is a credential, guessing at it is slowed down.
ANSWER_LIMIT = 20
ANSWER_WINDOW_SECONDS = 300


def _quote(token: str) -> Quote:
    try:
        return services.quote_for_token(token)
    except NotFound:
        raise Http404 from None


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _page(request: HttpRequest, quote: Quote, form: AnswerForm, **extra: object) -> HttpResponse:
    lines = list(quote.lines.all())
    context = {
        "quote": quote,
        "lines": lines,
        "totals": totals(
            ((line.total_excl_tax, line.tax_rate) for line in lines), quote.discount_percent
        ),
        "company": company_profile(),
        "form": form,
        "token": request.resolver_match.kwargs["token"] if request.resolver_match else "",
        **extra,
    }
    status = 422 if form.errors else 200
    return render(request, "sales/answer.html", context, status=status)


@never_cache
@csrf_protect
def answer(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and not ratelimit.hit(
        f"sales.quote_answer:{_client_ip(request)}",
        limit=ANSWER_LIMIT,
        window_seconds=ANSWER_WINDOW_SECONDS,
    ):
        return HttpResponse(_("Too many attempts; try again in a few minutes."), status=429)
    quote = _quote(token)
    language = request.LANGUAGE_CODE if request.COOKIES.get("django_language") else None
    with translation.override(language or quote_language(quote)):
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            accept = request.POST.get("answer") == "accept"
            change = services.quote_accept_by_link if accept else services.quote_decline_by_link
            kwargs = {} if accept else {"reason": form.cleaned_data["reason"]}
            try:
                quote = change(
                    token=token, name=form.cleaned_data["name"], ip=_client_ip(request), **kwargs
                )
            except ValidationFailed as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except Conflict as exc:
                return _page(request, _quote(token), AnswerForm(), refused=exc.message)
            except NotFound:
                raise Http404 from None
        return _page(request, quote, form)


@never_cache
def answer_pdf(request: HttpRequest, token: str) -> HttpResponse:
    quote = _quote(token)
    response = HttpResponse(render_quote(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(quote)}"'
    return response
