"""Global search: one query, results grouped by record type, each group inside record access.

The access policy's filter for each record type (a ``Q`` on owner and team) is compiled
against the index table and placed in the engine's WHERE clause, next to the text match and
before the LIMIT: a record the reader cannot see is never read, ranked or counted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Model
from django.utils.translation import gettext as _

from moyeu.core import access
from moyeu.core.context import Actor
from moyeu.core.errors import ValidationFailed
from moyeu.core.models import RecordQuerySet, SearchEntry
from moyeu.core.search.engines import Row, Scope, current_engine, may_be_misspelt
from moyeu.core.search.index import indexable, searchable_types
from moyeu.core.search.text import words

MIN_LENGTH = 2
MAX_LENGTH = 200
MAX_WORDS = 8
MAX_LIMIT = 50


@dataclass(frozen=True)
class Hit:
    record_id: uuid.UUID
    title: str
    detail: str
    is_fuzzy: bool  # found only as a near-miss of a query word


@dataclass(frozen=True)
class Group:
    kind: str  # the record name: "contact"
    record_type: str  # "directory.contact"
    label: str  # "contacts", translated
    hits: list[Hit]
    has_more: bool


def query_words(q: str) -> list[str]:
    """The words of a query, or ValidationFailed naming ``q``."""
    text = q.strip()
    if not text:
        raise ValidationFailed({"q": [_("Type something to search for.")]})
    if len(text) > MAX_LENGTH:
        raise ValidationFailed(
            {"q": [_("A search has at most %(n)s characters.") % {"n": MAX_LENGTH}]}
        )
    found = words(text)
    if sum(len(w) for w in found) < MIN_LENGTH:
        raise ValidationFailed(
            {"q": [_("Type at least %(n)s letters or digits.") % {"n": MIN_LENGTH}]}
        )
    if len(found) > MAX_WORDS:
        raise ValidationFailed({"q": [_("A search has at most %(n)s words.") % {"n": MAX_WORDS}]})
    return found


def kind_names() -> dict[str, str]:
    """Searchable kinds: record name ("contact") -> record type key ("directory.contact")."""
    return {key.partition(".")[2]: key for key in searchable_types()}


def resolve_kinds(kinds: list[str] | None) -> list[str]:
    """Record type keys of the requested kinds (all when none), or ValidationFailed."""
    names = kind_names()
    if not kinds:
        return list(names.values())
    unknown = sorted({k for k in kinds if k not in names})
    if unknown:
        raise ValidationFailed(
            {
                "kinds": [
                    _("Unknown kind: %(kinds)s. Known kinds: %(known)s.")
                    % {"kinds": ", ".join(unknown), "known": ", ".join(sorted(names))}
                ]
            }
        )
    return [names[k] for k in dict.fromkeys(kinds)]


def _has_platform_visibility(model: type[Model]) -> bool:
    """Whether the record type's visibility is the platform's owner/team rule, which the
    index rows mirror (documents, say, follow the record they are attached to instead)."""
    queryset = type(model._default_manager.all())
    return getattr(queryset, "visible_to", None) is RecordQuerySet.visible_to


def _scope(actor: Actor, key: str, model: type[Model]) -> Scope | None:
    """The index rows of record type ``key`` that ``actor`` may view, as SQL; None if none.

    Owner/team records are filtered on the index's own copy of owner and team; a record type
    with its own ``visible_to`` is filtered by it, as a subquery inside the same statement.
    """
    if _has_platform_visibility(model):
        rows = SearchEntry.objects.filter(
            access.scope_filter(actor, model, "view"), record_type=key
        )
    else:
        records: Any = indexable(model)
        visible = records.visible_to(actor, "view").values("pk")
        rows = SearchEntry.objects.filter(record_type=key, record_id__in=visible)
    query = rows.query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:  # pragma: no cover - record_type always restricts
        sql, params = "1 = 1", []
    # Compiled against the bare table name, which the engines' SQL uses too.
    return Scope(f"({sql})", list(params))


def _hits(rows: list[Row], *, is_fuzzy: bool) -> list[Hit]:
    return [Hit(r.record_id, r.title, r.detail, is_fuzzy) for r in rows]


def search(actor: Actor, q: str, *, kinds: list[str] | None = None, limit: int = 5) -> list[Group]:
    """Groups of hits per record type, in registry order; empty groups are left out.

    Within a group, records matching every word as a prefix come first (ranked by the engine),
    then, if the group is not full, records where the words that found nothing in the group
    (among what the reader may see) are near-misses: a word that found something is taken
    as typed, so the typo pass runs only when some word found nothing.
    """
    found = query_words(q)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed({"limit": [_("Give a limit from 1 to %(n)s.") % {"n": MAX_LIMIT}]})
    keys = resolve_kinds(kinds)
    types = searchable_types()
    engine = current_engine()
    groups: list[Group] = []
    for key in keys:
        record_type, model = types[key]
        scope = _scope(actor, key, model)
        if scope is None:
            continue
        rows = engine.prefix(scope, found, limit + 1)
        hits = _hits(rows, is_fuzzy=False)
        if len(rows) <= limit:
            # Only words that may be misspelt are checked (a number is right or wrong): if
            # they all found something, there is no typo pass.
            fuzzable = [w for w in found if may_be_misspelt(w)]
            missing = engine.unmatched(scope, fuzzable) if fuzzable and not rows else []
            if missing:
                more = engine.fuzzy(scope, found, missing, limit + 1 - len(rows))
                hits += _hits(more, is_fuzzy=True)
        if hits:
            groups.append(
                Group(
                    kind=record_type.name,
                    record_type=key,
                    label=str(model._meta.verbose_name_plural),
                    hits=hits[:limit],
                    has_more=len(hits) > limit,
                )
            )
    return groups
