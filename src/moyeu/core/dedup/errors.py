"""The error a create service raises when the new record may already exist."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from moyeu.core.dedup.spec import Candidate
from moyeu.core.errors import Conflict


class DuplicatesFound(Conflict):
    """409 with the candidates (``candidates`` in the problem); retry with force to create."""

    code = "core.duplicates_found"

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        super().__init__(
            _("This record may already exist (%(count)s similar records).")
            % {"count": len(candidates)},
            extensions={"candidates": [candidate.as_json() for candidate in candidates]},
        )
        self.candidates = list(candidates)
