"""Documents storage settings, read in a fresh interpreter as at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_settings import last_line, start

SHOW = (
    "import django, json; django.setup(); from django.conf import settings; "
    "from django.core.files.storage import storages; "
    "print(json.dumps(settings.STORAGES['documents'], default=str)); "
    "print(type(storages['documents']).__name__)"
)


def show(tmp_path: Path, **env: str) -> tuple[dict[str, object], str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("MOYEU_") and k != "DATABASE_URL"
    }
    environment.update(DJANGO_SETTINGS_MODULE="moyeu.settings", MOYEU_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    config, backend = result.stdout.strip().splitlines()
    return json.loads(config), backend


def test_local_storage_by_default_under_var(tmp_path: Path) -> None:
    config, backend = show(tmp_path)
    assert backend == "FileSystemStorage"
    assert config["OPTIONS"] == {
        "location": str(tmp_path / "documents"),
        "base_url": None,
        "file_permissions_mode": 0o640,
        "directory_permissions_mode": 0o750,
    }


def test_s3_storage_from_the_environment(tmp_path: Path) -> None:
    config, backend = show(
        tmp_path,
        MOYEU_DOCUMENTS_STORAGE="s3",
        MOYEU_DOCUMENTS_S3_BUCKET="crm-files",
        MOYEU_DOCUMENTS_S3_ENDPOINT_URL="https://s3.gra.io.cloud.ovh.net",
        MOYEU_DOCUMENTS_S3_REGION="gra",
        MOYEU_DOCUMENTS_S3_ACCESS_KEY_ID="AK",
        MOYEU_DOCUMENTS_S3_SECRET_ACCESS_KEY="SK",
        MOYEU_DOCUMENTS_S3_ADDRESSING_STYLE="path",
    )
    assert backend == "S3Storage"
    assert config == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "crm-files",
            "endpoint_url": "https://s3.gra.io.cloud.ovh.net",
            "region_name": "gra",
            "access_key": "AK",
            "secret_key": "SK",
            "location": "documents",
            "addressing_style": "path",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MOYEU_DOCUMENTS_STORAGE": "s3"},
            "django.core.exceptions.ImproperlyConfigured: MOYEU_DOCUMENTS_STORAGE=s3 needs "
            "MOYEU_DOCUMENTS_S3_BUCKET (the bucket's name)",
        ),
        (
            {"MOYEU_DOCUMENTS_STORAGE": "ftp"},
            "django.core.exceptions.ImproperlyConfigured: "
            "MOYEU_DOCUMENTS_STORAGE must be 'local' or 's3'",
        ),
        (
            {"MOYEU_DOCUMENTS_MAX_BYTES": "0"},
            "django.core.exceptions.ImproperlyConfigured: "
            "MOYEU_DOCUMENTS_MAX_BYTES must be a positive number of bytes",
        ),
    ],
)
def test_bad_documents_settings_fail_clearly(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = start(tmp_path, **env)
    assert (result.returncode, last_line(result)) == (1, message)
