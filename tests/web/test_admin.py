"""The admin area: refused to non-admins, working for admins, always through the services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from moyeu.core.models import CustomFieldDefinition, Job, JobStatus
from moyeu.identity.models import ApiToken, Membership, Role, RoleGrant, Team, User
from moyeu.identity.services.tokens import token_create
from tests.personas import Personas

pytestmark = pytest.mark.django_db

Login = Callable[..., Client]
ADMIN_PAGES = [
    "/identity/users/",
    "/identity/users/new/",
    "/identity/teams/",
    "/identity/teams/new/",
    "/identity/roles/",
    "/identity/roles/new/",
    "/identity/custom-fields/",
    "/identity/custom-fields/new/",
    "/jobs/",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_refuse_non_admins(login: Login, path: str) -> None:
    assert login("manager").get(path).status_code == 403
    assert login("admin").get(path).status_code == 200


def test_non_admin_posts_change_nothing(login: Login, personas: Personas) -> None:
    client = login("owner")
    assert client.post("/identity/teams/new/", {"name": "Pirates"}).status_code == 403
    response = client.post(f"/identity/users/{personas.teammate.pk}/active/", {"is_active": "0"})
    assert response.status_code == 403
    assert not Team.objects.filter(name="Pirates").exists()
    personas.teammate.refresh_from_db()
    assert personas.teammate.is_active is True


def test_admin_creates_a_user_with_teams_manager_flag_and_roles(
    login: Login, personas: Personas
) -> None:
    role = Role.objects.get(name="Commercial")
    response = login("admin").post(
        "/identity/users/new/",
        {
            "username": "lea",
            "first_name": "Léa",
            "email": "LEA@moyeu.test",
            "language": "en",
            "password": "Une-phrase-assez-longue-2026",
            "teams": [str(personas.north.pk)],
            "managed_teams": [str(personas.support.pk)],
            "roles": [str(role.pk)],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="lea")
    assert (user.email, user.language, user.is_superuser) == ("lea@moyeu.test", "en", False)
    assert set(Membership.objects.filter(user=user).values_list("team__name", "is_manager")) == {
        ("Ventes Nord", False),
        ("Support", True),
    }
    assert list(user.roles.values_list("name", flat=True)) == ["Commercial"]
    assert user.check_password("Une-phrase-assez-longue-2026")


def test_user_errors_show_inline(login: Login) -> None:
    response = login("admin").post(
        "/identity/users/new/", {"username": "owner", "language": "fr", "password": "123"}
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["password"] == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]


def test_admin_deactivates_and_reactivates_a_user(login: Login, personas: Personas) -> None:
    client = login("admin")
    url = f"/identity/users/{personas.teammate.pk}/active/"
    assert client.post(url, {"is_active": "0"}).status_code == 302
    personas.teammate.refresh_from_db()
    assert personas.teammate.is_active is False
    client.post(url, {"is_active": "1"})
    personas.teammate.refresh_from_db()
    assert personas.teammate.is_active is True
    client.post(f"/identity/users/{personas.admin.pk}/active/", {"is_active": "0"})
    personas.admin.refresh_from_db()
    assert personas.admin.is_active is True


def test_teams_form_a_tree_and_cycles_are_refused(login: Login, personas: Personas) -> None:
    client = login("admin")
    tree = client.get("/identity/teams/").context["tree"]
    assert [(team.name, depth) for team, depth in tree] == [
        ("Support", 0),
        ("Ventes", 0),
        ("Ventes Nord", 1),
    ]
    response = client.post(
        f"/identity/teams/{personas.sales.pk}/",
        {"name": "Ventes", "parent": str(personas.north.pk)},
    )
    assert response.status_code == 422
    assert response.context["form"].errors == {"parent": ["A team cannot be inside itself."]}
    personas.sales.refresh_from_db()
    assert personas.sales.parent_id is None


def test_role_grant_matrix_creates_and_edits_grants(login: Login) -> None:
    client = login("admin")
    response = client.post(
        "/identity/roles/new/",
        {
            "name": "Lecture",
            "grant__directory__view": "all",
            "grant__directory__export": "team",
        },
    )
    assert response.status_code == 302
    role = Role.objects.get(name="Lecture")
    grants = set(RoleGrant.objects.filter(role=role).values_list("module", "action", "scope"))
    assert grants == {("directory", "view", "all"), ("directory", "export", "team")}
    page = client.get(f"/identity/roles/{role.pk}/")
    assert page.context["form"]["grant__directory__view"].value() == "all"
    assert '<th scope="row">Directory</th>' in page.content.decode()
    client.post(f"/identity/roles/{role.pk}/", {"name": "Lecture", "grant__directory__view": "own"})
    assert list(RoleGrant.objects.filter(role=role).values_list("action", "scope")) == [
        ("view", "own")
    ]


def test_custom_fields_are_created_edited_and_deleted(login: Login) -> None:
    client = login("admin")
    response = client.post(
        "/identity/custom-fields/new/",
        {
            "record_type": "directory.contact",
            "name": "level",
            "label": "Level",
            "type": "choice",
            "choices": "gold\nsilver\n",
            "position": "0",
            "is_filterable": "on",
        },
    )
    assert response.status_code == 302
    definition = CustomFieldDefinition.objects.get()
    assert (definition.record_type, definition.choices) == ("directory.contact", ["gold", "silver"])
    duplicate = client.post(
        "/identity/custom-fields/new/",
        {
            "record_type": "directory.contact",
            "name": "level",
            "label": "X",
            "type": "text",
            "position": "0",
        },
    )
    assert duplicate.context["form"].errors == {
        "name": ["A custom field with this name already exists."]
    }
    client.post(
        f"/identity/custom-fields/{definition.pk}/",
        {"label": "Tier", "choices": "gold\nsilver\nbronze", "position": "1", "required": "on"},
    )
    definition.refresh_from_db()
    assert (definition.label, definition.choices, definition.required, definition.name) == (
        "Tier",
        ["gold", "silver", "bronze"],
        True,
        "level",
    )
    assert client.post(f"/identity/custom-fields/{definition.pk}/delete/").status_code == 302
    assert CustomFieldDefinition.objects.count() == 0


def test_any_user_manages_their_own_tokens_and_sees_the_secret_once(
    login: Login, personas: Personas
) -> None:
    client = login("owner")
    response = client.post("/identity/tokens/new/", {"name": "ERP", "scopes": ["directory:view"]})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("moy_")
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(name="ERP")
    assert (token.user, token.scopes) == (personas.owner, ["directory:view"])
    assert secret not in client.get("/identity/tokens/").content.decode()
    other, _secret = token_create(
        actor=personas.actor("teammate"), user_id=personas.teammate.pk, name="Theirs"
    )
    assert [t.name for t in client.get("/identity/tokens/").context["tokens"]] == ["ERP"]
    assert client.post(f"/identity/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    admin_tokens = login("admin").get("/identity/tokens/").context["tokens"]
    assert sorted(t.name for t in admin_tokens) == ["ERP", "Theirs"]
    assert client.post(f"/identity/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_needs_a_scope(login: Login) -> None:
    response = login("owner").post("/identity/tokens/new/", {"name": "ERP"})
    assert response.status_code == 422
    assert response.context["form"].errors == {"scopes": ["This field is required."]}


def test_jobs_page_shows_state_progress_and_error(login: Login) -> None:
    Job.objects.create(
        task_path="moyeu.directory.tasks.import_contacts",
        status=JobStatus.FAILED,
        progress_done=40,
        progress_total=80,
        last_error="ValueError: bad row 12",
        error_class="ValueError",
    )
    html = login("admin").get("/jobs/").content.decode()
    assert "moyeu.directory.tasks.import_contacts" in html
    assert '<span class="badge badge-FAILED">Failed</span>' in html
    assert "40 / 80" in html
    assert "ValueError: bad row 12" in html
    assert login("admin").get("/jobs/?status=RUNNING").context["jobs"] == []
