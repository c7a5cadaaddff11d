from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig


class IdentityConfig(ModuleConfig):
    name = "moyeu.identity"
    default = True
    label = "identity"
    verbose_name = _("Users and access")
    demo_loader = "moyeu.identity.demo.load"
    audit_codes = [
        "identity.user.created",
        "identity.user.updated",
        "identity.user.login_failed",
        "identity.team.created",
        "identity.team.updated",
        "identity.role.created",
        "identity.role.updated",
        "identity.token.created",
        "identity.token.revoked",
    ]

    def ready(self) -> None:
        super().ready()
        from moyeu.core import access
        from moyeu.identity.access import RolePolicy

        access.install(RolePolicy())
