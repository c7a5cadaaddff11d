"""Webhooks and the event stream, the inbound inbox, connectors (ERP, e-commerce, telephony,
messaging), the system of record per field and the integration console."""
