"""API tokens: hashed at rest, scoped, expiring, revocable."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from moyeu.core.errors import NotFound, PermissionDenied, ValidationFailed
from moyeu.directory.models import Contact
from moyeu.directory.services import contact_create
from moyeu.identity.models import ApiToken
from moyeu.identity.services import tokens
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_secret_is_shown_once_and_stored_hashed(personas: Personas) -> None:
    token, secret = tokens.token_create(
        actor=personas.actor("owner"),
        user_id=personas.owner.id,
        name="Zapier",
        scopes=["directory:view"],
    )
    assert secret.startswith(f"moy_{token.prefix}_")
    stored = ApiToken.objects.get(pk=token.id)
    assert secret not in {stored.key_hash, stored.prefix, stored.name}
    assert len(stored.key_hash) == 64
    found = tokens.token_authenticate(secret)
    assert found is not None and found.pk == token.pk
    assert tokens.token_authenticate(secret + "x") is None
    assert tokens.token_authenticate("Bearer nonsense") is None


def test_revoked_expired_or_inactive_tokens_stop_working(personas: Personas) -> None:
    owner = personas.actor("owner")
    token, secret = tokens.token_create(actor=owner, user_id=personas.owner.id, name="a")
    tokens.token_revoke(actor=owner, token_id=token.id)
    assert tokens.token_authenticate(secret) is None

    token, secret = tokens.token_create(
        actor=owner,
        user_id=personas.owner.id,
        name="b",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert tokens.token_authenticate(secret) is None

    token, secret = tokens.token_create(actor=owner, user_id=personas.owner.id, name="c")
    personas.owner.is_active = False
    personas.owner.save()
    assert tokens.token_authenticate(secret) is None


def test_who_may_create_and_revoke(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=personas.actor("teammate"), user_id=personas.owner.id, name="x")
    token, _secret = tokens.token_create(
        actor=personas.actor("admin"), user_id=personas.owner.id, name="pour owner"
    )
    with pytest.raises(NotFound):
        tokens.token_revoke(actor=personas.actor("teammate"), token_id=token.id)
    assert (
        tokens.token_revoke(actor=personas.actor("owner"), token_id=token.id).revoked_at is not None
    )


def test_scopes_are_validated(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        tokens.token_create(
            actor=personas.actor("owner"),
            user_id=personas.owner.id,
            name="x",
            scopes=["directory:fly", "marketing:view"],
        )
    assert excinfo.value.errors == {
        "scopes": ["Unknown scope: directory:fly", "Unknown scope: marketing:view"]
    }
    with pytest.raises(ValidationFailed) as excinfo:
        tokens.token_create(
            actor=personas.actor("owner"),
            user_id=personas.owner.id,
            name="x",
            expires_at=timezone.now() - datetime.timedelta(days=1),
        )
    assert excinfo.value.errors == {"expires_at": ["The expiry must be in the future."]}


def test_token_scopes_narrow_the_roles(personas: Personas) -> None:
    contact_create(actor=personas.actor("owner"), values={"last_name": "Nord"})
    token, _secret = tokens.token_create(
        actor=personas.actor("owner"),
        user_id=personas.owner.id,
        name="ro",
        scopes=["directory:view"],
    )
    actor = tokens.actor_for_token(token)
    assert list(Contact.objects.visible_to(actor, "view").values_list("last_name", flat=True)) == [
        "Nord"
    ]
    with pytest.raises(PermissionDenied):
        contact_create(actor=actor, values={"last_name": "Refusé"})
    # A token cannot widen what the user's roles give: the admin-only scope adds nothing.
    token, _secret = tokens.token_create(
        actor=personas.actor("outsider"), user_id=personas.outsider.id, name="all", scopes=["*"]
    )
    assert Contact.objects.visible_to(tokens.actor_for_token(token), "view").count() == 0
