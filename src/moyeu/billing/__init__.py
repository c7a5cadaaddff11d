"""Contracts and subscriptions, invoices, credit notes and payments."""
