from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig, RecordType


class DocumentsConfig(ModuleConfig):
    name = "moyeu.documents"
    default = True
    label = "documents"
    verbose_name = _("Documents")
    record_types = [
        # Searchable by name (global search); a document follows the access of the record it
        # is attached to (moyeu.documents.permissions), not role grants of its own.
        RecordType(
            model_label="documents.Document",
            name="document",
            searchable_fields=("name",),
            personal_data_fields=(),
        ),
    ]
    event_types = [
        "document.uploaded",
        "document.version_added",
        "document.updated",
        "document.deleted",
        "document.restored",
        "document.purged",
    ]
    audit_codes = [
        "documents.document.uploaded",
        "documents.document.version_added",
        "documents.document.updated",
        "documents.document.deleted",
        "documents.document.restored",
        "documents.document.purged",
    ]
    timeline_kinds = ["document"]
    # Uploads and new versions of the documents on a record (and on its related records).
    timeline_providers = ["moyeu.documents.timeline.DocumentTimeline"]
    demo_loader = "moyeu.documents.demo.load"
