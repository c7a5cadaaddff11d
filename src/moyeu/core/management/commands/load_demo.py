"""``moyeu load_demo``: demo users, teams, roles and records, loaded idempotently.

The command creates the administrator (the one actor allowed to create the rest), then runs
every module's ``demo_loader`` in registry order, all in one transaction: either the whole
demo is there or nothing changed. It ends by listing the logins that work.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from moyeu.core.context import Actor, action_context
from moyeu.core.demo import DEMO_ADMIN_USERNAME, DEMO_PASSWORD
from moyeu.core.registry import registry


def demo_admin() -> Any:
    """The demo administrator, created on first use with Django's own bootstrap path."""
    user_model = get_user_model()
    admin = user_model.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    if admin is None:
        return user_model.objects.create_superuser(
            DEMO_ADMIN_USERNAME,
            "admin@moyeu-demo.example",
            DEMO_PASSWORD,
            first_name="Hélène",
            last_name="Rousseau",
        )
    if not (admin.is_active and admin.is_superuser):
        raise CommandError(
            f"user {DEMO_ADMIN_USERNAME!r} exists but is not an active administrator; "
            "load the demo into an empty database"
        )
    return admin


class Command(BaseCommand):
    help = "Load the demo data (users, teams, roles, accounts, contacts). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        loaders = [
            (spec.label, spec.demo_loader) for spec in registry.modules() if spec.demo_loader
        ]
        with action_context(channel="command"), transaction.atomic():
            actor = Actor(user=demo_admin(), channel="command")
            for label, path in loaders:
                import_string(path)(actor)
                self.stdout.write(f"demo data loaded: {label}")
        self._print_logins()

    def _print_logins(self) -> None:
        users = get_user_model().objects.filter(is_active=True).prefetch_related("teams", "roles")
        rows = []
        for user in users.order_by("-is_superuser", "username"):
            if not user.check_password(DEMO_PASSWORD):
                continue
            if user.is_superuser:
                what = "administrator"
            else:
                teams = ", ".join(sorted(team.name for team in user.teams.all()))
                roles = ", ".join(sorted(role.name for role in user.roles.all()))
                what = f"{roles} ({teams})"
            rows.append(f"  {user.username:<8} {DEMO_PASSWORD}   {user.get_full_name()}, {what}")
        self.stdout.write("\nDemo logins (username, password):")
        self.stdout.write("\n".join(rows))
