from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig


class ServiceConfig(ModuleConfig):
    name = "moyeu.service"
    default = True
    label = "service"
    verbose_name = _("Customer service")
