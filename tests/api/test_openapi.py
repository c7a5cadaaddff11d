"""The OpenAPI document is part of the contract: any change to it shows up in review.

Regenerate the snapshot after an intended change with:
    MOYEU_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/api/test_openapi.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.test import Client

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"

pytestmark = pytest.mark.django_db


def _document() -> dict[str, object]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)  # type: ignore[no-any-return]


def test_openapi_matches_the_snapshot() -> None:
    document = _document()
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("MOYEU_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8"), (
        "The OpenAPI document changed; if intended, regenerate the snapshot: "
        "MOYEU_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/api/test_openapi.py"
    )


def test_openapi_is_3_1_version_1_with_problems_and_both_auth_schemes() -> None:
    document = _document()
    assert (document["openapi"], document["info"]["version"]) == ("3.1.0", "1")  # type: ignore[index]
    schemes = document["components"]["securitySchemes"]  # type: ignore[index]
    assert schemes == {
        "TokenAuth": {"type": "http", "scheme": "bearer"},
        "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }
    for path, operations in document["paths"].items():  # type: ignore[attr-defined]
        for method, operation in operations.items():
            problem = operation["responses"]["default"]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}, (path, method)


def test_interactive_docs_are_served() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content
