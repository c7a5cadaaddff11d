"""Benchmark: GET /api/v1/contacts?limit=25 against the machine's ceiling, in one run.

    python bench/api_list.py                      # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/api_list.py

Seeds 10^5 contacts (bulk insert; the token's user and role through the services), starts
gunicorn with 2 sync workers serving Moyeu plus a bare JSON view over the same rows
(bench/bench_urls.py), checks that both return the same 25 contacts page after page, then
loads each in turn from 127.0.0.1 and prints req/s, p50/p99 latency and the ratio API / bare.
On PostgreSQL it works in a new database "<name>_bench_api" on the same server (created and
dropped from the "postgres" database), never in the database DATABASE_URL names.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROWS = 100_000


def prepare_database(url: str | None, tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL to use, PostgreSQL database to drop afterwards)."""
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_api"
    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def maintenance_url(url: str) -> str:
    """The server's "postgres" database: CREATE and DROP DATABASE run from there."""
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(rows: int) -> str:
    """Insert ``rows`` contacts; return a bearer token of a user who may view them all."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from moyeu.core.context import Actor
    from moyeu.core.ids import new_id
    from moyeu.directory.models import Contact
    from moyeu.identity.services import roles, tokens, users

    admin = get_user_model().objects.create_superuser("bench-admin", "", None)
    root = Actor(user=admin, channel="command")
    role = roles.role_create(actor=root, name="Bench reader", grants=[("directory", "view", "all")])
    reader = users.user_create(actor=root, username="bench", password=None, role_ids=[role.id])
    _token, secret = tokens.token_create(
        actor=root, user_id=reader.id, name="bench", scopes=["directory:view"]
    )
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, rows, 5000):
            Contact.objects.bulk_create(
                Contact(
                    id=new_id(),
                    first_name=f"Prénom{i}",
                    last_name=f"Nom{i % 5000:04d}",
                    email=f"contact{i}@bench.example",
                    phone=f"+33 6 {i % 100:02d} {i // 100 % 100:02d} {i // 10000:02d} 00",
                    job_title="Acheteur",
                    owner=admin,
                    created_at=now,
                    updated_at=now,
                )
                for i in range(start, min(start + 5000, rows))
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {rows} contacts in {time.perf_counter() - started:.1f}s")
    return secret


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "moyeu.wsgi:application"]
    server = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn did not start; see {log}")


def get(port: int, path: str, headers: dict[str, str]) -> Any:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
    return json.loads(body)


def page_paths(port: int, headers: dict[str, str], pages: int) -> tuple[list[str], list[str]]:
    """The API's first pages by following next_cursor, and the bare view's same pages."""
    api, bare, cursor, after = [], [], None, None
    for _ in range(pages):
        api_path = "/api/v1/contacts?limit=25" + (f"&cursor={cursor}" if cursor else "")
        bare_path = "/bench/bare-contacts" + (f"?after={after}" if after else "")
        api_page, bare_page = get(port, api_path, headers), get(port, bare_path, {})
        api_ids = [item["id"] for item in api_page["items"]]
        bare_ids = [str(item["id"]) for item in bare_page["items"]]
        if api_ids != bare_ids or len(api_ids) != 25:
            raise SystemExit(f"the API and the bare view disagree on {api_path}")
        api.append(api_path)
        bare.append(bare_path)
        cursor, after = urllib.parse.quote(api_page["next_cursor"]), bare_ids[-1]
    return api, bare


def measure(args: argparse.Namespace, port: int, paths: list[str], headers: dict[str, str]):
    from bench_load import python_load, wrk_load

    if args.client == "wrk":
        wrk_load(port, paths, headers, 2, args.concurrency)  # warm-up
        return wrk_load(port, paths, headers, args.seconds, args.concurrency)
    python_load(port, paths, headers, args.requests // 5, args.concurrency)  # warm-up
    return python_load(port, paths, headers, args.requests, args.concurrency)


def main() -> None:
    sys.path.insert(0, str(BENCH))
    from bench_load import has_wrk

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--pages", type=int, default=4, help="cursor pages cycled through")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, default=4000, help="per target (python client)")
    parser.add_argument("--seconds", type=int, default=10, help="per target (wrk)")
    parser.add_argument(
        "--client", choices=["wrk", "python"], default="wrk" if has_wrk() else "python"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="moyeu-bench-") as tmp:
        given_url = os.environ.get("DATABASE_URL")
        url, dropped = prepare_database(given_url, Path(tmp))
        env = dict(os.environ, DATABASE_URL=url, MOYEU_VAR_DIR=tmp)
        env.update(DJANGO_SETTINGS_MODULE="bench_settings", PYTHONPATH=str(BENCH))
        server = None
        try:
            subprocess.run(
                [sys.executable, "-m", "django", "migrate", "--noinput", "-v0"], env=env, check=True
            )
            os.environ.update(env)
            headers = {"Authorization": f"Bearer {seed(args.rows)}"}
            port = free_port()
            server = start_server(port, env, Path(tmp) / "gunicorn.log")
            api_paths, bare_paths = page_paths(port, headers, args.pages)
            bare = measure(args, port, bare_paths, {})
            api = measure(args, port, api_paths, headers)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            if dropped and given_url:
                drop_database(given_url, dropped)
    engine = "PostgreSQL" if dropped else "SQLite"
    print(
        f"\nlist of 25 contacts, {args.rows} rows, {engine}, gunicorn 2 sync workers, "
        f"client {args.client} x{args.concurrency}, {args.pages} cursor pages"
    )
    print(f"{'target':<32}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, result in (("bare view (ceiling)", bare), ("GET /api/v1/contacts", api)):
        print(
            f"{name:<32}{result.rate:>9.0f}{result.p50_ms:>9.2f}{result.p99_ms:>9.2f}"
            f"{result.errors:>8}"
        )
    ratio = api.rate / bare.rate
    print(f"ratio API / bare: {ratio:.2f} (target >= 0.5)")
    if api.errors or bare.errors:
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
