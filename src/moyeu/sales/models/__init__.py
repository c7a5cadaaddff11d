from moyeu.sales.models.catalogue import Product, ProductKind, TaxRate, Unit
from moyeu.sales.models.company import CompanyProfile
from moyeu.sales.models.orders import Order, OrderStatus
from moyeu.sales.models.pricing import CustomerCondition, PriceList, PriceListItem
from moyeu.sales.models.quotes import Quote, QuoteLine, QuoteStatus

__all__ = [
    "CompanyProfile",
    "CustomerCondition",
    "Order",
    "OrderStatus",
    "PriceList",
    "PriceListItem",
    "Product",
    "ProductKind",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "TaxRate",
    "Unit",
]
