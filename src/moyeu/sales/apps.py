from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig


class SalesConfig(ModuleConfig):
    name = "moyeu.sales"
    default = True
    label = "sales"
    verbose_name = _("Sales")
