"""The module registry: declarations, lock after start-up, entry-point modules."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from moyeu.core.registry import ModuleSpec, Registry, discover_entry_point_modules, registry
from moyeu.directory.models import Contact


def test_started_registry_is_locked_and_knows_the_modules() -> None:
    assert registry.is_locked
    assert [spec.label for spec in registry.modules()] == [
        "identity",
        "directory",
        "documents",
        "activities",
        "sales",
        "billing",
        "service",
        "integrations",
        "portal",
    ]
    with pytest.raises(ImproperlyConfigured, match="registry is locked"):
        registry.register(ModuleSpec(label="late", verbose_name="Late"))


def test_timeline_declarations_are_gathered_from_every_module() -> None:
    assert sorted(registry.timeline_providers()) == [
        "moyeu.activities.timeline.ActivityTimeline",
        "moyeu.documents.timeline.DocumentTimeline",
        "moyeu.sales.opportunity_timeline.OpportunityTimeline",
        "moyeu.sales.timeline.QuoteTimeline",
    ]
    # An account's timeline also shows its contacts' and its opportunities' items; a
    # contact's, its opportunities'.
    assert registry.timeline_related("directory.account") == [
        "moyeu.directory.queries.account_contacts_for_timeline",
        "moyeu.sales.queries.account_opportunities_for_timeline",
    ]
    assert registry.timeline_related("directory.contact") == [
        "moyeu.sales.queries.contact_opportunities_for_timeline"
    ]
    assert registry.timeline_kinds() == {
        *("call", "meeting", "task", "note", "email", "message"),
        "document",
        *("quote", "order", "opportunity"),
    }
    assert registry.record_model("directory.contact") is Contact
    assert registry.record_model("Directory.Contact") is Contact
    assert registry.record_model("marketing.segment") is None


def test_declarations_are_reachable_by_model() -> None:
    spec, record_type = registry.record_type_for_model(Contact)
    assert (spec.label, record_type.name) == ("directory", "contact")
    assert record_type.personal_data_fields == (
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "civility",
        "phone_e164",
        "language",
    )
    assert {"contact.created", "account.deleted"} <= registry.event_types()
    assert "directory.contact.updated" in registry.audit_codes()


def test_platform_audit_codes_are_declared_and_closed_after_start() -> None:
    codes = registry.audit_codes()
    assert {"core.duplicate.dismissed", "core.duplicate.scan_started"} <= codes
    assert {"core.custom_field.created", "core.validation_rule.deleted"} <= codes
    assert {"directory.contact.imported", "directory.account.import_reverted"} <= codes
    assert "core.duplicate.merged" not in codes
    with pytest.raises(ImproperlyConfigured, match="registry is locked"):
        registry.declare_audit_codes(["core.late.code"])
    fresh = Registry()
    fresh.register(ModuleSpec(label="x", verbose_name="X", audit_codes=["x.thing.made"]))
    fresh.declare_audit_codes(["core.thing.done"])
    assert fresh.audit_codes() == {"x.thing.made", "core.thing.done"}


def test_a_module_cannot_register_twice() -> None:
    fresh = Registry()
    fresh.register(ModuleSpec(label="x", verbose_name="X"))
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        fresh.register(ModuleSpec(label="x", verbose_name="X"))


def test_entry_point_modules_are_discovered(monkeypatch: pytest.MonkeyPatch) -> None:
    point = importlib.metadata.EntryPoint(
        name="loyalty", value="moyeu_loyalty.apps.LoyaltyConfig", group="moyeu.modules"
    )

    def fake_entry_points(**kwargs: Any) -> list[importlib.metadata.EntryPoint]:
        return [point] if kwargs.get("group") == "moyeu.modules" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    assert list(discover_entry_point_modules()) == ["moyeu_loyalty.apps.LoyaltyConfig"]


def _settings_error(env: dict[str, str]) -> str:
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "moyeu.settings", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    return result.stderr.strip().splitlines()[-1]


def test_disabling_modules_is_checked(tmp_path: Any) -> None:
    assert _settings_error({"MOYEU_DISABLED_MODULES": "crm", "MOYEU_VAR_DIR": str(tmp_path)}) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "MOYEU_DISABLED_MODULES names unknown modules: ['crm']"
    )
    assert _settings_error(
        {"MOYEU_DISABLED_MODULES": "identity", "MOYEU_VAR_DIR": str(tmp_path)}
    ) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "MOYEU_DISABLED_MODULES: identity cannot be turned off"
    )
