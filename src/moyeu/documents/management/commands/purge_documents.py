"""moyeu purge_documents: erase documents in the trash for longer than the retention, and the
documents of records that no longer exist (rows and files). Run it daily (cron, a timer).

    moyeu purge_documents              # MOYEU_DOCUMENTS_TRASH_DAYS (30) days
    moyeu purge_documents --days 7
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moyeu.core.context import Actor, action_context
from moyeu.documents.services import documents_purge


class Command(BaseCommand):
    help = "Erase documents kept in the trash past the retention, and orphaned documents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Days in the trash.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        days = settings.MOYEU_DOCUMENTS_TRASH_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more")
        with action_context(channel="command"):
            purged = documents_purge(
                actor=Actor.system("command"), older_than=datetime.timedelta(days=days)
            )
        self.stdout.write(f"purged {purged} document(s)")
