"""Leads, opportunities and pipelines, products and price lists, quotes and orders."""

from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig, RecordType

# Products, price lists, customer conditions, quotes and orders (docs/decisions: quotes).
_CATALOGUE_TYPES = [
    RecordType(
        model_label="sales.Product",
        name="product",
        searchable_fields=("code", "name"),
        personal_data_fields=(),
    ),
    RecordType(
        model_label="sales.PriceList",
        name="price_list",
        searchable_fields=("name",),
        personal_data_fields=(),
    ),
    RecordType(
        model_label="sales.CustomerCondition",
        name="customer_condition",
        searchable_fields=(),
        personal_data_fields=(),
    ),
]
_QUOTE_TYPES = [
    RecordType(
        model_label="sales.Quote",
        name="quote",
        searchable_fields=("number", "title"),
        # The customer's answer names a person and where they answered from.
        personal_data_fields=("answered_by", "answered_ip", "sent_to"),
    ),
    RecordType(
        model_label="sales.Order",
        name="order",
        searchable_fields=("number",),
        personal_data_fields=(),
    ),
]
_QUOTE_EVENTS = [
    "quote.created",
    "quote.updated",
    "quote.deleted",
    "quote.sent",
    "quote.accepted",
    "quote.declined",
    "order.updated",
    "order.created",
    "order.status_changed",
]
_QUOTE_AUDIT = [
    "sales.quote.created",
    "sales.quote.updated",
    "sales.quote.deleted",
    "sales.quote.sent",
    "sales.quote.accepted",
    "sales.quote.declined",
    "sales.quote.revised",
    "sales.order.created",
    "sales.order.updated",
    "sales.order.status_changed",
    "sales.company.updated",
]
_CATALOGUE_EVENTS = [
    f"{name}.{verb}"
    for name in ("product", "price_list", "customer_condition")
    for verb in ("created", "updated", "deleted")
] + ["tax_rate.created", "tax_rate.updated"]
_CATALOGUE_AUDIT = [
    f"sales.{name}.{verb}"
    for name in ("product", "price_list", "customer_condition")
    for verb in ("created", "updated", "deleted")
] + ["sales.tax_rate.created", "sales.tax_rate.updated"]


class SalesConfig(ModuleConfig):
    name = "moyeu.sales"
    default = True
    label = "sales"
    verbose_name = _("Sales")
    record_types = [*_CATALOGUE_TYPES, *_QUOTE_TYPES]
    event_types = [*_CATALOGUE_EVENTS, *_QUOTE_EVENTS]
    audit_codes = [*_CATALOGUE_AUDIT, *_QUOTE_AUDIT]
    timeline_kinds = ["quote", "order"]
    timeline_providers = ["moyeu.sales.timeline.QuoteTimeline"]
    demo_loader = "moyeu.sales.demo.load"
