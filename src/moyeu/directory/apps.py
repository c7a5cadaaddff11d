from django.utils.translation import gettext_lazy as _

from moyeu.core.registry import ModuleConfig, RecordType


class DirectoryConfig(ModuleConfig):
    name = "moyeu.directory"
    default = True
    label = "directory"
    verbose_name = _("Directory")
    demo_loader = "moyeu.directory.demo.load"
    record_types = [
        RecordType(
            model_label="directory.Account",
            name="account",
            searchable_fields=("name", "trade_name", "email", "city"),
            personal_data_fields=(),
        ),
        RecordType(
            model_label="directory.Contact",
            name="contact",
            searchable_fields=("first_name", "last_name", "email"),
            email_field="email",  # meeting invitations go to the primary e-mail
            # The child tables (e-mails, phones, addresses) hold personal data too; they go
            # with their contact (deleted with it, listed in its snapshot).
            personal_data_fields=(
                "first_name",
                "last_name",
                "email",
                "phone",
                "job_title",
                "civility",
                "phone_e164",
                "language",
            ),
        ),
    ]
    event_types = [
        "account.created",
        "account.updated",
        "account.deleted",
        "contact.created",
        "contact.updated",
        "contact.deleted",
        "account.merged",
        "account.merge_undone",
        "contact.merged",
        "contact.merge_undone",
        # Written per import batch by the data-io app (moyeu.dataio.writer).
        "account.imported",
        "account.import_reverted",
        "contact.imported",
        "contact.import_reverted",
    ]
    audit_codes = [
        "directory.account.created",
        "directory.account.updated",
        "directory.account.deleted",
        "directory.contact.created",
        "directory.contact.updated",
        "directory.contact.deleted",
        "directory.account.exported",
        "directory.contact.exported",
        "directory.account.merged",
        "directory.account.merge_undone",
        "directory.contact.merged",
        "directory.contact.merge_undone",
        "directory.account.imported",
        "directory.account.import_reverted",
        "directory.contact.imported",
        "directory.contact.import_reverted",
        # An import or revert whose background job failed for good (moyeu.dataio.imports).
        "directory.account.import_failed",
        "directory.contact.import_failed",
    ]
    timeline_kinds = []
    # An account's timeline shows its contacts' items too (activities logged on them).
    timeline_related = {
        "directory.account": "moyeu.directory.queries.account_contacts_for_timeline",
    }
