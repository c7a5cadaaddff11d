"""Who is acting and under which correlation id, for the whole of one user action.

A request, a task run, an import batch or a management command opens an action context;
services read the actor they are given explicitly, and the correlation id from here, so that
audit entries, events and log lines of one action share one id, inside or outside HTTP.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moyeu.identity.models import User

_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "moyeu_correlation_id", default=None
)
_channel: contextvars.ContextVar[str] = contextvars.ContextVar("moyeu_channel", default="system")


@dataclass(frozen=True)
class Actor:
    """The one doing a change: a user (through the UI, the API, a token) or the system."""

    user: User | None
    channel: str = "system"  # web, api, task, command, import, connector, system
    token_scopes: frozenset[str] | None = None  # None: not restricted by a token

    @property
    def user_id(self) -> Any:
        return self.user.pk if self.user is not None else None

    @property
    def label(self) -> str:
        return self.user.get_username() if self.user is not None else self.channel

    @classmethod
    def system(cls, channel: str = "system") -> Actor:
        return cls(user=None, channel=channel)


def current_correlation_id() -> str:
    value = _correlation_id.get()
    if value is None:
        # Outside any action context (a shell): each call is its own action.
        return uuid.uuid4().hex
    return value


def current_channel() -> str:
    return _channel.get()


@contextlib.contextmanager
def action_context(*, correlation_id: str | None = None, channel: str = "system") -> Iterator[str]:
    """Run a block as one action; nested contexts keep the outer correlation id."""
    outer = _correlation_id.get()
    value = correlation_id or outer or uuid.uuid4().hex
    token = _correlation_id.set(value)
    channel_token = _channel.set(channel)
    try:
        yield value
    finally:
        _correlation_id.reset(token)
        _channel.reset(channel_token)
