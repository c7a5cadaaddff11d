"""The module registry.

Every Moyeu module's AppConfig subclasses :class:`ModuleConfig` and declares what it brings:
its record models, permissions, event types, audit codes, timeline kinds, searchable fields
and personal-data fields. The platform (API, UI, access control, privacy, search) reads these
declarations instead of importing module internals. The registry is filled while Django starts
and locked afterwards, so nothing registers behind the platform's back at run time.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import Model

ENTRY_POINT_GROUP = "moyeu.modules"

# The actions a role can grant on a module's records. "administer" covers module settings.
ACTIONS: tuple[str, ...] = (
    "view",
    "create",
    "change",
    "delete",
    "export",
    "merge",
    "import",
    "administer",
)


@dataclass(frozen=True)
class RecordType:
    """A business record type a module exposes (e.g. directory.contact)."""

    model_label: str  # "directory.Contact"
    name: str  # "contact": used in event types, audit codes and URLs
    searchable_fields: tuple[str, ...] = ()
    personal_data_fields: tuple[str, ...] = ()
    # The field holding the record's e-mail address, if it has one (a contact's): where a
    # meeting invitation to it goes.
    email_field: str = ""


@dataclass
class ModuleSpec:
    label: str
    verbose_name: str
    record_types: list[RecordType] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    audit_codes: list[str] = field(default_factory=list)
    timeline_kinds: list[str] = field(default_factory=list)
    # Dotted paths of classes implementing moyeu.core.timeline.TimelineProvider.
    timeline_providers: list[str] = field(default_factory=list)
    # Record type ("directory.account") -> dotted path of ``(actor, record_id) -> [RecordRef]``:
    # the records whose items also appear on that record's timeline (an account's contacts).
    timeline_related: dict[str, str] = field(default_factory=dict)
    # Rows naming a record of any type by (type column, id column), such as an activity's
    # links: ("activities.ActivityLink", "record_type", "record_id"). Merges move them;
    # deletions remove them (moyeu.core.services.references).
    record_references: list[tuple[str, str, str]] = field(default_factory=list)
    demo_loader: str = ""  # dotted path of load(actor) -> None, for `moyeu load_demo`
    # How timelines and histories name an audit code other than created/updated/deleted:
    # {"sales.opportunity.won": _("Won: moved to %(to_stage)s")}, formatted with the entry's
    # data (a nested object stands for its "name").
    audit_titles: dict[str, Any] = field(default_factory=dict)


class Registry:
    def __init__(self) -> None:
        self._modules: dict[str, ModuleSpec] = {}
        self._platform_audit_codes: set[str] = set()
        self._locked = False

    def register(self, spec: ModuleSpec) -> None:
        if self._locked:
            raise ImproperlyConfigured(
                f"module {spec.label!r} registered after start-up; the registry is locked"
            )
        if spec.label in self._modules:
            raise ImproperlyConfigured(f"module {spec.label!r} registered twice")
        self._modules[spec.label] = spec

    def declare_audit_codes(self, codes: Iterable[str]) -> None:
        """Audit codes the platform itself writes (core, data-io), beside the modules' own."""
        if self._locked:
            raise ImproperlyConfigured(
                "audit codes declared after start-up; the registry is locked"
            )
        self._platform_audit_codes.update(codes)

    def lock(self) -> None:
        self._locked = True

    @property
    def is_locked(self) -> bool:
        return self._locked

    def modules(self) -> Iterator[ModuleSpec]:
        return iter(self._modules.values())

    def module(self, label: str) -> ModuleSpec:
        return self._modules[label]

    def record_types(self) -> Iterator[tuple[ModuleSpec, RecordType]]:
        for spec in self._modules.values():
            for record_type in spec.record_types:
                yield spec, record_type

    def record_type_for_model(self, model: type[Model]) -> tuple[ModuleSpec, RecordType]:
        label = model._meta.label
        for spec, record_type in self.record_types():
            if record_type.model_label == label:
                return spec, record_type
        raise LookupError(f"{label} is not a registered record type")

    def event_types(self) -> set[str]:
        return {event for spec in self._modules.values() for event in spec.event_types}

    def audit_codes(self) -> set[str]:
        codes = {code for spec in self._modules.values() for code in spec.audit_codes}
        return codes | self._platform_audit_codes

    def record_model(self, record_type: str) -> type[Model] | None:
        """The model of a record type, by model label or <module>.<name> ("directory.contact")."""
        from django.apps import apps

        wanted = record_type.lower()
        for spec, declared in self.record_types():
            if wanted in (declared.model_label.lower(), f"{spec.label}.{declared.name}"):
                return apps.get_model(declared.model_label)
        return None

    def audit_title(self, code: str) -> Any:
        """The title a module gives to ``code``, or None."""
        for spec in self._modules.values():
            if code in spec.audit_titles:
                return spec.audit_titles[code]
        return None

    def timeline_kinds(self) -> set[str]:
        return {kind for spec in self._modules.values() for kind in spec.timeline_kinds}

    def timeline_providers(self) -> list[str]:
        return [path for spec in self._modules.values() for path in spec.timeline_providers]

    def record_references(self) -> list[tuple[str, str, str]]:
        return [ref for spec in self._modules.values() for ref in spec.record_references]

    def timeline_related(self, record_type: str) -> list[str]:
        return [
            spec.timeline_related[record_type]
            for spec in self._modules.values()
            if record_type in spec.timeline_related
        ]


registry = Registry()


class ModuleConfig(AppConfig):
    """Base AppConfig of a Moyeu module; subclasses fill the class attributes.

    Subclasses set ``default = True`` so that Django picks them over this base class, which
    their apps.py imports.
    """

    default = False
    default_auto_field = "django.db.models.BigAutoField"
    record_types: ClassVar[list[RecordType]] = []
    event_types: ClassVar[list[str]] = []
    audit_codes: ClassVar[list[str]] = []
    timeline_kinds: ClassVar[list[str]] = []
    timeline_providers: ClassVar[list[str]] = []
    timeline_related: ClassVar[dict[str, str]] = {}
    record_references: ClassVar[list[tuple[str, str, str]]] = []
    demo_loader: ClassVar[str] = ""
    audit_titles: ClassVar[dict[str, Any]] = {}

    def ready(self) -> None:
        registry.register(
            ModuleSpec(
                label=self.label,
                verbose_name=str(self.verbose_name),
                record_types=list(self.record_types),
                event_types=list(self.event_types),
                audit_codes=list(self.audit_codes),
                timeline_kinds=list(self.timeline_kinds),
                timeline_providers=list(self.timeline_providers),
                timeline_related=dict(self.timeline_related),
                record_references=list(self.record_references),
                demo_loader=self.demo_loader,
                audit_titles=dict(self.audit_titles),
            )
        )


def discover_entry_point_modules() -> Iterable[str]:
    """Dotted paths of third-party module AppConfigs declared under ``moyeu.modules``."""
    return [ep.value for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]
