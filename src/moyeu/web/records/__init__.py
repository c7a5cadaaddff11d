"""The generic record UI: list, detail, create, edit and delete pages driven by a RecordUI.

A module describes each record type once (columns, filters, form, services) and gets its
pages from :func:`moyeu.web.records.urls.record_urls`; see docs/decisions/0007-web-ui.md.
"""
