"""The integrations module's services: webhook subscriptions, deliveries, replays."""

from moyeu.integrations.services.replay import (
    delivery_replay,
    replay_dead_letters,
    replay_from,
)
from moyeu.integrations.services.webhooks import (
    subscription_create,
    subscription_delete,
    subscription_rotate_secret,
    subscription_update,
)

__all__ = [
    "delivery_replay",
    "replay_dead_letters",
    "replay_from",
    "subscription_create",
    "subscription_delete",
    "subscription_rotate_secret",
    "subscription_update",
]
