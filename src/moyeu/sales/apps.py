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
# Pipelines and opportunities (docs/decisions: opportunities and pipelines).
_OPPORTUNITY_TYPES = [
    RecordType(
        model_label="sales.Opportunity",
        name="opportunity",
        searchable_fields=("name", "next_step"),
        personal_data_fields=(),
    ),
]
_OPPORTUNITY_EVENTS = [
    "opportunity.created",
    "opportunity.updated",
    "opportunity.deleted",
    "opportunity.stage_changed",
    "opportunity.won",
    "opportunity.lost",
    "pipeline.created",
    "pipeline.updated",
    "pipeline.deleted",
]
_OPPORTUNITY_AUDIT = [
    "sales.opportunity.created",
    "sales.opportunity.updated",
    "sales.opportunity.deleted",
    "sales.opportunity.stage_changed",
    "sales.opportunity.won",
    "sales.opportunity.lost",
    "sales.pipeline.created",
    "sales.pipeline.updated",
    "sales.pipeline.deleted",
]


class SalesConfig(ModuleConfig):
    name = "moyeu.sales"
    default = True
    label = "sales"
    verbose_name = _("Sales")
    record_types = [*_CATALOGUE_TYPES, *_QUOTE_TYPES, *_OPPORTUNITY_TYPES]
    event_types = [*_CATALOGUE_EVENTS, *_QUOTE_EVENTS, *_OPPORTUNITY_EVENTS]
    audit_codes = [*_CATALOGUE_AUDIT, *_QUOTE_AUDIT, *_OPPORTUNITY_AUDIT]
    audit_titles = {
        "sales.opportunity.stage_changed": _("Moved to %(to_stage)s"),
        "sales.opportunity.won": _("Won (%(to_stage)s)"),
        "sales.opportunity.lost": _("Lost (%(to_stage)s)"),
    }
    # Quotes and orders; the milestones of an account's or contact's opportunities.
    timeline_kinds = ["quote", "order", "opportunity"]
    timeline_providers = [
        "moyeu.sales.timeline.QuoteTimeline",
        "moyeu.sales.opportunity_timeline.OpportunityTimeline",
    ]
    # An account's and a contact's timelines show their opportunities' items too (the
    # activities logged on an opportunity, its milestones).
    timeline_related = {
        "directory.account": "moyeu.sales.queries.account_opportunities_for_timeline",
        "directory.contact": "moyeu.sales.queries.contact_opportunities_for_timeline",
    }
    demo_loader = "moyeu.sales.demo.load"
