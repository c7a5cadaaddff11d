"""The /api/v1 NinjaAPI, assembled from the platform routers and each module's api/routers.py.

A module exposes ``routers: list[tuple[str, Router]]`` in ``<module>.api.routers``; every
installed module (built-in or third-party) is mounted, disabled ones are not. Breaking
changes go to a new version: this object and its URLs stay.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from ninja import NinjaAPI, Router

from moyeu.api.auth import API_AUTH
from moyeu.api.problems import CONTENT_TYPE, install_handlers
from moyeu.api.rendering import RENDERER
from moyeu.api.routers import PLATFORM_ROUTERS
from moyeu.api.schemas import Problem
from moyeu.core.registry import registry
from moyeu.dataio.api.routers import routers as dataio_routers

DESCRIPTION = """\
The Moyeu CRM API. Authenticate with `Authorization: Bearer <token>` (get one from
`POST /auth/token` or the token screen) or the browser session (unsafe methods need the CSRF
token). Errors are RFC 9457 `application/problem+json` with a machine `code`. Lists are
cursor-paginated: `{"items": [...], "next_cursor": "..." | null}`. Guide: docs/api.md.
"""

_SCHEMA_REF = "#/components/schemas/{model}"


class MoyeuApi(NinjaAPI):
    """NinjaAPI whose OpenAPI documents the problem answer of every operation."""

    def get_openapi_operation_id(self, operation: Any) -> str:
        # Handler names are unique across modules (list_contacts, create_team...): they make
        # readable operation ids for generated clients.
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        problem = Problem.model_json_schema(ref_template=_SCHEMA_REF)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        default = {
            "description": "A problem (RFC 9457): the error's code, detail and field errors.",
            "content": {CONTENT_TYPE: {"schema": {"$ref": _SCHEMA_REF.format(model="Problem")}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("default", default)
        return schema


def module_routers() -> Iterator[tuple[str, Router]]:
    """(prefix, router) of every installed module that has an api/routers.py."""
    for spec in registry.modules():
        package = apps.get_app_config(spec.label).name
        if importlib.util.find_spec(f"{package}.api") is None:
            continue
        # api/duplicates.py (merge and review routes) before api/routers.py, so that
        # POST /contacts/merge is matched before /contacts/{id}.
        for name in ("duplicates", "routers"):
            if importlib.util.find_spec(f"{package}.api.{name}") is not None:
                yield from importlib.import_module(f"{package}.api.{name}").routers


def build_api() -> MoyeuApi:
    api = MoyeuApi(
        title="Moyeu API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api-v1",
        auth=API_AUTH,
        renderer=RENDERER,
    )
    install_handlers(api)
    for prefix, router in [*PLATFORM_ROUTERS, *module_routers(), *dataio_routers]:
        api.add_router(prefix, router)
    return api
