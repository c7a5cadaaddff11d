"""Wrong settings stop Moyeu at start-up with a message naming the variable.

Settings are read once per process, so each case starts a fresh Python with its environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MOYEU_") and key != "DATABASE_URL"
    }
    environment.update(DJANGO_SETTINGS_MODULE="moyeu.settings", MOYEU_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('ready')"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_defaults_start(tmp_path: Path) -> None:
    result = start(tmp_path)
    assert (result.returncode, result.stdout) == (0, "ready\n")
    assert len((tmp_path / "secret_key").read_text()) == 67  # token_urlsafe(50), kept in var/


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MOYEU_DEBUG": "maybe"},
            "django.core.exceptions.ImproperlyConfigured: "
            "MOYEU_DEBUG must be a boolean (1/0, true/false), got 'maybe'",
        ),
        (
            {"DATABASE_URL": "mysql://root@127.0.0.1:3306/test"},
            "django.core.exceptions.ImproperlyConfigured: DATABASE_URL: unsupported engine "
            "'django.db.backends.mysql'; use sqlite:/// or postgres://",
        ),
        (
            {"MOYEU_SECRET_KEY": "too-short"},
            "django.core.exceptions.ImproperlyConfigured: "
            "MOYEU_SECRET_KEY must be at least 32 characters long",
        ),
        (
            {"MOYEU_DB_CONN_MAX_AGE": "forever"},
            "django.core.exceptions.ImproperlyConfigured: "
            "MOYEU_DB_CONN_MAX_AGE must be an integer, got 'forever'",
        ),
        (
            {"MOYEU_LOG_FORMAT": "xml"},
            "django.core.exceptions.ImproperlyConfigured: "
            "MOYEU_LOG_FORMAT must be 'json' or 'text'",
        ),
        (
            {"MOYEU_DISABLED_MODULES": "directory,marketing"},
            "django.core.exceptions.ImproperlyConfigured: "
            "MOYEU_DISABLED_MODULES names unknown modules: ['marketing']",
        ),
        (
            {"MOYEU_DISABLED_MODULES": "identity"},
            "django.core.exceptions.ImproperlyConfigured: "
            "MOYEU_DISABLED_MODULES: identity cannot be turned off",
        ),
    ],
)
def test_bad_setting_fails_with_a_clear_message(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = start(tmp_path, **env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert last_line(result) == message


def test_a_good_secret_key_is_used_and_not_written(tmp_path: Path) -> None:
    result = start(tmp_path, MOYEU_SECRET_KEY="k" * 32)
    assert result.returncode == 0
    assert not (tmp_path / "secret_key").exists()


def test_every_environment_variable_is_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    read = re.compile(
        r"""(?:environ\.get|environ\[|env_bool|env_int|env_list)\(?\s*["']([A-Z][A-Z0-9_]+)"""
    )
    names = {
        name
        for source in ("src/moyeu/settings.py", "src/moyeu/core/config.py")
        for name in read.findall((root / source).read_text())
    }
    documented = (root / "docs/operations.md").read_text()
    assert "DATABASE_URL" in names and "MOYEU_SECRET_KEY" in names
    assert sorted(n for n in names if f"`{n}`" not in documented) == []
