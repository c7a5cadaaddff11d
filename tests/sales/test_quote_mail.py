"""Sending a quote: the PDF attached, the answer link, after the commit; a real SMTP server."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from moyeu.core.errors import ValidationFailed
from moyeu.sales import services
from moyeu.sales.models import Quote
from moyeu.sales.pdf import render_quote
from tests.personas import Personas
from tests.sales.helpers import World, make_world

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def world(personas: Personas) -> World:
    return make_world(personas)


def test_sending_issues_then_mails_the_pdf_and_the_link_after_the_commit(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_URL = "https://crm.example"
    quote = world.quote()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.quote_send(actor=world.owner, quote_id=quote.pk, message="Bonjour Jeanne,")
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in pending:
        callback()
    (sent,) = mail.outbox
    quote.refresh_from_db()
    assert (sent.to, sent.subject, sent.reply_to) == (
        ["jeanne@boulangerie.example"],
        f"Devis DEV-{YEAR}-00001 de Moyeu",
        ["owner@moyeu.test"],
    )
    link = f"https://crm.example/sales/q/{services.answer_token(quote)}/"
    assert sent.body.startswith("Bonjour Jeanne,\n\n")
    assert link in sent.body
    ((name, content, kind),) = sent.attachments
    assert (name, kind, content[:5]) == (f"DEV-{YEAR}-00001.pdf", "application/pdf", b"%PDF-")
    assert (quote.status, quote.sent_to, quote.email_error) == (
        "sent",
        "jeanne@boulangerie.example",
        "",
    )
    assert quote.emailed_at is not None


def test_bad_recipients_are_refused_and_nothing_is_issued(world: World) -> None:
    quote = world.quote()
    with pytest.raises(ValidationFailed) as caught:
        services.quote_send(actor=world.owner, quote_id=quote.pk, to=["jeanne", "ok@example.org"])
    assert caught.value.errors == {"to": ["jeanne is not an e-mail address."]}
    assert Quote.objects.get(pk=quote.pk).number == ""


def test_a_refusing_mail_server_leaves_the_error_on_the_quote(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 5
    quote = world.quote()
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_send(actor=world.owner, quote_id=quote.pk, to="a@example.org")
    quote.refresh_from_db()
    assert (quote.status, quote.emailed_at) == ("sent", None)
    assert "refused" in quote.email_error.lower()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Inbox]]:
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def test_a_real_smtp_server_receives_the_quote_with_its_pdf(
    world: World,
    settings: Any,
    smtp_server: tuple[int, _Inbox],
    django_capture_on_commit_callbacks: Any,
) -> None:
    port, inbox = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 10
    settings.DEFAULT_FROM_EMAIL = "devis@moyeu.example"
    quote = world.quote()
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_send(actor=world.owner, quote_id=quote.pk, to="Jeanne@Boulangerie.example")
    ((sender, recipients, raw),) = inbox.messages
    assert (sender, recipients) == ("devis@moyeu.example", ["Jeanne@Boulangerie.example"])
    message = email.message_from_bytes(raw)
    parts: list[Message] = [p for p in message.walk() if p.get_content_maintype() != "multipart"]
    assert [p.get_content_type() for p in parts] == ["text/plain", "application/pdf"]
    pdf = parts[1].get_payload(decode=True)
    quote.refresh_from_db()
    assert pdf == render_quote(quote) or pdf[:5] == b"%PDF-"  # type: ignore[index]
    assert parts[1].get_filename() == f"DEV-{YEAR}-00001.pdf"
    assert quote.emailed_at is not None and quote.email_error == ""
