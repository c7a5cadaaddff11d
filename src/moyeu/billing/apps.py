from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig


class BillingConfig(ModuleConfig):
    name = "moyeu.billing"
    default = True
    label = "billing"
    verbose_name = _("Billing")
