from moyeu.activities.models.activities import Activity, ActivityAttendee, ActivityLink
from moyeu.activities.models.calendar import CalendarFeed
from moyeu.activities.models.invitations import InvitationMethod, MeetingInvitation
from moyeu.activities.models.kinds import (
    ActivityKind,
    CallOutcome,
    Channel,
    Direction,
    Priority,
    Status,
)
from moyeu.activities.models.notifications import Notification

__all__ = [
    "Activity",
    "ActivityAttendee",
    "ActivityKind",
    "ActivityLink",
    "CalendarFeed",
    "CallOutcome",
    "Channel",
    "Direction",
    "InvitationMethod",
    "MeetingInvitation",
    "Notification",
    "Priority",
    "Status",
]
