"""The S3 path for real: django-storages' S3 backend against an S3-protocol server (moto)
that the test starts on 127.0.0.1. No network beyond the loopback."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from moyeu.documents import previews, queries, services
from moyeu.documents.models import DocumentVersion
from tests.api.client import persona_clients
from tests.documents.files import png_bytes, uploaded
from tests.personas import Personas
from tests.services import require_service

pytestmark = [pytest.mark.django_db, pytest.mark.service]

BUCKET = "moyeu-documents-test"
PORTS = range(18600, 18700)
KEYS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18600-18699")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    available = importlib.util.find_spec("moto") is not None
    require_service("S3 (moto server)", available, "pip install -r requirements/dev.txt")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any) -> Any:
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-3", **KEYS)
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-3",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "location": "documents",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client: Any) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_upload_version_download_thumbnail_and_purge_through_s3(
    bucket: Any,
    personas: Personas,
    contact: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = persona_clients(personas)["owner"]
    first, second = png_bytes(300, 200, "red"), png_bytes(120, 80, "green")
    answer = client.multipart(
        "/documents",
        {
            "record_type": "directory.contact",
            "record": str(contact.pk),
            "file": uploaded("a.png", first),
        },
    )
    assert answer.status == 201, answer.body
    [key] = keys(bucket)
    assert re.fullmatch(r"documents/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}", key)
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == first

    url = f"/documents/{answer.body['id']}"
    added = client.multipart(f"{url}/versions", {"file": uploaded("b.png", second)})
    assert added.status == 201
    assert len(keys(bucket)) == 2
    current = client.download(f"{url}/download")
    assert (current.status_code, b"".join(current.streaming_content)) == (200, second)
    assert current["Content-Length"] == str(len(second))
    older = client.download(f"{url}/versions/1/download")
    assert hashlib.sha256(b"".join(older.streaming_content)).hexdigest() == (
        hashlib.sha256(first).hexdigest()
    )

    version = DocumentVersion.objects.get(number=1)
    name = previews.thumbnail_name(version)
    assert name.endswith(".thumb") and previews.thumbnail_name(version) == name  # cached
    with queries.open_file(name) as thumb:
        assert thumb.read(8) == b"\x89PNG\r\n\x1a\n"
    assert len(keys(bucket)) == 3

    owner = personas.actor("owner")
    services.document_delete(actor=owner, document_id=answer.body["id"])
    import datetime

    with django_capture_on_commit_callbacks(execute=True):
        purged = services.documents_purge(actor=owner, older_than=datetime.timedelta(0))
    assert (purged, keys(bucket)) == (1, [])
