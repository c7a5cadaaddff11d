"""The integrations module's data. Other modules use its services and queries only."""

from moyeu.integrations.models.webhooks import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = ["DeliveryStatus", "WebhookAttempt", "WebhookDelivery", "WebhookSubscription"]
