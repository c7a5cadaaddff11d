"""Users and their team memberships and roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, ValidationFailed
from moyeu.core.services import audit
from moyeu.identity.access import forget_access
from moyeu.identity.models import Membership, Role, Team, User
from moyeu.identity.services._admin import require_admin

_EDITABLE = (
    "first_name",
    "last_name",
    "email",
    "language",
    "is_active",
    "is_superuser",
    "primary_team_id",
)


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed({"password": [str(m) for m in exc.messages]}) from None


def _clean(user: User) -> None:
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as exc:
        raise ValidationFailed(
            {f: [str(m) for m in msgs] for f, msgs in exc.message_dict.items()}
        ) from None


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "fr",
    is_superuser: bool = False,
    is_service_account: bool = False,
    teams: Iterable[tuple[uuid.UUID, bool]] = (),
    role_ids: Iterable[uuid.UUID] = (),
) -> User:
    require_admin(actor)
    user = User(
        username=username.strip(),
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        is_superuser=is_superuser,
        is_staff=is_superuser,
        is_service_account=is_service_account,
    )
    if is_service_account or not password:
        user.set_unusable_password()
    else:
        _validate_password(password, user)
        user.set_password(password)
    _clean(user)
    with transaction.atomic():
        user.save()
        _set_memberships(user, teams)
        _set_roles(user, role_ids)
        audit.record(
            user,
            "identity.user.created",
            actor,
            changes={
                "username": (None, user.username),
                "email": (None, user.email),
                "is_superuser": (None, user.is_superuser),
                "teams": (None, sorted(str(t) for t, _m in teams)),
                "roles": (None, sorted(str(r) for r in role_ids)),
            },
        )
    return user


def _set_memberships(user: User, teams: Iterable[tuple[uuid.UUID, bool]]) -> None:
    wanted = dict(teams)
    found = set(Team.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = [str(t) for t in wanted if t not in found]
    if missing:
        raise ValidationFailed(
            {"teams": [_("Unknown team: %(ids)s") % {"ids": ", ".join(missing)}]}
        )
    Membership.objects.filter(user=user).exclude(team_id__in=wanted).delete()
    for team_id, is_manager in wanted.items():
        Membership.objects.update_or_create(
            user=user, team_id=team_id, defaults={"is_manager": is_manager}
        )
    if user.primary_team_id is None and wanted:
        user.primary_team_id = next(iter(wanted))
        user.save(update_fields=["primary_team"])
    forget_access(user)


def _set_roles(user: User, role_ids: Iterable[uuid.UUID]) -> None:
    ids = list(role_ids)
    roles = list(Role.objects.filter(pk__in=ids))
    if len(roles) != len(set(ids)):
        raise ValidationFailed({"roles": [_("Unknown role.")]})
    user.roles.set(roles)
    forget_access(user)


def user_update(
    *,
    actor: Actor,
    user_id: uuid.UUID,
    teams: Iterable[tuple[uuid.UUID, bool]] | None = None,
    role_ids: Iterable[uuid.UUID] | None = None,
    password: str | None = None,
    **changes: Any,
) -> User:
    require_admin(actor)
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise ValidationFailed({k: [_("This field cannot be changed.")] for k in unknown})
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound(_("No such user."))
        diff: dict[str, tuple[Any, Any]] = {}
        for name, value in changes.items():
            if getattr(user, name) != value:
                diff[name] = (getattr(user, name), value)
                setattr(user, name, value)
        if "is_superuser" in changes:
            user.is_staff = user.is_superuser
        if password:
            _validate_password(password, user)
            user.set_password(password)
            diff["password"] = ("***", "***")
        _clean(user)
        user.save()
        if teams is not None:
            teams = list(teams)
            before = sorted(str(t) for t in user.memberships.values_list("team_id", flat=True))
            _set_memberships(user, teams)
            after = sorted(str(t) for t, _m in teams)
            if before != after:
                diff["teams"] = (before, after)
        if role_ids is not None:
            role_ids = list(role_ids)
            before = sorted(str(r) for r in user.roles.values_list("pk", flat=True))
            _set_roles(user, role_ids)
            after = sorted(str(r) for r in role_ids)
            if before != after:
                diff["roles"] = (before, after)
        if diff:
            audit.record(user, "identity.user.updated", actor, changes=diff)
    return user
