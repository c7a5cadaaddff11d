"""Errors raised by services. The API turns them into problem+json, the UI into messages."""

from __future__ import annotations

from typing import Any


class MoyeuError(Exception):
    """Base of service errors. ``code`` is a stable machine code such as core.not_found."""

    code = "core.error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class NotFound(MoyeuError):
    code = "core.not_found"
    status = 404


class PermissionDenied(MoyeuError):
    code = "core.permission_denied"
    status = 403


class VersionConflict(MoyeuError):
    """The record changed since the caller read it (optimistic concurrency)."""

    code = "core.version_conflict"
    status = 412

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message, current_version=current_version)
        self.current_version = current_version


class ValidationFailed(MoyeuError):
    """Input is invalid; ``errors`` maps a field path to its messages."""

    code = "core.validation_failed"
    status = 422

    def __init__(self, errors: dict[str, list[str]], message: str = "Invalid input") -> None:
        super().__init__(message, errors=errors)
        self.errors = errors


class Conflict(MoyeuError):
    """The change conflicts with existing data (a unique value, an external id)."""

    code = "core.conflict"
    status = 409
