from moyeu.sales.models.catalogue import Product, ProductKind, TaxRate, Unit
from moyeu.sales.models.company import CompanyProfile
from moyeu.sales.models.opportunities import (
    ContactRole,
    LostReason,
    Opportunity,
    OpportunityContact,
)
from moyeu.sales.models.orders import Order, OrderStatus
from moyeu.sales.models.pipelines import Pipeline, PipelineStage, StageKind
from moyeu.sales.models.pricing import CustomerCondition, PriceList, PriceListItem
from moyeu.sales.models.quotes import Quote, QuoteLine, QuoteStatus

__all__ = [
    "CompanyProfile",
    "ContactRole",
    "CustomerCondition",
    "LostReason",
    "Opportunity",
    "OpportunityContact",
    "Order",
    "OrderStatus",
    "Pipeline",
    "PipelineStage",
    "PriceList",
    "PriceListItem",
    "Product",
    "ProductKind",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "StageKind",
    "TaxRate",
    "Unit",
]
