"""Forms of the admin area. They only collect input; the identity services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from moyeu.core.models import CustomFieldType
from moyeu.core.registry import ACTIONS, registry
from moyeu.identity.models import Role, Scope, Team, User
from moyeu.web.navigation import module_name

LANGUAGES = [("fr", "Français"), ("en", "English")]


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )
    primary_team = forms.ModelChoiceField(
        label=_("Primary team"), queryset=Team.objects.all(), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    is_superuser = forms.BooleanField(label=_("Administrator"), required=False)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    managed_teams = forms.ModelMultipleChoiceField(
        label=_("Manager of"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A manager sees the records of the team and of its sub-teams."),
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        if user is not None and "initial" not in kwargs:
            memberships = list(user.memberships.all())
            kwargs["initial"] = {
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "language": user.language,
                "primary_team": user.primary_team_id,
                "is_active": user.is_active,
                "is_superuser": user.is_superuser,
                "teams": [m.team_id for m in memberships],
                "managed_teams": [m.team_id for m in memberships if m.is_manager],
                "roles": list(user.roles.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["username"].disabled = True
        else:
            self.fields["password"].help_text = _("Leave empty for an account that cannot sign in.")
            del self.fields["primary_team"]
            del self.fields["is_active"]

    def memberships(self) -> list[tuple[Any, bool]]:
        managed = {t.pk for t in self.cleaned_data["managed_teams"]}
        members = {t.pk for t in self.cleaned_data["teams"]} | managed
        return [(team_id, team_id in managed) for team_id in sorted(members, key=str)]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("Parent team"), queryset=Team.objects.all(), required=False
    )

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        if team is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": team.name, "parent": team.parent_id}
        super().__init__(*args, **kwargs)
        if team is not None:
            field = self.fields["parent"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Team.objects.exclude(pk=team.pk)


ACTION_LABELS = {
    "view": _("View"),
    "create": _("Create"),
    "change": _("Change"),
    "delete": _("Delete"),
    "export": _("Export"),
    "merge": _("Merge"),
    "import": _("Import"),
    "administer": _("Administer"),
}
SCOPE_LABELS = [
    ("", "—"),
    (Scope.OWN.value, _("Own")),
    (Scope.TEAM.value, _("Team")),
    (Scope.TEAM_TREE.value, _("Team + sub-teams")),
    (Scope.ALL.value, _("All")),
]


def grant_field_name(module: str, action: str) -> str:
    return f"grant__{module}__{action}"


class RoleForm(forms.Form):
    """Name and description, plus one scope select per module and action (the grant matrix)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def __init__(self, *args: Any, role: Role | None = None, **kwargs: Any) -> None:
        if role is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {"name": role.name, "description": role.description}
            for grant in role.grants.all():
                initial[grant_field_name(grant.module, grant.action)] = grant.scope
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.modules = list(registry.modules())
        for spec in self.modules:
            for action in ACTIONS:
                self.fields[grant_field_name(spec.label, action)] = forms.ChoiceField(
                    label=f"{module_name(spec.label)}: {ACTION_LABELS.get(action, action)}",
                    choices=SCOPE_LABELS,
                    required=False,
                )

    @property
    def actions(self) -> list[Any]:
        return [ACTION_LABELS.get(action, action) for action in ACTIONS]

    @property
    def matrix(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (module_name(spec.label), [self[grant_field_name(spec.label, a)] for a in ACTIONS])
            for spec in self.modules
        ]

    def grants(self) -> list[tuple[str, str, str]]:
        return [
            (spec.label, action, scope)
            for spec in self.modules
            for action in ACTIONS
            if (scope := self.cleaned_data.get(grant_field_name(spec.label, action)))
        ]


def record_type_choices() -> list[tuple[str, str]]:
    return [
        (
            rt.model_label.lower(),
            f"{module_name(spec.label)} · {apps.get_model(rt.model_label)._meta.verbose_name}",
        )
        for spec, rt in registry.record_types()
    ]


class CustomFieldForm(forms.Form):
    record_type = forms.ChoiceField(label=_("Record type"), choices=())
    name = forms.SlugField(
        label=_("Name"),
        max_length=50,
        help_text=_("Lower-case letters, digits and underscores; used by the API."),
    )
    label = forms.CharField(label=_("Label"), max_length=100)
    type = forms.ChoiceField(label=_("Type"), choices=CustomFieldType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, for choice fields."),
    )
    link_record_type = forms.ChoiceField(label=_("Linked record type"), choices=(), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=255, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0)
    required = forms.BooleanField(label=_("Required"), required=False)
    is_filterable = forms.BooleanField(label=_("Filterable in lists"), required=False, initial=True)

    FIXED = ("record_type", "name", "type", "link_record_type")

    def __init__(self, *args: Any, definition: Any = None, **kwargs: Any) -> None:
        if definition is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(definition, name) for name in self.base_fields if name != "choices"
            } | {"choices": "\n".join(definition.choices)}
        super().__init__(*args, **kwargs)
        types = record_type_choices()
        self.fields["record_type"].choices = types  # type: ignore[attr-defined]
        self.fields["link_record_type"].choices = [("", "—"), *types]  # type: ignore[attr-defined]
        if definition is not None:
            for name in self.FIXED:
                self.fields[name].disabled = True

    def choice_list(self) -> list[str]:
        raw = self.cleaned_data.get("choices") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    expires_at = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that does not expire."),
    )
    user = forms.ModelChoiceField(
        label=_("For user"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("Administrators may create tokens for other users."),
    )

    def __init__(self, *args: Any, is_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("*", _("Everything my roles allow"))]
        for spec in registry.modules():
            choices.append(
                (f"{spec.label}:view", _("%(module)s: read") % {"module": module_name(spec.label)})
            )
            choices.append(
                (f"{spec.label}:*", _("%(module)s: full") % {"module": module_name(spec.label)})
            )
        self.fields["scopes"].choices = choices  # type: ignore[attr-defined]
        if not is_admin:
            del self.fields["user"]
