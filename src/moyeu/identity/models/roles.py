from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from moyeu.core.ids import new_id


class Scope(models.TextChoices):
    """Which records a grant reaches, from narrowest to broadest."""

    OWN = "own", _("Own records")
    TEAM = "team", _("Own team's records")
    TEAM_TREE = "team_tree", _("Team and sub-teams' records")
    ALL = "all", _("All records")


SCOPE_RANK = {Scope.OWN: 1, Scope.TEAM: 2, Scope.TEAM_TREE: 3, Scope.ALL: 4}


class Role(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")

    def __str__(self) -> str:
        return self.name


class RoleGrant(models.Model):
    """A role lets its holders do ``action`` on ``module``'s records within ``scope``."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="grants")
    module = models.CharField(_("module"), max_length=50)
    action = models.CharField(_("action"), max_length=20)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)

    class Meta:
        ordering = ["module", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "module", "action"], name="identity_grant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module}.{self.action}: {self.scope}"
