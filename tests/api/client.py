"""A JSON client for /api/v1, and personal tokens for the personas."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from moyeu.core.context import Actor
from moyeu.identity.models import User
from moyeu.identity.services import tokens
from tests.personas import Personas

BASE = "/api/v1"


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


class ApiClient:
    """Sends JSON to /api/v1 with a bearer token; answers are decoded (problems included)."""

    def __init__(self, secret: str | None = None) -> None:
        self.client = Client()
        self.secret = secret

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Answer:
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.secret:
            sent.setdefault("Authorization", f"Bearer {self.secret}")
        data: bytes | str = raw if raw is not None else ("" if body is None else json.dumps(body))
        url = path if path.startswith("/") and path.startswith(BASE) else BASE + path
        if method == "GET":
            response = self.client.get(url, params or {}, headers=sent)
        else:
            response = self.client.generic(
                method, url, data, content_type="application/json", headers=sent
            )
        content = response.content
        decoded = json.loads(content) if content else None
        return Answer(response.status_code, decoded, {k: v for k, v in response.items()})

    def get(self, path: str, **params: Any) -> Answer:
        return self.call("GET", path, params=params)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.call("PATCH", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.call("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.call("DELETE", path, **kwargs)

    def multipart(
        self, path: str, data: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> Answer:
        """POST ``data`` as multipart/form-data (files as Django ``SimpleUploadedFile``)."""
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.secret:
            sent.setdefault("Authorization", f"Bearer {self.secret}")
        response = self.client.post(BASE + path, data, headers=sent)
        content = response.content
        decoded = json.loads(content) if content else None
        return Answer(response.status_code, decoded, {k: v for k, v in response.items()})

    def download(self, path: str, *, headers: dict[str, str] | None = None) -> Any:
        """GET a file: the raw response (streamed content joined by the caller)."""
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.secret:
            sent.setdefault("Authorization", f"Bearer {self.secret}")
        return self.client.get(BASE + path, headers=sent)


def token_for(user: User, scopes: tuple[str, ...] = ("*",)) -> str:
    _token, secret = tokens.token_create(
        actor=Actor(user=user, channel="command"), user_id=user.pk, name="tests", scopes=scopes
    )
    return secret


def persona_clients(personas: Personas) -> dict[str, ApiClient]:
    """One token-authenticated client per persona: owner, teammate, manager, outsider, admin."""
    return {name: ApiClient(token_for(getattr(personas, name))) for name in personas.names}
