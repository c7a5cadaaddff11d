"""The sales pages, mounted by the web app under /sales/ (namespace web:sales)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from moyeu.sales.views import (
    kanban,
    opportunity_pages,
    opportunity_partials,
    pages,
    partials,
    pipelines,
    public,
    reports,
    settings,
)
from moyeu.sales.views.opportunity_pages import OPPORTUNITIES
from moyeu.sales.views.pages import CONDITIONS, ORDERS, PRICE_LISTS, PRODUCTS, QUOTES
from moyeu.web.records import views as records
from moyeu.web.records.config import MenuEntry, register_ui
from moyeu.web.records.panels import RecordPanel
from moyeu.web.records.urls import record_urls

menu = [
    MenuEntry(_("Sales dashboard"), "dashboard"),
    MenuEntry(_("Pipeline"), "board_default"),
    MenuEntry(_("Opportunities"), "opportunity_list"),
    MenuEntry(_("Forecast"), "forecast"),
    MenuEntry(_("Pipelines"), "pipeline_list", audience="admin"),
    MenuEntry(_("Quotes"), "quote_list"),
    MenuEntry(_("Orders"), "order_list"),
    MenuEntry(_("Products"), "product_list"),
    MenuEntry(_("Price lists"), "price_list_list"),
    MenuEntry(_("Customer conditions"), "condition_list"),
    MenuEntry(_("VAT rates"), "tax_rates"),
    MenuEntry(_("Company details"), "company", audience="admin"),
]

# An account's and a contact's pages list their opportunities, quotes and orders.
record_panels = [
    RecordPanel("opportunity_panel", _("Opportunities"), "opportunities-panel"),
    RecordPanel("quote_panel", _("Quotes and orders"), "quotes-panel"),
]

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
    path("dashboard/", reports.dashboard, name="dashboard"),
    path("forecast/", reports.forecast_page, name="forecast"),
    path("board/", kanban.board_page, name="board_default"),
    path("board/<uuid:pk>/", kanban.board_page, name="board"),
    path("board/column/<uuid:stage_pk>/", kanban.column_more, name="board_column"),
    path("opportunities/new/", opportunity_pages.create, name="opportunity_new"),
    path("opportunities/<uuid:pk>/move/", kanban.move, name="opportunity_move"),
    path(
        "opportunities/<str:pk>/contacts/add/",
        opportunity_partials.contact_add,
        name="opportunity_contact_add",
    ),
    path(
        "opportunities/<str:pk>/contacts/remove/",
        opportunity_partials.contact_remove,
        name="opportunity_contact_remove",
    ),
    *record_urls(OPPORTUNITIES, "opportunities"),
    path("opportunities-panel/", opportunity_partials.record_panel, name="opportunity_panel"),
    path("pipelines/", pipelines.pipeline_list, name="pipeline_list"),
    path("pipelines/new/", pipelines.pipeline_create, name="pipeline_create"),
    path("pipelines/<uuid:pk>/", pipelines.pipeline_edit, name="pipeline_edit"),
    path("pipelines/<uuid:pk>/delete/", pipelines.pipeline_delete, name="pipeline_delete"),
]
