from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from facematch_ui.engine.keys import ApiKeyError, create_key


class Command(BaseCommand):
    help = "Create an API key for /v1. Prints only the key (shown once), for scripts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="A unique name saying who or what uses the key")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _record, key = create_key(options["name"])
        except ApiKeyError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(key)
