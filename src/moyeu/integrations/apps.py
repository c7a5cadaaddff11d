from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig


class IntegrationsConfig(ModuleConfig):
    name = "moyeu.integrations"
    default = True
    label = "integrations"
    verbose_name = _("Integrations")
