from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from facematch_ui.engine.keys import ApiKeyError, revoke_key


class Command(BaseCommand):
    help = "Revoke an API key by name or prefix; requests with it then get 401."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("key", help="The key's name or prefix (as list_api_keys shows)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            record = revoke_key(options["key"])
        except ApiKeyError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"Revoked {record.name} (fm_{record.prefix}…)")
