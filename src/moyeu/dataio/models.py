"""Import and export jobs, the import journal used by revert, and remembered mappings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from moyeu.core.ids import new_id


class ImportMode(models.TextChoices):
    CREATE = "create", _("Create only")
    UPDATE = "update", _("Update only")
    UPSERT = "upsert", _("Create or update")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPED = "mapped", _("Mapped")
    CHECKED = "checked", _("Checked")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    REVERTING = "reverting", _("Reverting")
    REVERTED = "reverted", _("Reverted")


class RowOutcome(models.TextChoices):
    # With a context: "Created" alone is a date column elsewhere ("Créée le").
    CREATED = "created", pgettext_lazy("import row outcome", "Created")
    UPDATED = "updated", pgettext_lazy("import row outcome", "Updated")
    SKIPPED = "skipped", pgettext_lazy("import row outcome", "Skipped")
    REJECTED = "rejected", pgettext_lazy("import row outcome", "Rejected")


class ImportJob(models.Model):
    """One uploaded file and what happened to it. ``checkpoint`` counts the data rows whose
    batch is committed: a restarted run skips them, so no row is lost or written twice."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    record_type = models.CharField(max_length=100)  # directory.contact
    file_path = models.CharField(max_length=500)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=8)  # csv, xlsx
    encoding = models.CharField(max_length=40, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # column header -> field name
    mode = models.CharField(max_length=10, choices=ImportMode.choices, default=ImportMode.CREATE)
    key = models.CharField(max_length=100, blank=True)  # email, external_ids.erp...
    options = models.JSONField(default=dict)  # {"duplicates": "skip" | "allow"}
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveBigIntegerField(null=True)
    created_count = models.PositiveBigIntegerField(default=0)
    updated_count = models.PositiveBigIntegerField(default=0)
    skipped_count = models.PositiveBigIntegerField(default=0)
    rejected_count = models.PositiveBigIntegerField(default=0)
    checkpoint = models.PositiveBigIntegerField(default=0)
    reverted_rows = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.record_type})"


class ImportRowResult(models.Model):
    """The outcome of one row that was not simply written (rejected, skipped), or of any row
    of a dry run; ``messages`` is a list of {column, message}."""

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_results")
    is_dry_run = models.BooleanField(default=False)
    row = models.PositiveBigIntegerField()  # line of the file, header = 1
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices)
    record_id = models.UUIDField(null=True)
    messages = models.JSONField(default=list)
    cells = models.JSONField(default=list)  # the row as read, for the errors file

    class Meta:
        ordering = ["row"]
        indexes = [models.Index(fields=["job", "is_dry_run", "row"], name="dataio_row_job")]

    def __str__(self) -> str:
        return f"line {self.row}: {self.outcome}"


class ImportBatch(models.Model):
    """The journal of one committed batch, written in its transaction: the checkpoint and
    everything revert needs. ``created`` is [[row, id]...]; ``updated`` is
    [[row, id, {field: previous value}]...]."""

    id = models.BigAutoField(primary_key=True)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    first_row = models.PositiveBigIntegerField()
    last_row = models.PositiveBigIntegerField()
    created = models.JSONField(default=list)
    updated = models.JSONField(default=list)
    is_reverted = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="dataio_batch_once")]

    def __str__(self) -> str:
        return f"batch {self.number} (lines {self.first_row}-{self.last_row})"


class ImportMapping(models.Model):
    """The last mapping a user chose for a record type: offered again on the next upload."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=100)
    mapping = models.JSONField(default=dict)  # normalised header -> field
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "record_type"], name="dataio_mapping_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} mapping"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ExportJob(models.Model):
    """An export of a list view: its record type, filters (the list's query string) and
    columns, written to a file in the background."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    record_type = models.CharField(max_length=100)
    query = models.TextField(blank=True)  # the list page's query string: filters, search, sort
    columns = models.JSONField(default=list)
    format = models.CharField(max_length=8, choices=ExportFormat.choices, default="csv")
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True)
    is_cancel_requested = models.BooleanField(default=False)
    file_path = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        indexes = [models.Index(fields=["requested_by", "created_at"], name="dataio_export_user")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.format} ({self.status})"
