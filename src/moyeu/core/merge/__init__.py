"""Generic reversible merge of records (see engine and undo)."""

from moyeu.core.merge.engine import merge_records, mergeable_fields
from moyeu.core.merge.undo import merge_model, undo_merge

__all__ = ["merge_model", "merge_records", "mergeable_fields", "undo_merge"]
