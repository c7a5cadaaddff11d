from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig, RecordType


class ActivitiesConfig(ModuleConfig):
    name = "moyeu.activities"
    default = True
    label = "activities"
    verbose_name = _("Activities")
    demo_loader = "moyeu.activities.demo.load"
    record_types = [
        RecordType(
            model_label="activities.Activity",
            name="activity",
            searchable_fields=("subject",),
            # Calls and e-mails name people: their numbers and addresses are personal data.
            personal_data_fields=(
                "subject",
                "body",
                "phone_number",
                "email_from",
                "email_to",
                "email_cc",
            ),
        ),
    ]
    event_types = [
        "activity.created",
        "activity.updated",
        "activity.completed",
        "activity.reopened",
        "activity.cancelled",
        "activity.deleted",
        "activity.reminder_sent",
        "activity.invited",
        "calendar_feed.issued",
        "calendar_feed.revoked",
    ]
    audit_codes = [
        "activities.activity.created",
        "activities.activity.updated",
        "activities.activity.completed",
        "activities.activity.reopened",
        "activities.activity.cancelled",
        "activities.activity.deleted",
        "activities.activity.reminder_sent",
        "activities.activity.invited",
        "activities.calendar_feed.issued",
        "activities.calendar_feed.revoked",
    ]
    timeline_kinds = ["call", "meeting", "task", "note", "email", "message"]
    timeline_providers = ["moyeu.activities.timeline.ActivityTimeline"]
    # A merge moves the loser's activities (and meeting attendances) to the survivor.
    record_references = [
        ("activities.ActivityLink", "record_type", "record_id"),
        ("activities.ActivityAttendee", "record_type", "record_id"),
    ]
