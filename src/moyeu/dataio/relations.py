"""Columns that name other records: owner, team, tags, and a module's link (a contact's account).

A cell names the other record the way a person would (a user's login or e-mail, a team's
name, tag names, an account's SIRET, SIREN, id in another system or exact name). Each batch
resolves them with one query per kind; a cell naming nothing, or several records, rejects its
row with an error naming the column. Record access applies: owner and team as the record
services check them (the importer must be allowed to create or change a record for that
owner and team), a linked record only if the importer may see it.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from moyeu.core.ids import new_id
from moyeu.core.models import Tag
from moyeu.dataio import bulk
from moyeu.dataio.specs import Label
from moyeu.identity.models import Team

OWNER, TEAM, TAGS = "owner", "team", "tags"
PLATFORM = (OWNER, TEAM, TAGS)
LABELS: dict[str, Label] = {OWNER: _lazy("owner"), TEAM: _lazy("team"), TAGS: _lazy("tags")}
ALIASES: dict[str, tuple[str, ...]] = {
    OWNER: ("proprietaire", "responsable", "owner", "commercial", "assigned to"),
    TEAM: ("equipe", "team"),
    TAGS: ("etiquettes", "etiquette", "tags", "tag", "mots cles", "labels"),
}
TAG_SEPARATORS = re.compile(r"[,;]")
TAG_MAX_LENGTH = 64


def split_tags(cell: str) -> tuple[list[str], str]:
    """(sorted distinct tag names, error message or "")."""
    names = sorted({part.strip() for part in TAG_SEPARATORS.split(cell) if part.strip()})
    for name in names:
        if len(name) > TAG_MAX_LENGTH:
            return [], _("A tag has at most 64 characters.")
    return names, ""


def users_named(cells: Iterable[str]) -> dict[str, list[Any]]:
    """Active users by login or e-mail (case-insensitive), for each cell."""
    wanted = {cell.lower() for cell in cells}
    found: dict[str, list[Any]] = defaultdict(list)
    if not wanted:
        return found
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(login=Lower("username"), mail=Lower("email"))
        .filter(Q(login__in=wanted) | Q(mail__in=wanted))
        .values_list("pk", "login", "mail")
    )
    for pk, login, mail in users:
        for key in {login, mail} & wanted:
            found[key].append(pk)
    return found


def teams_named(cells: Iterable[str]) -> dict[str, list[Any]]:
    wanted = {cell.lower() for cell in cells}
    found: dict[str, list[Any]] = defaultdict(list)
    if wanted:
        teams = Team.objects.annotate(key=Lower("name")).filter(key__in=wanted)
        for pk, key in teams.values_list("pk", "key"):
            found[key].append(pk)
    return found


def tag_ids(names: Iterable[str]) -> dict[str, uuid.UUID]:
    """Ids of the named tags, creating the missing ones (as the record services do)."""
    wanted = set(names)
    if not wanted:
        return {}
    found = dict(Tag.objects.filter(name__in=wanted).values_list("name", "id"))
    missing = [Tag(id=new_id(), name=name) for name in sorted(wanted - set(found))]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        found = dict(Tag.objects.filter(name__in=wanted).values_list("name", "id"))
    return found


def tags_of(model: Any, record_ids: Sequence[Any]) -> dict[Any, list[str]]:
    through = model.tags.through
    column = f"{model._meta.model_name}_id"
    current: dict[Any, list[str]] = defaultdict(list)
    rows = through.objects.filter(**{f"{column}__in": record_ids}).values_list(column, "tag__name")
    for record_id, name in rows:
        current[record_id].append(name)
    return {pk: sorted(names) for pk, names in current.items()}


def set_tags(model: Any, tags: Mapping[Any, Sequence[str]], *, replace: bool) -> None:
    """Give each record exactly the named tags (``replace``: drop the ones it had first)."""
    if not tags:
        return
    through = model.tags.through
    column = f"{model._meta.model_name}_id"
    if replace:
        through.objects.filter(**{f"{column}__in": list(tags)}).delete()
    ids = tag_ids(name for names in tags.values() for name in names)
    rows = [
        {column: record_id, "tag_id": ids[name]}
        for record_id, names in tags.items()
        for name in names
    ]
    bulk.insert(through, rows, {})
