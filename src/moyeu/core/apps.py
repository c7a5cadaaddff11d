from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "moyeu.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from moyeu.core.dedup.queue import AUDIT_CODES as DUPLICATE_CODES
        from moyeu.core.registry import registry
        from moyeu.core.services.business_calendars import AUDIT_CODES as CALENDAR_CODES

        registry.declare_audit_codes(
            [
                "core.custom_field.created",
                "core.custom_field.updated",
                "core.custom_field.deleted",
                "core.validation_rule.created",
                "core.validation_rule.updated",
                "core.validation_rule.deleted",
                *DUPLICATE_CODES,
                *CALENDAR_CODES,
                "core.search.rebuild_requested",
            ]
        )

        from moyeu.core.search.schema import ensure_structures

        # The search engines' tables, columns and indexes (see moyeu.core.search.schema).
        post_migrate.connect(ensure_structures, sender=self, dispatch_uid="core.search.schema")
