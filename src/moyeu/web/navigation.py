"""The menu: one section per module the user may view, built from the module registry.

A module contributes links by exposing ``menu`` (a list of MenuEntry) in its
``<package>.views.urls``; the web app mounts those URLs under ``/<module label>/``.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from moyeu.core.context import Actor
from moyeu.core.registry import registry
from moyeu.identity.access import can_module
from moyeu.web.records.config import MenuEntry


@dataclass(frozen=True)
class NavLink:
    label: Any
    url: str
    url_name: str


@dataclass(frozen=True)
class NavSection:
    label: Any
    links: list[NavLink]


def module_name(label: str) -> Any:
    """The module's name in the current language (the registry keeps the start-up one)."""
    return apps.get_app_config(label).verbose_name


def module_views(label: str) -> ModuleType | None:
    """The ``views.urls`` module of a registered module, if it has a UI."""
    name = f"{apps.get_app_config(label).name}.views.urls"
    if importlib.util.find_spec(name.rsplit(".", 1)[0]) is None:
        return None
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def _allowed(actor: Actor, module: str, entry: MenuEntry) -> bool:
    user = actor.user
    if user is None or not user.is_active:
        return False
    if entry.audience == "admin":
        return bool(user.is_superuser)
    if entry.audience in ("user", "records"):
        return True
    return can_module(actor, module, "view")


def _link(entry: MenuEntry, namespace: str) -> NavLink | None:
    url_name = f"{namespace}:{entry.url_name}"
    try:
        return NavLink(entry.label, reverse(url_name), url_name)
    except NoReverseMatch:
        return None


def sections_for(actor: Actor) -> list[NavSection]:
    business: list[NavSection] = []
    settings: list[NavSection] = []
    for spec in registry.modules():
        views = module_views(spec.label)
        if views is None:
            continue
        entries = list(getattr(views, "menu", []))
        links = [
            link
            for entry in entries
            if _allowed(actor, spec.label, entry)
            for link in [_link(entry, f"web:{spec.label}")]
            if link is not None
        ]
        if not links:
            continue
        # Business modules first; modules of only settings pages (users, access) go last.
        is_business = any(entry.audience in ("module", "records") for entry in entries)
        (business if is_business else settings).append(NavSection(module_name(spec.label), links))
    sections = [*business, *_data_section(actor), *settings]
    user = actor.user
    if user is not None and user.is_superuser:
        sections.append(
            NavSection(
                _("System"), [NavLink(_("Background jobs"), reverse("web:jobs"), "web:jobs")]
            )
        )
    return sections


def _data_section(actor: Actor) -> list[NavSection]:
    """Imports and exports (the data-io pages under /data/): every signed-in user has their own
    jobs there; what each may import or export is checked by the data-io services."""
    user = actor.user
    if user is None or not user.is_active:
        return []
    links = [
        NavLink(label, reverse(url_name), url_name)
        for label, url_name in ((_("Imports"), "dataio:imports"), (_("Exports"), "dataio:exports"))
    ]
    return [NavSection(_("Data"), links)]


def topbar_urls(actor: Actor) -> list[str]:
    """Fragments modules show in the top bar (``topbar`` URL names in their views.urls)."""
    user = actor.user
    if user is None or not user.is_active:
        return []
    urls = []
    for spec in registry.modules():
        views = module_views(spec.label)
        for name in getattr(views, "topbar", []) if views is not None else []:
            try:
                urls.append(reverse(f"web:{spec.label}:{name}"))
            except NoReverseMatch:
                continue
    return urls
