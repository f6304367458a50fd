from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand

from facematch_ui.engine.models import ApiKey


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


class Command(BaseCommand):
    help = "List API keys: name, prefix, created, last used, revoked."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [("NAME", "PREFIX", "CREATED", "LAST USED", "REVOKED")]
        for key in ApiKey.objects.all():
            rows.append(
                (
                    key.name,
                    f"fm_{key.prefix}",
                    _when(key.created_at),
                    _when(key.last_used_at),
                    _when(key.revoked_at),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
