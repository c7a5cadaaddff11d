"""Cursor (keyset) pagination: stable under inserts, no OFFSET, no COUNT(*).

A page is ``{"items": [...], "next_cursor": "<opaque>" | null}``. The cursor encodes the
ordering and the last row's sort value and id; the next page starts strictly after that row
(``(value, id) > (last_value, last_id)``), so concurrent inserts never shift or repeat rows.
Every ordering is tie-broken by ``id`` (UUIDv7, time-ordered), in the same direction.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, models
from django.db.models import Q

from moyeu.api.problems import ApiProblem
from moyeu.core.access import Branches
from moyeu.core.services.audit import json_value

M = TypeVar("M", bound=models.Model)


def _bad(field: str, message: str) -> ApiProblem:
    return ApiProblem(400, "api.bad_filter", message, errors=[(field, message)])


@dataclass(frozen=True)
class Ordering:
    field: str
    descending: bool

    @property
    def label(self) -> str:
        return f"-{self.field}" if self.descending else self.field

    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        keys = [f"{sign}{self.field}"]
        if self.field != "id":
            keys.append(f"{sign}id")
        return keys

    @classmethod
    def parse(cls, raw: str | None, allowed: Sequence[str], default: str = "-id") -> Ordering:
        value = (raw or default).strip()
        name = value.removeprefix("-")
        if name not in allowed:
            choices = ", ".join(sorted(allowed))
            raise _bad("ordering", f"Order by one of: {choices} (prefix '-' for descending).")
        return cls(field=name, descending=value.startswith("-"))


def _read(row: Any, name: str) -> Any:
    """A field of a row: a model instance, or a dict read with ``.values()``."""
    return row[name] if isinstance(row, dict) else getattr(row, name)


def encode_cursor(ordering: Ordering, row: Any, pk_name: str = "pk") -> str:
    payload = {
        "o": ordering.label,
        "v": json_value(_read(row, ordering.field)),
        "id": str(_read(row, pk_name)),
    }
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(model: type[models.Model], ordering: Ordering, cursor: str) -> tuple[Any, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(payload, dict) or payload.get("o") != ordering.label:
            raise ValueError("cursor of another ordering")
        last_id = uuid.UUID(str(payload["id"]))
        field = model._meta.get_field(ordering.field)
        value = field.to_python(payload["v"]) if isinstance(field, models.Field) else None
    except (ValueError, KeyError, TypeError, binascii.Error, DjangoValidationError):
        raise _bad("cursor", "Invalid cursor; start again without one.") from None
    return value, last_id


def _after(ordering: Ordering, value: Any, last_id: Any) -> Q:
    op = "lt" if ordering.descending else "gt"
    if ordering.field == "id":
        return Q(**{f"id__{op}": last_id})
    return Q(**{f"{ordering.field}__{op}": value}) | Q(
        **{ordering.field: value, f"id__{op}": last_id}
    )


def paginate(
    queryset: models.QuerySet[M, Any],
    *,
    ordering: Ordering,
    cursor: str | None,
    limit: int,
    branches: Branches = None,
) -> tuple[list[Any], str | None]:
    """One page of ``queryset`` in ``ordering`` after ``cursor``: (rows, next cursor or None).

    The rows are model instances, or dicts for a ``.values()`` queryset (which must read the
    ordering's field and the primary key). ``branches`` (``moyeu.core.access.Branches``)
    narrows ``queryset`` to the caller's scope: None leaves it as it is.
    """
    if cursor:
        value, last_id = _decode_cursor(queryset.model, ordering, cursor)
        queryset = queryset.filter(_after(ordering, value, last_id))
    if branches is not None:
        if not branches:
            return [], None
        if len(branches) == 1:
            lookup, value = branches[0]
            queryset = queryset.filter(**{lookup: value})
        else:
            ids = merged_branches(queryset, branches, ordering, limit + 1)
            if not ids:
                return [], None
            queryset = queryset.filter(pk__in=ids)
    rows = list(queryset.order_by(*ordering.order_by())[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    pk_name = queryset.model._meta.pk.name if isinstance(rows[-1], dict) else "pk"
    return rows, encode_cursor(ordering, rows[-1], pk_name)


# A value no record holds, standing for a branch's value while its query is compiled once.
_PROBE = uuid.UUID("6d6f7965-752d-4272-816e-63682d70726f")


def _stored(model: type[models.Model], lookup: str, value: Any) -> Any:
    """``value`` as the database receives it for ``model``'s column ``lookup``."""
    field = model._meta.get_field(lookup)
    assert isinstance(field, models.Field)
    return field.get_db_prep_value(value, connection, prepared=False)


def _branch_sql(
    queryset: models.QuerySet[Any], lookup: str, value: Any, ordering: Ordering, size: int
) -> tuple[str, list[Any]]:
    """The ids of the first ``size`` rows of ``queryset`` where ``lookup = value``.

    In an ordering other than the id, PostgreSQL may walk the ordering's index filtering
    ``lookup = value`` — the whole table for a caller who owns few records. There the branch
    is read by its own index first (``OFFSET 0`` keeps the planner from merging the two
    levels), then sorted: bounded by the branch's size, not the table's.
    """
    branch = queryset.filter(**{lookup: value})
    if ordering.field == "id" or connection.vendor != "postgresql":
        ordered = branch.order_by(*ordering.order_by()).values_list("pk")[:size]
        sql, params = ordered.query.sql_with_params()
        return sql, list(params)
    sql, params = branch.order_by().values_list("pk", ordering.field).query.sql_with_params()
    direction = "DESC" if ordering.descending else "ASC"
    return (
        f"SELECT * FROM ({sql} OFFSET 0) s ORDER BY 2 {direction}, 1 {direction} "  # noqa: S608
        f"LIMIT {int(size)}",
        list(params),
    )


def merged_branches(
    queryset: models.QuerySet[Any], branches: list[tuple[str, Any]], ordering: Ordering, size: int
) -> list[Any]:
    """The ids of the first ``size`` rows of each branch of ``queryset`` (one query).

    Each branch (``lookup = value``, a column with an index on ``(column, id)``) reads at
    most ``size`` ids in ``ordering``; the first ``size`` rows of their union are among them.
    The page is then read by these ids: a literal list of at most ``branches * size`` keys,
    which both databases read by the primary key (handed a subquery instead, SQLite may walk
    the ordering's index and probe it: the whole table for a caller who sees few records).
    The branches of one column share one compiled query: it is compiled with a probe value,
    which the branch's own value then replaces among its parameters.
    """
    templates: dict[str, tuple[str, list[Any], int] | None] = {}
    parts: list[str] = []
    params: list[Any] = []
    for lookup, value in branches:
        if lookup not in templates:
            sql, found = _branch_sql(queryset, lookup, _PROBE, ordering, size)
            stored = _stored(queryset.model, lookup, _PROBE)
            at = [i for i, param in enumerate(found) if param == stored]
            templates[lookup] = (sql, found, at[0]) if len(at) == 1 else None
        template = templates[lookup]
        if template is None:  # the probe value is among the filters' own values
            sql, values = _branch_sql(queryset, lookup, value, ordering, size)
        else:
            sql, values = template[0], template[1].copy()
            values[template[2]] = _stored(queryset.model, lookup, value)
        # Compiled by the ORM from our querysets; every value is a parameter.
        parts.append(f"SELECT * FROM ({sql}) b{len(parts)}")  # noqa: S608
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))
