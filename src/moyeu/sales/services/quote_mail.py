"""E-mailing a sent quote: its PDF attached and the link to answer it. Runs after the
sending transaction has committed; a failure is kept on the quote (``email_error``)."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moyeu.sales import formatting
from moyeu.sales.models import Quote
from moyeu.sales.services.company import company_profile

log = logging.getLogger(__name__)


def answer_url(quote: Quote) -> str:
    from django.urls import reverse

    from moyeu.sales.services.quote_flow import answer_token

    path = reverse("web:sales:quote_answer", args=[answer_token(quote)])
    return f"{settings.PUBLIC_URL}{path}"


def deliver(quote_id: uuid.UUID, recipients: list[str], message: str) -> bool:
    from moyeu.sales.pdf import pdf_filename, quote_language, render_quote

    quote = Quote.objects.select_related("account", "contact", "owner").get(pk=quote_id)
    company = company_profile()
    sender_name = company.legal_name or "Moyeu"
    with translation.override(quote_language(quote)):
        subject = _("Quote %(number)s from %(company)s") % {
            "number": quote.reference,
            "company": sender_name,
        }
        body = "\n\n".join(
            part
            for part in (
                message.strip(),
                _("Please find our quote %(number)s attached, valid until %(date)s.")
                % {"number": quote.reference, "date": formatting.day(quote.valid_until)},
                _("To accept or decline it online: %(url)s") % {"url": answer_url(quote)},
                str(quote.owner or sender_name),
            )
            if part
        )
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=None,
        to=recipients,
        reply_to=[quote.owner.email] if quote.owner and quote.owner.email else None,
    )
    email.attach(pdf_filename(quote), render_quote(quote), "application/pdf")
    try:
        email.send()
    except Exception as exc:  # the SMTP server's refusal or absence: shown on the quote
        log.warning("quote e-mail failed", extra={"quote": str(quote_id), "error": str(exc)})
        Quote.objects.filter(pk=quote_id).update(email_error=str(exc)[:500] or "error")
        return False
    Quote.objects.filter(pk=quote_id).update(emailed_at=timezone.now(), email_error="")
    return True
