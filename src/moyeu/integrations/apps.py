from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig


class IntegrationsConfig(ModuleConfig):
    name = "moyeu.integrations"
    default = True
    label = "integrations"
    verbose_name = _("Integrations")
    event_types = [
        "webhook.created",
        "webhook.updated",
        "webhook.deleted",
        "webhook.secret_rotated",
        "webhook.replay_requested",
    ]
    audit_codes = [
        "integrations.webhook.created",
        "integrations.webhook.updated",
        "integrations.webhook.deleted",
        "integrations.webhook.secret_rotated",
        "integrations.webhook.replay_requested",
    ]
    demo_loader = "moyeu.integrations.demo.load"

    def ready(self) -> None:
        super().ready()
        from moyeu.core.ops.metrics import register_collector
        from moyeu.core.outbox.retention import hold
        from moyeu.integrations.metrics import IntegrationsCollector
        from moyeu.integrations.retention import open_delivery_events

        hold(open_delivery_events)
        register_collector(IntegrationsCollector())
