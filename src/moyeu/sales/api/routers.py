"""The sales module's endpoints, mounted under /api/v1 (see moyeu.api.v1)."""

from __future__ import annotations

from ninja import Router

from moyeu.sales.api import catalogue, opportunities, pipelines, quotes

routers: list[tuple[str, Router]] = [
    *catalogue.routers,
    *quotes.routers,
    ("/pipelines", pipelines.router),
    ("/opportunities", opportunities.router),
]
