"""Demo users, teams and roles, created through the identity services.

The administrator itself is created by ``moyeu load_demo`` before this loader runs. Teams,
roles and users are found again by their unique names, so loading twice changes nothing.
"""

from __future__ import annotations

from moyeu.core.context import Actor
from moyeu.core.demo import DEMO_PASSWORD
from moyeu.core.registry import registry
from moyeu.identity.models import Role, Team, User
from moyeu.identity.services import roles, teams, users
from moyeu.identity.services.roles import Grant

# (name, parent): "Ventes Europe" sits under "Ventes", so Ventes' manager sees it too.
TEAMS: list[tuple[str, str | None]] = [
    ("Ventes", None),
    ("Ventes Europe", "Ventes"),
    ("Support", None),
]

ROLES: dict[str, tuple[str, list[Grant]]] = {
    "Commercial": (
        "Sees the accounts and contacts of their team, changes their own.",
        [
            ("directory", "view", "team"),
            ("directory", "create", "own"),
            ("directory", "change", "own"),
            ("directory", "delete", "own"),
            ("directory", "export", "own"),
            ("activities", "view", "team"),
            ("activities", "create", "own"),
            ("activities", "change", "own"),
            ("activities", "delete", "own"),
            ("sales", "view", "team"),
            ("sales", "create", "own"),
            ("sales", "change", "own"),
            ("sales", "delete", "own"),
        ],
    ),
    "Responsable commercial": (
        "Runs the teams they manage and their sub-teams.",
        [
            ("directory", action, "team_tree")
            for action in ("view", "create", "change", "delete", "export", "merge", "import")
        ]
        + [("activities", action, "team_tree") for action in ("view", "create", "change", "delete")]
        + [("sales", action, "team_tree") for action in ("view", "create", "change", "delete")]
        # The catalogue (products, price lists, customer conditions) is theirs to keep.
        + [("sales", "administer", "all")],
    ),
    "Support client": (
        "Looks up every customer, corrects the contacts of their team.",
        [
            ("directory", "view", "all"),
            ("directory", "create", "team"),
            ("directory", "change", "team"),
            ("activities", "view", "team"),
            ("activities", "create", "own"),
            ("activities", "change", "own"),
        ],
    ),
}

# username: (first name, last name, team, manages the team, role)
USERS: dict[str, tuple[str, str, str, bool, str]] = {
    "claire": ("Claire", "Dubois", "Ventes", True, "Responsable commercial"),
    "thomas": ("Thomas", "Lefèvre", "Ventes", False, "Commercial"),
    "lucia": ("Lucía", "Fernández", "Ventes Europe", False, "Commercial"),
    "julien": ("Julien", "Moreau", "Support", False, "Support client"),
}

EMAIL_DOMAIN = "moyeu-demo.example"


def _teams(actor: Actor) -> dict[str, Team]:
    found = {team.name: team for team in Team.objects.filter(name__in=[n for n, _p in TEAMS])}
    for name, parent in TEAMS:
        if name not in found:
            parent_id = found[parent].id if parent else None
            found[name] = teams.team_create(actor=actor, name=name, parent_id=parent_id)
    return found


def _roles(actor: Actor) -> dict[str, Role]:
    found = {role.name: role for role in Role.objects.filter(name__in=list(ROLES))}
    installed = {spec.label for spec in registry.modules()}
    for name, (description, declared) in ROLES.items():
        # Grants of a module turned off (MOYEU_DISABLED_MODULES) are left out.
        grants = [grant for grant in declared if grant[0] in installed]
        if name in found:
            roles.role_update(actor=actor, role_id=found[name].id, grants=grants)
        else:
            found[name] = roles.role_create(
                actor=actor, name=name, description=description, grants=grants
            )
    return found


def load(actor: Actor) -> None:
    team_by_name = _teams(actor)
    role_by_name = _roles(actor)
    existing = set(User.objects.filter(username__in=list(USERS)).values_list("username", flat=True))
    for username, (first, last, team, is_manager, role) in USERS.items():
        if username in existing:
            continue
        users.user_create(
            actor=actor,
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@{EMAIL_DOMAIN}",
            first_name=first,
            last_name=last,
            teams=[(team_by_name[team].id, is_manager)],
            role_ids=[role_by_name[role].id],
        )
