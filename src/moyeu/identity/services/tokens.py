"""API tokens: personal or service, hashed at rest, scoped, expiring, revocable."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moyeu.core.context import Actor
from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.core.registry import ACTIONS, registry
from moyeu.core.services import audit
from moyeu.identity.models import ApiToken, User

TOKEN_PREFIX = "moy_"  # noqa: S105 (a public prefix, not a secret)
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _validate_scopes(scopes: Iterable[str]) -> list[str]:
    modules = {spec.label for spec in registry.modules()}
    cleaned, bad = [], []
    for scope in scopes:
        if scope == "*":
            cleaned.append(scope)
            continue
        module, _sep, action = scope.partition(":")
        if module in modules and (action == "*" or action in ACTIONS):
            cleaned.append(scope)
        else:
            bad.append(scope)
    if bad:
        raise ValidationFailed({"scopes": [_("Unknown scope: %(s)s") % {"s": s} for s in bad]})
    if not cleaned:
        raise ValidationFailed({"scopes": [_("Give at least one scope.")]})
    return sorted(set(cleaned))


def token_create(
    *,
    actor: Actor,
    user_id: uuid.UUID,
    name: str,
    scopes: Iterable[str] = ("*",),
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its secret, which is never shown again."""
    if actor.user is None:
        raise PermissionDenied(_("Sign in first."))
    owner = User.objects.filter(pk=user_id, is_active=True).first()
    if owner is None:
        raise NotFound(_("No such user."))
    if owner.pk != actor.user.pk and not actor.user.is_superuser:
        raise PermissionDenied(_("Only administrators create tokens for other users."))
    if not name.strip():
        raise ValidationFailed({"name": [_("This field is required.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed({"expires_at": [_("The expiry must be in the future.")]})
    cleaned_scopes = _validate_scopes(scopes)
    secret_part = secrets.token_urlsafe(32)
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secret_part}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=owner,
            name=name.strip(),
            kind=ApiToken.Kind.SERVICE if owner.is_service_account else ApiToken.Kind.PERSONAL,
            prefix=prefix,
            key_hash=_hash(secret),
            scopes=cleaned_scopes,
            expires_at=expires_at,
        )
        audit.record(
            token,
            "identity.token.created",
            actor,
            changes={"name": (None, token.name), "scopes": (None, cleaned_scopes)},
            data={"user": str(owner.pk)},
        )
    return token, secret


def token_revoke(*, actor: Actor, token_id: uuid.UUID) -> ApiToken:
    if actor.user is None:
        raise PermissionDenied(_("Sign in first."))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or (token.user_id != actor.user.pk and not actor.user.is_superuser):
            raise NotFound(_("No such token."))
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(token, "identity.token.revoked", actor, data={"user": str(token.user_id)})
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The live token for ``secret``, or None (unknown, revoked, expired, inactive user)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    # One query by the unique key_hash index, without the model's default ORDER BY: the
    # token's columns that authentication reads, and its user in full (the request's actor).
    found = list(
        ApiToken.objects.select_related("user")
        .only("user", "scopes", "expires_at", "revoked_at", "last_used_at")
        .filter(key_hash=_hash(secret))
        .order_by()[:1]
    )
    token = found[0] if found else None
    now = timezone.now()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
        or not token.user.is_active
    ):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # At most one write a minute per token (a read-mostly token costs no write lock).
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def actor_for_token(token: ApiToken) -> Actor:
    return Actor(user=token.user, channel="api", token_scopes=frozenset(token.scopes))
