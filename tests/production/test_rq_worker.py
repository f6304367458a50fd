"""A real face match through a real RQ worker process, queued in Redis.

The deployment of "Running on more than one machine" in small: the job is
created through the API (which enqueues it on the `rq` backend), a separate
`manage.py rqworker` process picks it up from Redis and runs the engine, and
both share one database file and one data folder, as web and worker
machines share PostgreSQL and FACEMATCH_DATA_DIR.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from facematch_ui.lib.compose_video import Shot, Sprite, compose_video
from facematch_ui.lib.sample_faces import face_photo

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.xdist_group("server")]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("FACEMATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SHOTS = (
    Shot(2, (Sprite("obama.jpg", 0.3, 0.45, 120),), (60, 70, 90)),
    Shot(2, (), (150, 150, 160)),
)

CREATE_JOB = """
import base64, sys
import django
django.setup()
from facematch_ui.faceapi.types import NewFaceMatch
from facematch_ui.review.api import face_api_client
video, photo = sys.argv[1], sys.argv[2]
with face_api_client() as api, open(video, "rb") as clip:
    uploaded = api.upload_file("clip.mp4", clip, content_type="video/mp4")
    job = api.create_face_match(NewFaceMatch(
        target_video_url=uploaded.uri,
        source_image_base64=base64.b64encode(open(photo, "rb").read()).decode(),
    ))
print(job.id)
"""

READ_RESULTS = """
import sys
import django
django.setup()
from facematch_ui.review.api import face_api_client
with face_api_client() as api:
    job, results = api.get_all_face_match_results(sys.argv[1])
print(job.status.value, " ".join(f"{r.timestamp:g}" for r in results))
"""


def _redis_or_skip() -> None:
    redis = pytest.importorskip("redis")
    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        connection.flushdb()  # a test database (15 by default), ours alone
    except redis.exceptions.ConnectionError as err:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {err}")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    _redis_or_skip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACEMATCH_")}
    env.update(
        FACEMATCH_DATA_DIR=str(tmp_path / "data"),
        FACEMATCH_TASK_BACKEND="rq",
        FACEMATCH_REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="facematch_ui.settings",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return env


@pytest.fixture
def worker(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "default"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _python(env: dict[str, str], code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _status(database: Path, job_id: str) -> tuple[str, str]:
    with sqlite3.connect(database, timeout=20) as db:
        row = db.execute(
            "SELECT status, error FROM engine_facematch WHERE id = ?", (job_id.replace("-", ""),)
        ).fetchone()
    return (row[0], row[1]) if row else ("missing", "")


def test_an_rq_worker_process_runs_a_real_face_match_from_redis(
    env: dict[str, str], worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    video = tmp_path / "clip.mp4"
    compose_video(video, shots=SHOTS, fps=10)

    job_id = _python(env, CREATE_JOB, str(video), str(face_photo("obama2.jpg")))

    database = Path(env["FACEMATCH_DATA_DIR"]) / "db.sqlite3"
    deadline = time.monotonic() + 180
    status = _status(database, job_id)
    while status[0] in ("pending", "processing") and time.monotonic() < deadline:
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        time.sleep(0.5)
        status = _status(database, job_id)
    assert status == ("completed", ""), (tmp_path / "worker.log").read_text()[-3000:]
    answer = _python(env, READ_RESULTS, job_id)
    # Obama is on screen for the first 2 of the 4 sampled seconds.
    assert answer == "completed 0 1"
    assert "Job OK" in (tmp_path / "worker.log").read_text()
