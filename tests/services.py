"""Tests that need an outside service call ``require_service``.

Without the service the test is skipped with a clear reason; with MOYEU_REQUIRE_SERVICES=1
(CI's PostgreSQL pass) a missing service fails the test instead.
"""

from __future__ import annotations

import os
import socket

import pytest


def services_required() -> bool:
    return os.environ.get("MOYEU_REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, available: bool, how_to_get_it: str) -> None:
    if available:
        return
    message = f"service {name} is not available: {how_to_get_it}"
    if services_required():
        pytest.fail(f"MOYEU_REQUIRE_SERVICES=1 and {message}")
    pytest.skip(message)
