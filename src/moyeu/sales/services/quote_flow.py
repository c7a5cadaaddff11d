"""A quote's life after the draft: issue (its number), send by e-mail with its PDF, the
customer's answer (accept or decline, by a user or from the signed link), revise.

Accepting makes the order in the same transaction. The signed link (``answer_token``) names
the quote and its validity date; it works until that date, once (a quote answered, revised
or changed no longer accepts it), and needs no login.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core import numbering
from moyeu.core.context import Actor, action_context
from moyeu.core.errors import Conflict, NotFound, ValidationFailed, VersionConflict
from moyeu.core.services import audit, events, records
from moyeu.sales.models import Order, Quote, QuoteLine, QuoteStatus
from moyeu.sales.services.orders import order_from_quote

log = logging.getLogger(__name__)

SEQUENCE = "sales.quote"
PREFIX = "DEV"
SALT = "moyeu.sales.quote-answer"
LINK = "link"
USER = "user"


def _lock(actor: Actor, quote_id: uuid.UUID, expected_version: int | None) -> Quote:
    quote = records.lock_for_change(Quote, quote_id, actor=actor, action="change")
    if expected_version is not None and quote.version != expected_version:
        raise VersionConflict(
            _("This record was changed by someone else (version %(v)s).") % {"v": quote.version},
            current_version=quote.version,
        )
    return quote


def _save(
    quote: Quote, before: dict[str, Any], code: str, actor: Actor, **data: Any
) -> dict[str, Any]:
    quote.version += 1
    quote.updated_by = actor.user
    quote.updated_at = timezone.now()
    quote.save()
    after = records.snapshot(quote)
    changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    audit.record(quote, f"sales.quote.{code}", actor, changes=changes, data=data)
    return after


def _issue(quote: Quote) -> None:
    """Give a draft its number (the previous version's, for a revision) and make it sent."""
    if not quote.lines.exists():
        raise ValidationFailed({"lines": [_("A quote needs at least one line.")]})
    today = timezone.localdate()
    if quote.valid_until is None or quote.valid_until < today:
        raise ValidationFailed({"valid_until": [_("Give a validity date from today on.")]})
    if quote.previous_id is not None:
        quote.number = (
            Quote.objects.filter(pk=quote.previous_id).values_list("number", flat=True).get()
        )
    else:
        quote.number = numbering.next_number(SEQUENCE, prefix=PREFIX, on=today)
    quote.status = QuoteStatus.SENT
    quote.issue_date = today
    quote.sent_at = timezone.now()


def _emit(kind: str, quote: Quote, after: dict[str, Any], actor: Actor, **extra: Any) -> None:
    events.emit(
        f"quote.{kind}",
        record_type="sales.quote",
        record=quote,
        payload={**after, **extra},
        actor=actor,
    )


def quote_issue(*, actor: Actor, quote_id: uuid.UUID, expected_version: int | None = None) -> Quote:
    """Issue a draft without e-mailing it (handed over, posted): it takes its number."""
    with action_context(channel=actor.channel), transaction.atomic():
        quote = _lock(actor, quote_id, expected_version)
        if quote.status != QuoteStatus.DRAFT:
            raise Conflict(_("This quote is already issued."), code="sales.quote_not_draft")
        before = records.snapshot(quote)
        _issue(quote)
        after = _save(quote, before, "sent", actor, emailed=False)
        _emit("sent", quote, after, actor, emailed=False, to=[])
    return quote


def clean_recipients(raw: Iterable[str] | str | None, quote: Quote) -> list[str]:
    if raw is None or raw == "" or raw == []:
        contact = quote.contact
        email = getattr(contact, "email", "") if contact is not None else ""
        if not email:
            raise ValidationFailed({"to": [_("Give the e-mail address to send it to.")]})
        return [email]
    items = [raw] if isinstance(raw, str) else list(raw)
    found = [part.strip() for item in items for part in str(item).replace(";", ",").split(",")]
    found = [address for address in found if address]
    errors = []
    for address in found:
        try:
            validate_email(address)
        except DjangoValidationError:
            errors.append(_("%(address)s is not an e-mail address.") % {"address": address})
    if errors or not found or len(found) > 10:
        raise ValidationFailed({"to": errors or [_("Give one to ten e-mail addresses.")]})
    return found


def quote_send(
    *,
    actor: Actor,
    quote_id: uuid.UUID,
    to: Iterable[str] | str | None = None,
    message: str = "",
    expected_version: int | None = None,
) -> Quote:
    """Issue the quote if it is a draft, then e-mail its PDF and answer link to ``to`` (the
    contact's address by default) once the transaction has committed. A sent quote is sent
    again (same number)."""
    with action_context(channel=actor.channel), transaction.atomic():
        quote = _lock(actor, quote_id, expected_version)
        if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
            raise Conflict(
                _("Only a draft or a sent quote can be sent."), code="sales.quote_answered"
            )
        recipients = clean_recipients(to, quote)
        before = records.snapshot(quote)
        if quote.status == QuoteStatus.DRAFT:
            _issue(quote)
        quote.sent_to = ", ".join(recipients)[:320]
        quote.sent_at = timezone.now()
        quote.email_error = ""
        after = _save(quote, before, "sent", actor, emailed=True, to=recipients)
        _emit("sent", quote, after, actor, emailed=True, to=recipients)
        from moyeu.sales.services.quote_mail import deliver

        pk, body = quote.pk, message
        transaction.on_commit(lambda: deliver(pk, recipients, body))
    return quote


# --- the customer's answer ---------------------------------------------------------------


def answer_token(quote: Quote) -> str:
    """The signed link's token: the quote and its validity date, nothing secret."""
    until = quote.valid_until.isoformat() if quote.valid_until else ""
    # No timestamp: the validity date inside is the expiry, and the same quote always gets
    # the same link (sent twice, it is the same link).
    return signing.Signer(salt=SALT).sign_object({"q": str(quote.pk), "u": until}, compress=True)


def quote_for_token(token: str) -> Quote:
    """The quote a link names, if the link is genuine and still within its validity date."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        quote_id = uuid.UUID(data["q"])
        until = datetime.date.fromisoformat(data["u"])
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        raise NotFound(_("This link is not valid."), code="sales.link_invalid") from None
    quote = Quote.objects.select_related("account", "contact").filter(pk=quote_id).first()
    if quote is None or quote.valid_until != until:
        raise NotFound(_("This link is not valid."), code="sales.link_invalid")
    return quote


def _answerable(quote: Quote, via: str) -> None:
    if quote.status != QuoteStatus.SENT:
        raise Conflict(
            _("This quote was already answered or replaced (%(status)s).")
            % {"status": quote.get_status_display().lower()},
            code="sales.quote_answered",
        )
    if via == LINK and quote.valid_until and quote.valid_until < timezone.localdate():
        raise Conflict(_("This quote has expired."), code="sales.quote_expired")


def _answer(
    quote: Quote,
    *,
    actor: Actor,
    accept: bool,
    via: str,
    name: str,
    ip: str | None,
    reason: str = "",
) -> Quote:
    _answerable(quote, via)
    before = records.snapshot(quote)
    quote.status = QuoteStatus.ACCEPTED if accept else QuoteStatus.DECLINED
    quote.answered_at = timezone.now()
    quote.answered_by = name[:200]
    quote.answered_by_user = actor.user
    quote.answered_ip = ip or None
    quote.answered_via = via
    quote.decline_reason = reason.strip()[:500]
    verb = "accepted" if accept else "declined"
    after = _save(quote, before, verb, actor, via=via, name=name, ip=ip)
    _emit(verb, quote, after, actor, via=via)
    if accept:
        order_from_quote(quote, actor=actor)
    return quote


def _name_of(actor: Actor) -> str:
    return str(actor.user) if actor.user is not None else actor.label


def quote_accept(
    *, actor: Actor, quote_id: uuid.UUID, expected_version: int | None = None
) -> Quote:
    """Mark a sent quote accepted (the customer signed it): its order is made."""
    with action_context(channel=actor.channel), transaction.atomic():
        quote = _lock(actor, quote_id, expected_version)
        return _answer(quote, actor=actor, accept=True, via=USER, name=_name_of(actor), ip=None)


def quote_decline(
    *, actor: Actor, quote_id: uuid.UUID, reason: str = "", expected_version: int | None = None
) -> Quote:
    with action_context(channel=actor.channel), transaction.atomic():
        quote = _lock(actor, quote_id, expected_version)
        return _answer(
            quote,
            actor=actor,
            accept=False,
            via=USER,
            name=_name_of(actor),
            ip=None,
            reason=reason,
        )


def _by_link(token: str, *, accept: bool, name: str, ip: str | None, reason: str = "") -> Quote:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed({"name": [_("Give your name.")]})
    actor = Actor.system("link")
    with action_context(channel="link"), transaction.atomic():
        found = quote_for_token(token)
        quote = Quote.objects.select_for_update().get(pk=found.pk)
        return _answer(quote, actor=actor, accept=accept, via=LINK, name=name, ip=ip, reason=reason)


def quote_accept_by_link(*, token: str, name: str, ip: str | None) -> Quote:
    """The customer accepts from the signed link: who (the name they typed), when, from where."""
    return _by_link(token, accept=True, name=name, ip=ip)


def quote_decline_by_link(*, token: str, name: str, ip: str | None, reason: str = "") -> Quote:
    return _by_link(token, accept=False, name=name, ip=ip, reason=reason)


def quote_revise(
    *, actor: Actor, quote_id: uuid.UUID, expected_version: int | None = None
) -> Quote:
    """The next version of a sent or declined quote: a draft copy (same number, revision + 1);
    the old one is kept, read-only and ``superseded``."""
    with action_context(channel=actor.channel), transaction.atomic():
        old = _lock(actor, quote_id, expected_version)
        if old.status not in (QuoteStatus.SENT, QuoteStatus.DECLINED):
            raise Conflict(
                _("Only a sent or declined quote can be revised."), code="sales.quote_not_sent"
            )
        if Order.objects.filter(quote=old).exists():
            raise Conflict(_("This quote has an order."), code="sales.quote_answered")
        before = records.snapshot(old)
        old.status = QuoteStatus.SUPERSEDED
        _save(old, before, "revised", actor)
        lines = list(old.lines.all())

        def copy_lines(new: Quote) -> None:
            QuoteLine.objects.bulk_create(
                QuoteLine(
                    quote=new,
                    **{
                        f.attname: getattr(line, f.attname)
                        for f in QuoteLine._meta.concrete_fields
                        if f.attname not in ("id", "quote_id")
                    },
                )
                for line in lines
            )

        today = timezone.localdate()
        values = {
            name: getattr(old, name)
            for name in (
                "title",
                "account_id",
                "contact_id",
                "opportunity_id",
                "currency",
                "discount_percent",
                "notes",
                "lines_total",
                "discount_amount",
                "total_excl_tax",
                "total_tax",
                "total_incl_tax",
                "owner_id",
                "team_id",
            )
        }
        values["valid_until"] = max(old.valid_until or today, today + datetime.timedelta(days=30))
        values.update(
            status=QuoteStatus.DRAFT,
            number=old.number,
            revision=old.revision + 1,
            previous_id=old.pk,
        )
        return records.record_create(
            Quote,
            actor=actor,
            values=values,
            tags=[tag.name for tag in old.tags.all()],
            custom=old.custom,
            related=copy_lines,
        )
