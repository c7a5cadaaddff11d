"""Moyeu: an open-source CRM at the hub of the company's information system."""

__version__ = "0.1.0"
