"""The sales pages, mounted by the web app under /sales/ (namespace web:sales)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from moyeu.sales.views import pages, partials, public, settings
from moyeu.sales.views.pages import CONDITIONS, ORDERS, PRICE_LISTS, PRODUCTS, QUOTES
from moyeu.web.records import views as records
from moyeu.web.records.config import MenuEntry, register_ui
from moyeu.web.records.panels import RecordPanel
from moyeu.web.records.urls import record_urls

menu = [
    MenuEntry(_("Quotes"), "quote_list"),
    MenuEntry(_("Orders"), "order_list"),
    MenuEntry(_("Products"), "product_list"),
    MenuEntry(_("Price lists"), "price_list_list"),
    MenuEntry(_("Customer conditions"), "condition_list"),
    MenuEntry(_("VAT rates"), "tax_rates"),
    MenuEntry(_("Company details"), "company", audience="admin"),
]

# An account's and a contact's pages list their quotes and orders.
record_panels = [RecordPanel("quote_panel", _("Quotes and orders"), "quotes-panel")]

register_ui(ORDERS)

urlpatterns = [
    # The customer's answer page: no login, the signed link is the credential.
    path("q/<str:token>/", public.answer, name="quote_answer"),
    path("q/<str:token>/pdf/", public.answer_pdf, name="quote_answer_pdf"),
    path("panel/", partials.quote_panel, name="quote_panel"),
    # Before the generic pages: a new quote may start from an account's or a contact's page.
    path("quotes/new/", pages.quote_new, name="quote_new"),
    path("quotes/<str:pk>/lines/", pages.quote_add_line, name="quote_add_line"),
    path(
        "quotes/<str:pk>/lines/<int:position>/remove/",
        pages.quote_remove_line,
        name="quote_remove_line",
    ),
    path("quotes/<str:pk>/pdf/", pages.quote_pdf, name="quote_pdf"),
    *[
        path(
            f"quotes/<str:pk>/{action}/",
            pages.quote_action,
            {"action": action},
            name=f"quote_{action}",
        )
        for action in ("send", "issue", "accept", "decline", "revise")
    ],
    *record_urls(QUOTES, "quotes"),
    path("orders/", records.list_page, {"ui": ORDERS}, name="order_list"),
    path("orders/<str:pk>/", records.detail_page, {"ui": ORDERS}, name="order_detail"),
    path("orders/<str:pk>/edit/", records.edit_page, {"ui": ORDERS}, name="order_edit"),
    *[
        path(
            f"orders/<str:pk>/{action}/",
            pages.order_action,
            {"action": action},
            name=f"order_{action}",
        )
        for action in ("block", "unblock", "deliver", "cancel")
    ],
    *record_urls(PRODUCTS, "products"),
    path(
        "price-lists/<str:pk>/items/<str:action>/",
        pages.price_list_item,
        name="price_list_item",
    ),
    *record_urls(PRICE_LISTS, "price-lists"),
    *record_urls(CONDITIONS, "conditions"),
    path("settings/vat-rates/", settings.tax_rates, name="tax_rates"),
    path("settings/company/", settings.company, name="company"),
    path("settings/company/logo/", settings.company_logo, name="company_logo"),
]
