"""Bulk import and export of records: files in, files out, at a million rows."""
