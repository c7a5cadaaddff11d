"""The jobs page's "Rebuild the search index" button (administrators)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from moyeu.core.models import AuditEntry, Job

pytestmark = pytest.mark.django_db(transaction=True)

Login = Callable[..., Client]


def test_an_administrator_queues_a_rebuild(login: Login) -> None:
    admin = login("admin")
    page = admin.get("/jobs/").content.decode()
    assert '<form method="post" action="/search/rebuild/">' in page
    response = admin.post("/search/rebuild/", follow=True)
    assert response.redirect_chain == [("/jobs/", 302)]
    html = response.content.decode()
    assert "The search index will be rebuilt in the background." in html
    assert "<code>moyeu.core.search.tasks.rebuild_search_index</code>" in html
    assert Job.objects.get().args_kwargs == {"args": [[]], "kwargs": {}}
    assert AuditEntry.objects.filter(code="core.search.rebuild_requested").count() == 1


def test_others_are_refused_and_nothing_is_queued(login: Login) -> None:
    assert login("owner").post("/search/rebuild/").status_code == 403
    assert login("owner").get("/search/rebuild/").status_code == 405
    assert not Job.objects.exists()
