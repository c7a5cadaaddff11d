"""Platform routers (custom fields, audit, jobs, merges, search); modules have their own."""

from __future__ import annotations

from ninja import Router

from moyeu.api.routers.audit import router as audit_router
from moyeu.api.routers.business_calendars import router as business_calendars_router
from moyeu.api.routers.custom_fields import router as custom_fields_router
from moyeu.api.routers.jobs import router as jobs_router
from moyeu.api.routers.merges import router as merges_router
from moyeu.api.routers.search import router as search_router
from moyeu.api.routers.timeline import router as timeline_router
from moyeu.api.routers.validation_rules import router as validation_rules_router

PLATFORM_ROUTERS: list[tuple[str, Router]] = [
    ("/custom-fields", custom_fields_router),
    ("/validation-rules", validation_rules_router),
    ("/business-calendars", business_calendars_router),
    ("/audit", audit_router),
    ("/jobs", jobs_router),
    ("/merges", merges_router),
    ("/timeline", timeline_router),
    ("/search", search_router),
]
