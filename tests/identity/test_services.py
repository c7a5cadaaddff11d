"""Users, teams, roles: administered by superusers, validated, audited."""

from __future__ import annotations

import pytest

from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.models import AuditEntry
from moyeu.identity.models import Membership, Role, RoleGrant, User
from moyeu.identity.services import roles, teams, users
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_only_superusers_administer(personas: Personas) -> None:
    manager = personas.actor("manager")
    with pytest.raises(PermissionDenied):
        teams.team_create(actor=manager, name="Export")
    with pytest.raises(PermissionDenied):
        roles.role_create(actor=manager, name="Tout")
    with pytest.raises(PermissionDenied):
        users.user_create(actor=manager, username="intrus", password="x")
    assert not User.objects.filter(username="intrus").exists()


def test_team_tree_refuses_cycles_and_unknown_parents(personas: Personas) -> None:
    admin = personas.actor("admin")
    with pytest.raises(ValidationFailed) as excinfo:
        teams.team_update(actor=admin, team_id=personas.sales.id, parent_id=personas.north.id)
    assert excinfo.value.errors == {"parent_id": ["A team cannot be inside itself."]}
    with pytest.raises(ValidationFailed) as excinfo:
        teams.team_create(actor=admin, name="Ventes")
    assert excinfo.value.errors == {"name": ["A team with this name already exists."]}
    with pytest.raises(NotFound):
        teams.team_update(actor=admin, team_id=personas.admin.id, name="X")
    renamed = teams.team_update(
        actor=admin, team_id=personas.north.id, name="Ventes Hauts-de-France"
    )
    assert renamed.name == "Ventes Hauts-de-France"
    assert AuditEntry.objects.filter(object_id=personas.north.id).latest("occurred_at").changes == {
        "name": ["Ventes Nord", "Ventes Hauts-de-France"]
    }


def test_role_grants_are_validated_and_replaced(personas: Personas) -> None:
    admin = personas.actor("admin")
    with pytest.raises(ValidationFailed) as excinfo:
        roles.role_create(
            actor=admin,
            name="Mauvais",
            grants=[
                ("marketing", "view", "all"),
                ("directory", "fly", "all"),
                ("directory", "view", "x"),
            ],
        )
    assert excinfo.value.errors == {
        "grants": ["Unknown module: marketing", "Unknown action: fly", "Unknown scope: x"]
    }
    assert not Role.objects.filter(name="Mauvais").exists()
    role = roles.role_create(actor=admin, name="Lecture", grants=[("directory", "view", "all")])
    roles.role_update(
        actor=admin,
        role_id=role.id,
        grants=[("directory", "view", "own"), ("directory", "export", "own")],
    )
    assert sorted(RoleGrant.objects.filter(role=role).values_list("action", "scope")) == [
        ("export", "own"),
        ("view", "own"),
    ]
    assert AuditEntry.objects.filter(object_id=role.id).latest("occurred_at").changes == {
        "grants": [
            [["directory", "view", "all"]],
            [["directory", "export", "own"], ["directory", "view", "own"]],
        ]
    }


def test_user_create_update_and_password_rules(personas: Personas) -> None:
    admin = personas.actor("admin")
    with pytest.raises(ValidationFailed) as excinfo:
        users.user_create(actor=admin, username="court", password="123")
    assert excinfo.value.errors["password"][0] == (
        "This password is too short. It must contain at least 8 characters."
    )
    user = users.user_create(
        actor=admin,
        username="claire",
        password="Une-phrase-de-passe-longue",
        email="Claire@Exemple.FR",
        teams=[(personas.north.id, False), (personas.support.id, True)],
    )
    assert user.email == "claire@exemple.fr"
    assert user.primary_team_id == personas.north.id
    assert sorted(Membership.objects.filter(user=user).values_list("team__name", "is_manager")) == [
        ("Support", True),
        ("Ventes Nord", False),
    ]
    users.user_update(
        actor=admin, user_id=user.id, is_active=False, teams=[(personas.support.id, False)]
    )
    user.refresh_from_db()
    assert user.is_active is False
    assert list(Membership.objects.filter(user=user).values_list("team__name", flat=True)) == [
        "Support"
    ]
    with pytest.raises(ValidationFailed) as excinfo:
        users.user_update(actor=admin, user_id=user.id, username="autre")
    assert excinfo.value.errors == {"username": ["This field cannot be changed."]}


def test_service_accounts_cannot_use_passwords(personas: Personas) -> None:
    robot = users.user_create(
        actor=personas.actor("admin"),
        username="erp-sync",
        password="ignored",
        is_service_account=True,
    )
    assert robot.has_usable_password() is False
