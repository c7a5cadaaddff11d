"""Where match specifications come from: ``MATCH_SPECS`` in each module's ``duplicates``."""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from moyeu.core.dedup.spec import MatchSpec
from moyeu.core.errors import ValidationFailed
from moyeu.core.registry import registry


@cache
def match_specs() -> dict[str, MatchSpec]:
    """Every declared specification by record type ("directory.contact")."""
    found: dict[str, MatchSpec] = {}
    for module in registry.modules():
        package = apps.get_app_config(module.label).name
        if importlib.util.find_spec(f"{package}.duplicates") is None:
            continue
        for spec in importlib.import_module(f"{package}.duplicates").MATCH_SPECS:
            found[spec.record_type] = spec
    return found


def spec_for(record_type: str) -> MatchSpec:
    spec = match_specs().get(record_type)
    if spec is None:
        raise ValidationFailed(
            {"record_type": [_("No duplicate detection for %(type)s.") % {"type": record_type}]}
        )
    return spec


def model_of(spec: MatchSpec) -> type[models.Model]:
    return apps.get_model(spec.model_label)
