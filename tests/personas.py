"""The cast of access tests: who is who, built through the real identity services."""

from __future__ import annotations

from dataclasses import dataclass

from moyeu.core.context import Actor
from moyeu.identity.models import Team, User
from moyeu.identity.services import roles, teams, users

PASSWORD = "Moyeu-test-pass-2026"

# A sales rep sees their team's records and changes their own; a manager changes their
# teams' and sub-teams' records; both may export and import only what they can see.
REP_GRANTS = [
    ("directory", "view", "team"),
    ("directory", "create", "own"),
    ("directory", "change", "own"),
    ("directory", "delete", "own"),
    ("directory", "export", "team"),
    ("directory", "import", "own"),
    ("activities", "view", "team"),
    ("activities", "create", "own"),
    ("activities", "change", "own"),
    ("activities", "delete", "own"),
    ("sales", "view", "team"),
    ("sales", "create", "own"),
    ("sales", "change", "own"),
    ("sales", "delete", "own"),
]
MANAGER_GRANTS = [
    ("directory", "view", "team_tree"),
    ("directory", "create", "team_tree"),
    ("directory", "change", "team_tree"),
    ("directory", "delete", "team_tree"),
    ("directory", "export", "team_tree"),
    ("directory", "merge", "team_tree"),
    ("directory", "import", "team_tree"),
    ("activities", "view", "team_tree"),
    ("activities", "create", "team_tree"),
    ("activities", "change", "team_tree"),
    ("activities", "delete", "team_tree"),
    ("sales", "view", "team_tree"),
    ("sales", "create", "team_tree"),
    ("sales", "change", "team_tree"),
    ("sales", "delete", "team_tree"),
]


@dataclass
class Personas:
    admin: User
    owner: User
    teammate: User
    manager: User
    outsider: User
    sales: Team
    north: Team
    support: Team

    def actor(self, name: str, channel: str = "web") -> Actor:
        return Actor(user=getattr(self, name), channel=channel)

    @property
    def names(self) -> list[str]:
        return ["owner", "teammate", "manager", "outsider", "admin"]


def make_personas() -> Personas:
    admin = User.objects.create_superuser("admin", "admin@moyeu.test", PASSWORD)
    root = Actor(user=admin, channel="command")
    sales = teams.team_create(actor=root, name="Ventes")
    north = teams.team_create(actor=root, name="Ventes Nord", parent_id=sales.id)
    support = teams.team_create(actor=root, name="Support")
    rep = roles.role_create(actor=root, name="Commercial", grants=REP_GRANTS)
    manager_role = roles.role_create(actor=root, name="Responsable", grants=MANAGER_GRANTS)

    def person(username: str, team: Team, role_id: object, *, is_manager: bool = False) -> User:
        return users.user_create(
            actor=root,
            username=username,
            password=PASSWORD,
            email=f"{username}@moyeu.test",
            first_name=username.capitalize(),
            teams=[(team.id, is_manager)],
            role_ids=[role_id],  # type: ignore[list-item]
        )

    return Personas(
        admin=admin,
        owner=person("owner", north, rep.id),
        teammate=person("teammate", north, rep.id),
        manager=person("manager", sales, manager_role.id, is_manager=True),
        outsider=person("outsider", support, rep.id),
        sales=sales,
        north=north,
        support=support,
    )
