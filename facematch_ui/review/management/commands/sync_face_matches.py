"""manage.py sync_face_matches: pull jobs, results and thumbnails into the cache now.

For operators and cron: the same work as the background tasks, run in the
foreground with a summary. Without ids it refreshes the job list first.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from facematch_ui.faceapi.errors import FaceApiError
from facematch_ui.review.api import face_api_client
from facematch_ui.review.quality import cache_match_images
from facematch_ui.review.sync import sync_job, sync_job_list
from facematch_ui.review.tasks import jobs_needing_detail_sync


class Command(BaseCommand):
    help = "Sync face-match jobs (all, or the given ids) and their thumbnails from the face API."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("ids", nargs="*", help="face match ids (default: every listed job)")
        parser.add_argument("--no-thumbnails", action="store_true", help="do not fetch thumbnails")

    def handle(self, *args: Any, **options: Any) -> None:
        failures = 0
        with face_api_client() as client:
            ids: list[str] = options["ids"]
            if not ids:
                try:
                    listed = sync_job_list(client=client)
                except FaceApiError as err:
                    raise CommandError(f"Could not list the face matches: {err}") from err
                self.stdout.write(f"{listed} jobs listed.")
                ids = jobs_needing_detail_sync()
            for api_id in ids:
                try:
                    job = sync_job(api_id, client=client)
                except FaceApiError as err:
                    failures += 1
                    self.stderr.write(f"{api_id}: {err}")
                    continue
                stored = 0
                if job.is_final and not options["no_thumbnails"]:
                    stored = cache_match_images(job, client=client)
                self.stdout.write(
                    f"{api_id}: {job.status}, {job.matches_synced} matches, "
                    f"{stored} thumbnails stored"
                    + (" (vanished upstream)" if job.vanished_at else "")
                )
        if failures:
            raise CommandError(f"{failures} of {len(ids)} jobs could not be synced.")
