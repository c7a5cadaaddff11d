from __future__ import annotations

from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import PermissionDenied


def require_admin(actor: Actor) -> None:
    """Users, teams, roles and custom fields are administered by superusers only."""
    if actor.user is None or not actor.user.is_active or not actor.user.is_superuser:
        raise PermissionDenied(_("Only administrators can do this."))
    if actor.token_scopes is not None and not (
        {"*", "identity:*", "identity:administer"} & actor.token_scopes
    ):
        raise PermissionDenied(_("This token may not administer users."))
