from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig


class PortalConfig(ModuleConfig):
    name = "moyeu.portal"
    default = True
    label = "portal"
    verbose_name = _("Customer portal")
