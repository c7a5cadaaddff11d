from moyeu.core.models.audit import AuditEntry
from moyeu.core.models.base import ExternalId, MoyeuModel, RecordQuerySet, Tag
from moyeu.core.models.business_calendar import BusinessCalendar
from moyeu.core.models.custom_fields import CustomFieldDefinition, CustomFieldType
from moyeu.core.models.duplicates import (
    DuplicateCandidate,
    DuplicateDismissal,
    DuplicateScan,
    DuplicateStatus,
    MergeRecord,
)
from moyeu.core.models.jobs import Job, JobStatus, Lease, WorkerHeartbeat
from moyeu.core.models.numbering import SequenceCounter
from moyeu.core.models.outbox import OutboxEvent, ProcessedEvent
from moyeu.core.models.ratelimit import RateCounter
from moyeu.core.models.search import SearchEntry, SearchRebuild
from moyeu.core.models.validation_rules import ValidationRule, ValidationRuleKind

__all__ = [
    "AuditEntry",
    "BusinessCalendar",
    "CustomFieldDefinition",
    "CustomFieldType",
    "DuplicateCandidate",
    "DuplicateDismissal",
    "DuplicateScan",
    "DuplicateStatus",
    "ExternalId",
    "Job",
    "JobStatus",
    "Lease",
    "MergeRecord",
    "MoyeuModel",
    "OutboxEvent",
    "ProcessedEvent",
    "RateCounter",
    "RecordQuerySet",
    "SearchEntry",
    "SearchRebuild",
    "SequenceCounter",
    "Tag",
    "ValidationRule",
    "ValidationRuleKind",
    "WorkerHeartbeat",
]
