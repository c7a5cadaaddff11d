"""Import and export settings, read from the environment (documented in docs/import-export.md).

Kept here rather than in moyeu.settings so that the app owns its knobs; a Django setting of
the same name, when present, wins (tests override them with pytest-django's ``settings``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from moyeu.core.config import env_int

_DEFAULTS = {
    "MOYEU_IMPORT_MAX_BYTES": env_int("MOYEU_IMPORT_MAX_BYTES", default=512 * 1024 * 1024),
    "MOYEU_IMPORT_BATCH_SIZE": env_int("MOYEU_IMPORT_BATCH_SIZE", default=2000),
    "MOYEU_IMPORT_PROCESSES": env_int("MOYEU_IMPORT_PROCESSES", default=0),
    "MOYEU_EXPORT_CHUNK_SIZE": env_int("MOYEU_EXPORT_CHUNK_SIZE", default=5000),
}


def setting(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))


def files_dir(kind: str) -> Path:
    """Where uploaded imports and finished exports are kept (under the var directory)."""
    path = Path(settings.VAR_DIR) / "dataio" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path
