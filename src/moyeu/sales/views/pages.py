"""The sales pages: catalogue and quotes lists and details (generic record pages), a quote's
lines and actions, an order's statuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from moyeu.core import access
from moyeu.core.errors import MoyeuError, NotFound, ValidationFailed
from moyeu.identity.access import can_module
from moyeu.sales import services
from moyeu.sales.models import (
    CustomerCondition,
    Order,
    OrderStatus,
    PriceList,
    Product,
    ProductKind,
    Quote,
    QuoteStatus,
)
from moyeu.sales.pdf import pdf_filename, render_quote
from moyeu.sales.services.quote_mail import answer_url
from moyeu.sales.services.quote_math import totals
from moyeu.sales.views.forms import (
    ConditionForm,
    LineForm,
    OrderForm,
    PriceItemForm,
    PriceListForm,
    ProductForm,
    QuoteForm,
    ReasonForm,
    SendForm,
)
from moyeu.web.records import views as records
from moyeu.web.records.config import Column, Filter, RecordServices, RecordUI
from moyeu.web.records.views import get_visible


def _adapt(service: Callable[..., Any], key: str) -> Callable[..., Any]:
    return lambda *, record_id, **kw: service(**{key: record_id}, **kw)


def _price_list_panel(actor: Any, price_list: PriceList) -> dict[str, Any]:
    items = price_list.items.select_related("product").order_by("product__code")
    return {
        "items": items,
        "item_form": PriceItemForm(),
        "can_administer": can_module(actor, "sales", "administer"),
    }


PRODUCTS = RecordUI(
    model=Product,
    namespace="web:sales",
    name="product",
    columns=(
        Column("code", gettext_lazy("Code"), sort="code"),
        Column("name", gettext_lazy("Name"), sort="name", is_link=True),
        Column("kind", gettext_lazy("Type"), sort="kind"),
        Column("unit_price", gettext_lazy("Unit price excl. tax"), sort="unit_price"),
        Column("currency", gettext_lazy("Currency")),
        Column("tax_rate", gettext_lazy("VAT rate")),
        Column("is_active", gettext_lazy("Active")),
    ),
    filters=(
        Filter("kind", gettext_lazy("Type"), "kind", lambda actor: ProductKind.choices),
        Filter(
            "is_active",
            gettext_lazy("Active"),
            "is_active",
            lambda actor: [("true", _("Yes")), ("false", _("No"))],
        ),
    ),
    default_sort="code",
    form_class=ProductForm,
    services=RecordServices(
        create=services.product_create,
        update=_adapt(services.product_update, "product_id"),
        delete=_adapt(services.product_delete, "product_id"),
    ),
    detail_fields=(
        "code",
        "name",
        "kind",
        "unit",
        "unit_price",
        "currency",
        "tax_rate",
        "is_active",
        "description",
    ),
    select_related=("owner", "team", "tax_rate"),
    search_fields=("code", "name"),
)

PRICE_LISTS = RecordUI(
    model=PriceList,
    namespace="web:sales",
    name="price_list",
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", is_link=True),
        Column("currency", gettext_lazy("Currency"), sort="currency"),
        Column("segment", gettext_lazy("Customer segment"), sort="segment"),
        Column("valid_from", gettext_lazy("Valid from"), sort="valid_from"),
        Column("valid_until", gettext_lazy("Valid until"), sort="valid_until"),
        Column("is_active", gettext_lazy("Active")),
    ),
    default_sort="name",
    form_class=PriceListForm,
    services=RecordServices(
        create=services.price_list_create,
        update=_adapt(services.price_list_update, "price_list_id"),
        delete=_adapt(services.price_list_delete, "price_list_id"),
    ),
    detail_fields=("name", "currency", "segment", "valid_from", "valid_until", "is_active"),
    detail_panels=("sales/partials/price_list_items.html",),
    panel_context=_price_list_panel,
    search_fields=("name",),
)

CONDITIONS = RecordUI(
    model=CustomerCondition,
    namespace="web:sales",
    name="condition",
    columns=(
        Column("account", gettext_lazy("Account"), is_link=True),
        Column("product", gettext_lazy("Product")),
        Column("unit_price", gettext_lazy("Negotiated unit price")),
        Column("discount_percent", gettext_lazy("Discount (%)")),
        Column("valid_until", gettext_lazy("Valid until"), sort="valid_until"),
        Column("note", gettext_lazy("Note"), sort="note"),
    ),
    default_sort="-created_at",
    form_class=ConditionForm,
    services=RecordServices(
        create=services.customer_condition_create,
        update=_adapt(services.customer_condition_update, "condition_id"),
        delete=_adapt(services.customer_condition_delete, "condition_id"),
    ),
    detail_fields=(
        "account",
        "product",
        "unit_price",
        "currency",
        "discount_percent",
        "valid_from",
        "valid_until",
        "note",
    ),
    select_related=("owner", "team", "account", "product"),
)


def _quote_panel(actor: Any, quote: Quote) -> dict[str, Any]:
    lines = list(quote.lines.select_related("product"))
    result = totals(
        ((line.total_excl_tax, line.tax_rate) for line in lines), quote.discount_percent
    )
    can_change = access.can(actor, quote, "change")
    contact_email = getattr(quote.contact, "email", "") if quote.contact_id else ""
    order = Order.objects.filter(quote=quote).first()
    return {
        "lines": lines,
        "totals": result,
        "can_change": can_change and quote.status == QuoteStatus.DRAFT,
        "can_act": can_change,
        "line_form": LineForm(),
        "send_form": SendForm(initial={"to": contact_email or quote.sent_to}),
        "decline_form": ReasonForm(),
        "order": order,
        "answer_url": answer_url(quote) if quote.status == QuoteStatus.SENT else "",
        "versions": Quote.objects.visible_to(actor, "view")
        .filter(number=quote.number)
        .exclude(number="")
        .order_by("revision"),
    }


QUOTES = RecordUI(
    model=Quote,
    namespace="web:sales",
    name="quote",
    columns=(
        Column("number", gettext_lazy("Number"), sort="number", is_link=True),
        Column("title", gettext_lazy("Title"), sort="title"),
        Column("account", gettext_lazy("Account")),
        Column("status", gettext_lazy("Status"), sort="status"),
        Column("total_excl_tax", gettext_lazy("Total excl. tax"), sort="total_excl_tax"),
        Column("valid_until", gettext_lazy("Valid until"), sort="valid_until"),
        Column("owner", gettext_lazy("Owner"), sort="owner__last_name"),
    ),
    filters=(
        Filter("status", gettext_lazy("Status"), "status", lambda actor: QuoteStatus.choices),
    ),
    default_sort="-created_at",
    form_class=QuoteForm,
    services=RecordServices(
        create=services.quote_create,
        update=_adapt(services.quote_update, "quote_id"),
        delete=_adapt(services.quote_delete, "quote_id"),
    ),
    detail_fields=(
        "account",
        "contact",
        "title",
        "currency",
        "valid_until",
        "issue_date",
        "discount_percent",
        "notes",
    ),
    select_related=("owner", "team", "account", "contact"),
    panel_context=_quote_panel,
    search_fields=("number", "title"),
)


def _order_panel(actor: Any, order: Order) -> dict[str, Any]:
    lines = list(order.quote.lines.select_related("product"))
    return {
        "quote": order.quote,
        "lines": lines,
        "order_totals": totals(
            ((line.total_excl_tax, line.tax_rate) for line in lines), order.quote.discount_percent
        ),
        "can_act": access.can(actor, order, "change"),
        "reason_form": ReasonForm(),
    }


ORDERS = RecordUI(
    model=Order,
    namespace="web:sales",
    name="order",
    columns=(
        Column("number", gettext_lazy("Number"), sort="number", is_link=True),
        Column("account", gettext_lazy("Account")),
        Column("status", gettext_lazy("Status"), sort="status"),
        Column("total_incl_tax", gettext_lazy("Total incl. tax")),
        Column("ordered_at", gettext_lazy("Ordered at"), sort="ordered_at"),
        Column("owner", gettext_lazy("Owner"), sort="owner__last_name"),
    ),
    filters=(
        Filter("status", gettext_lazy("Status"), "status", lambda actor: OrderStatus.choices),
    ),
    default_sort="-created_at",
    form_class=OrderForm,
    # Only the edit page is routed: accepting a quote makes an order, and orders stay.
    services=RecordServices(
        create=services.order_update,
        update=_adapt(services.order_update, "order_id"),
        delete=_adapt(services.order_update, "order_id"),
    ),
    detail_fields=(
        "account",
        "contact",
        "status",
        "status_reason",
        "ordered_at",
        "delivered_at",
    ),
    select_related=("owner", "team", "account", "contact", "quote"),
    creatable=False,
    panel_context=lambda actor, order: _order_panel(actor, order),
)


@login_required
def quote_new(request: HttpRequest) -> HttpResponse:
    """The generic creation page, its account or contact filled from ``?account=``/``?contact=``."""
    actor = request.actor  # type: ignore[attr-defined]
    wanted = {key: request.GET[key] for key in ("account", "contact") if request.GET.get(key)}
    if request.method != "GET" or not wanted:
        return records.create_page(request, ui=QUOTES)
    if not access.can_create(actor, Quote):
        raise Http404
    form = QuoteForm(actor=actor, record_type=QUOTES.record_type, initial=wanted)
    context = {"ui": QUOTES, "form": form, "record": None}
    return render(request, ["sales/quote_form.html", "web/records/form.html"], context)


def _back(pk: Any) -> HttpResponse:
    return redirect("web:sales:quote_detail", pk=pk)


def _errors(request: HttpRequest, exc: MoyeuError) -> None:
    if isinstance(exc, ValidationFailed):
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.error(request, exc.message)


@login_required
@require_POST
def quote_add_line(request: HttpRequest, pk: str) -> HttpResponse:
    quote = get_visible(request, QUOTES, pk)
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            services.quote_add_line(
                actor=request.actor,  # type: ignore[attr-defined]
                quote_id=quote.pk,
                line=form.service_line(),
            )
        except ValidationFailed as exc:
            form.apply_service_errors(exc.errors)
        except NotFound:
            raise Http404 from None
        except MoyeuError as exc:
            form.add_error(None, exc.message)
    if form.errors:
        context = {"ui": QUOTES, "record": quote, **_quote_panel(request.actor, quote)}  # type: ignore[attr-defined]
        context["line_form"] = form
        return render(request, "sales/quote_detail.html", context, status=422)
    return _back(quote.pk)


@login_required
@require_POST
def quote_remove_line(request: HttpRequest, pk: str, position: int) -> HttpResponse:
    quote = get_visible(request, QUOTES, pk)
    try:
        services.quote_remove_line(
            actor=request.actor,  # type: ignore[attr-defined]
            quote_id=quote.pk,
            position=position,
        )
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        _errors(request, exc)
    return _back(quote.pk)


@login_required
@require_POST
def quote_action(request: HttpRequest, pk: str, action: str) -> HttpResponse:
    quote = get_visible(request, QUOTES, pk)
    actor = request.actor  # type: ignore[attr-defined]
    try:
        if action == "send":
            form = SendForm(request.POST)
            to = request.POST.get("to", "")
            services.quote_send(
                actor=actor,
                quote_id=quote.pk,
                to=to,
                message=request.POST.get("message", "") if form else "",
            )
            messages.success(request, _("Quote sent to %(to)s.") % {"to": to})
        elif action == "issue":
            services.quote_issue(actor=actor, quote_id=quote.pk)
            messages.success(request, _("Quote issued."))
        elif action == "accept":
            services.quote_accept(actor=actor, quote_id=quote.pk)
            messages.success(request, _("Quote accepted: its order is made."))
        elif action == "decline":
            services.quote_decline(
                actor=actor, quote_id=quote.pk, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Quote declined."))
        elif action == "revise":
            new = services.quote_revise(actor=actor, quote_id=quote.pk)
            messages.success(request, _("New version made: change it, then send it."))
            return _back(new.pk)
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        _errors(request, exc)
    return _back(quote.pk)


@login_required
def quote_pdf(request: HttpRequest, pk: str) -> HttpResponse:
    quote = get_visible(request, QUOTES, pk)
    response = HttpResponse(render_quote(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(quote)}"'
    return response


@login_required
@require_POST
def order_action(request: HttpRequest, pk: str, action: str) -> HttpResponse:
    order = get_visible(request, ORDERS, pk)
    actor = request.actor  # type: ignore[attr-defined]
    reason = request.POST.get("reason", "")
    moves: dict[str, Callable[[], Any]] = {
        "block": lambda: services.order_block(actor=actor, order_id=order.pk, reason=reason),
        "unblock": lambda: services.order_unblock(actor=actor, order_id=order.pk),
        "deliver": lambda: services.order_deliver(actor=actor, order_id=order.pk),
        "cancel": lambda: services.order_cancel(actor=actor, order_id=order.pk, reason=reason),
    }
    if action not in moves:
        raise Http404
    try:
        moves[action]()
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        _errors(request, exc)
    return redirect("web:sales:order_detail", pk=order.pk)


@login_required
@require_POST
def price_list_item(request: HttpRequest, pk: str, action: str) -> HttpResponse:
    """Set (add or replace) or remove one product's price in a list."""
    price_list = get_visible(request, PRICE_LISTS, pk)
    items = {str(item.product_id): item.unit_price for item in price_list.items.all()}
    form = PriceItemForm(request.POST)
    if action == "remove":
        items.pop(request.POST.get("product", ""), None)
    elif form.is_valid():
        items[str(form.cleaned_data["product"].pk)] = form.cleaned_data["unit_price"]
    else:
        messages.error(request, " ".join(str(e) for es in form.errors.values() for e in es))
        return redirect("web:sales:price_list_detail", pk=price_list.pk)
    try:
        services.price_list_update(
            actor=request.actor,  # type: ignore[attr-defined]
            price_list_id=price_list.pk,
            values={"items": [{"product": k, "unit_price": v} for k, v in items.items()]},
        )
    except NotFound:
        raise Http404 from None
    except MoyeuError as exc:
        _errors(request, exc)
    return redirect("web:sales:price_list_detail", pk=price_list.pk)
