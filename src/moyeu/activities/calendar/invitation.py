"""Meeting invitations as iTIP messages (RFC 5546) in an e-mail with an .ics attachment.

METHOD:REQUEST invites (or updates: the same UID with a greater SEQUENCE replaces what the
guest's calendar holds), METHOD:CANCEL withdraws. The UID is the meeting's id, as in the
subscription feeds (calendar/ics.py); ORGANIZER is the meeting's owner; one ATTENDEE per
invited contact (ROLE=REQ-PARTICIPANT, RSVP=TRUE) and per colleague attending.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from email.mime.text import MIMEText

from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from moyeu.activities.calendar.ics import PRODID, uid
from moyeu.activities.models import Activity, InvitationMethod


@dataclass(frozen=True)
class Guest:
    name: str
    email: str


def _address(name: str, email: str, *, role: str = "") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def itip(
    activity: Activity,
    *,
    method: str,
    sequence: int,
    organizer: Guest,
    guests: Sequence[Guest],
    colleagues: Sequence[Guest] = (),
    url: str = "",
    now: datetime.datetime | None = None,
) -> Calendar:
    """A VCALENDAR with METHOD and one VEVENT for the meeting."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid(activity))
    event.add("sequence", sequence)
    event.add("dtstamp", _utc(now or timezone.now()))
    event.add("dtstart", _utc(activity.occurred_at))
    event.add("dtend", _utc(activity.ends_at or activity.occurred_at))
    event.add("summary", activity.subject or str(activity.get_kind_display()))
    if activity.location:
        event.add("location", activity.location)
    if activity.video_url:
        event.add("url", activity.video_url)
    elif url:
        event.add("url", url)
    event.add("status", "CANCELLED" if method == InvitationMethod.CANCEL else "CONFIRMED")
    event.add("organizer", _address(organizer.name, organizer.email))
    for guest in (*guests, *colleagues):
        event.add("attendee", _address(guest.name, guest.email, role="REQ-PARTICIPANT"))
    cal.add_component(event)
    return cal


def _when(activity: Activity) -> str:
    start = timezone.localtime(activity.occurred_at)
    text = date_format(start, "DATETIME_FORMAT")
    if activity.ends_at is not None:
        end = date_format(timezone.localtime(activity.ends_at), "TIME_FORMAT")
        text += f" – {end}"  # noqa: RUF001 - a typographic range
    return text


def message(
    activity: Activity,
    calendar: Calendar,
    *,
    method: str,
    to: Guest,
    organizer: Guest,
    message_id: str,
) -> EmailMessage:
    """The e-mail to one guest: a short text and the .ics (text/calendar; method=…)."""
    subject = activity.subject or str(activity.get_kind_display())
    if method == InvitationMethod.CANCEL:
        title = _("Cancelled: %(subject)s") % {"subject": subject}
        lead = _("%(organizer)s cancelled this meeting.") % {"organizer": organizer.name}
    else:
        title = _("Invitation: %(subject)s") % {"subject": subject}
        lead = _("%(organizer)s invites you to this meeting.") % {"organizer": organizer.name}
    lines = [lead, "", subject, _when(activity)]
    lines += [value for value in (activity.location, activity.video_url) if value]
    email = EmailMessage(
        subject=f"{title} ({_when(activity)})",
        body="\n".join(lines) + "\n",
        to=[f"{to.name} <{to.email}>" if to.name else to.email],
        reply_to=[organizer.email],
        headers={"Message-ID": message_id},
    )
    part = MIMEText(calendar.to_ical().decode(), "calendar", "utf-8")
    part.set_param("method", method)
    name = "cancel.ics" if method == InvitationMethod.CANCEL else "invite.ics"
    part.add_header("Content-Disposition", "attachment", filename=name)
    email.attach(part)
    return email
