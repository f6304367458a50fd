"""`make demo`: a real face match on a composed video, then the dashboard.

Composes a short video from real face photos (the face_recognition sdist on
PyPI), uploads it to the embedded engine through the same client the
dashboard uses, runs the match on a database task worker, caches the
results, then serves the dashboard with that worker still running.
"""

from __future__ import annotations

import base64
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from facematch_ui.faceapi import FaceApiClient, FaceApiError, NotFound
from facematch_ui.faceapi.types import FrameExtractionConfig, NewFaceMatch
from facematch_ui.review.api import face_api_client
from facematch_ui.review.models import Job
from facematch_ui.review.quality import cache_match_images
from facematch_ui.review.sync import record_new_job, sync_job

DEMO_USERNAME = "analyst"
JOB_TIMEOUT_SECONDS = 900


class Command(BaseCommand):
    help = "Run a face match on a composed demo video and serve the dashboard."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--fresh", action="store_true", help="run a new job even if one exists")
        parser.add_argument("--no-serve", action="store_true", help="stop after the job is cached")

    def handle(self, *args: Any, **options: Any) -> None:
        demo_dir = settings.DATA_DIR / "demo"
        demo_dir.mkdir(parents=True, exist_ok=True)
        password = _ensure_demo_user(demo_dir / "login.txt")
        worker = _start_worker()
        try:
            job = None if options["fresh"] else _existing_demo_job(demo_dir / "job_id")
            if job is None:
                job = self._run_demo_job(demo_dir)
            url = f"http://{options['host']}:{options['port']}/jobs/{job.api_id}/"
            self.stdout.write(self.style.SUCCESS(f"\nDemo ready: {url}"))
            self.stdout.write(f"Log in as {DEMO_USERNAME!r} with password {password!r}")
            self.stdout.write("(the login is kept in var/demo/login.txt; Ctrl-C stops)\n")
            if not options["no_serve"]:
                call_command(
                    "runserver", f"{options['host']}:{options['port']}", use_reloader=False
                )
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    def _run_demo_job(self, demo_dir: Path) -> Job:
        from facematch_ui.lib.compose_video import compose_demo_video
        from facematch_ui.lib.sample_faces import face_photo

        video = demo_dir / "demo.mp4"
        if not video.exists():
            self.stdout.write("Composing the demo video from real face photos...")
            compose_demo_video(video)
        photo = face_photo(DEMO_SOURCE_PHOTO).read_bytes()
        with face_api_client() as client:
            self.stdout.write("Uploading the video to the engine...")
            with video.open("rb") as handle:
                uploaded = client.upload_file(
                    "demo.mp4", handle, metadata={"demo": True}, content_type="video/mp4"
                )
            created = client.create_face_match(
                NewFaceMatch(
                    target_video_url=uploaded.uri,
                    source_image_base64=base64.b64encode(photo).decode("ascii"),
                    frame_extraction=FrameExtractionConfig(frames_per_second=1.0),
                )
            )
            user = get_user_model().objects.get(username=DEMO_USERNAME)
            record_new_job(created, source_image=photo, user=user)
            (demo_dir / "job_id").write_text(created.id)
            self._wait_until_final(client, created.id)
            job = sync_job(created.id, client=client)
            stored = cache_match_images(job, client=client)
        if job.status != "completed":
            raise CommandError(f"The demo face match ended as {job.status}: {job.sync_error}")
        self.stdout.write(f"Face match completed: {job.match_total} matches, {stored} thumbnails.")
        return job

    def _wait_until_final(self, client: FaceApiClient, job_id: str) -> None:
        self.stdout.write(f"Face match {job_id} queued; the worker is analysing the video...")
        deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
        last = ""
        while time.monotonic() < deadline:
            status = client.get_face_match(job_id, limit=1).status
            if status != last:
                self.stdout.write(f"  status: {status}")
                last = status
            if status.is_final:
                return
            time.sleep(1.0)
        raise CommandError(f"The demo face match did not finish in {JOB_TIMEOUT_SECONDS} s")


DEMO_SOURCE_PHOTO = "obama2.jpg"  # not used in the demo video


def _ensure_demo_user(login_file: Path) -> str:
    """Create the demo analyst once; keep its password beside the data."""
    users = get_user_model().objects
    if login_file.exists() and users.filter(username=DEMO_USERNAME).exists():
        return login_file.read_text().strip()
    password = secrets.token_urlsafe(9)
    user, _ = users.get_or_create(username=DEMO_USERNAME)
    user.set_password(password)
    user.save()
    login_file.write_text(password)
    login_file.chmod(0o600)
    return password


def _existing_demo_job(job_file: Path) -> Job | None:
    if not job_file.exists():
        return None
    api_id = job_file.read_text().strip()
    try:
        job = sync_job(api_id)
    except (NotFound, FaceApiError):
        return None
    return job if job.status == "completed" and not job.vanished_at else None


def _start_worker() -> subprocess.Popen[bytes]:
    manage = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.Popen(
        [sys.executable, str(manage), "db_worker", "--interval", "0.5", "--no-startup-delay"]
    )
