"""End to end on the server `make demo` runs: runserver plus a db_worker.

The server runs single-threaded (--nothreading): a dashboard that called its
own /v1 over HTTP would deadlock here, so this proves the in-process design.
A real face match runs through the engine on a composed video; the dashboard
opens it by id, polls the status until the engine's worker finishes, and
shows the matches with thumbnails served from our own origin.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from facematch_ui.lib.compose_video import Shot, Sprite, compose_video
from facematch_ui.lib.sample_faces import face_photo

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("server")]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = (
    Shot(3, (Sprite("obama.jpg", 0.3, 0.45, 120, 0.6, 0.5),), (60, 70, 90)),
    Shot(2, (), (150, 150, 160)),
    Shot(2, (Sprite("biden.jpg", 0.5, 0.45, 110),), (90, 60, 60)),
)


@dataclass
class RunningServer:
    url: str
    api_key: str
    username: str
    password: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited while starting")
        try:
            httpx.get(url + "/accounts/login/", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start in 60 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp("server-data")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FACEMATCH_") or key == "FACEMATCH_MEDIA_CACHE"
    }
    env.update(
        FACEMATCH_DATA_DIR=str(data_dir),
        FACEMATCH_TASK_BACKEND="database",
        DJANGO_SETTINGS_MODULE="facematch_ui.settings",
        DJANGO_SUPERUSER_PASSWORD="analyst-password-1",
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "createsuperuser", "--noinput", "--username", "analyst", "--email", "a@b.test")
    api_key = _manage(env, "create_api_key", "e2e").strip()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--nothreading",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=ROOT,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_until_up(url, web)
        yield RunningServer(url, api_key, "analyst", "analyst-password-1")
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(timeout=30)


def _logged_in(server: RunningServer) -> httpx.Client:
    browser = httpx.Client(base_url=server.url, timeout=30, follow_redirects=True)
    login = browser.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    assert token, "the login page has a CSRF token"
    browser.post(
        "/accounts/login/",
        data={
            "username": server.username,
            "password": server.password,
            "csrfmiddlewaretoken": token.group(1),
        },
        headers={"Referer": server.url + "/accounts/login/"},
    )
    return browser


def _create_job_through_the_api(server: RunningServer, video: Path) -> str:
    import base64

    auth = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.url + "/v1", headers=auth, timeout=60) as api:
        with video.open("rb") as handle:
            upload = api.post("/files", files={"file": ("clip.mp4", handle, "video/mp4")})
        assert upload.status_code == 200, upload.text
        photo = base64.b64encode(face_photo("obama2.jpg").read_bytes()).decode()
        created = api.post(
            "/face-match",
            json={
                "source_image": {"base64_image": photo},
                "target_video_url": upload.json()["uri"],
            },
        )
        assert created.status_code == 200, created.text
        return str(created.json()["face_match_id"])


def test_the_dashboard_follows_a_real_job_to_its_matches(
    server: RunningServer, tmp_path: Path
) -> None:
    video = tmp_path / "clip.mp4"
    compose_video(video, shots=SHOTS, fps=10)
    job_id = _create_job_through_the_api(server, video)
    browser = _logged_in(server)

    opened = browser.get("/open/", params={"id": job_id})
    assert opened.status_code == 200
    assert str(opened.url).endswith(f"/jobs/{job_id}/")

    deadline = time.monotonic() + 180
    status = browser.get(f"/jobs/{job_id}/status/", headers={"HX-Request": "true"})
    while status.status_code != 286 and time.monotonic() < deadline:
        time.sleep(1)
        status = browser.get(f"/jobs/{job_id}/status/", headers={"HX-Request": "true"})
    assert status.status_code == 286, "polling stops once the job is final"
    assert "Completed" in status.text

    page = browser.get(f"/jobs/{job_id}/")
    thumbnails = re.findall(rf'src="(/jobs/{job_id}/matches/[^"]+/frame\.jpg)"', page.text)
    # Obama is on screen for the first 3 of the 7 sampled seconds.
    assert len(thumbnails) == 3
    assert server.api_key not in page.text
    image = browser.get(thumbnails[0])
    assert image.headers["content-type"] == "image/jpeg"
    assert image.content[:2] == b"\xff\xd8"


def _csrf_token(html: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, "the form has a CSRF token"
    return token.group(1)


def test_a_face_match_started_on_the_new_page_runs_to_its_matches(
    server: RunningServer, tmp_path: Path
) -> None:
    video = tmp_path / "lobby.mp4"
    compose_video(video, shots=SHOTS, fps=10)
    browser = _logged_in(server)
    form = browser.get("/new/")
    assert form.status_code == 200 and 'name="video"' in form.text

    with video.open("rb") as clip, face_photo("obama2.jpg").open("rb") as photo:
        started = browser.post(
            "/new/",
            data={"csrfmiddlewaretoken": _csrf_token(form.text), "frames_per_second": "1"},
            files={
                "video": ("lobby.mp4", clip, "video/mp4"),
                "photo": ("me.jpg", photo, "image/jpeg"),
            },
            headers={"Referer": server.url + "/new/"},
            follow_redirects=False,
        )
    assert started.status_code == 303, started.text
    job_page = started.headers["location"]
    job_id = job_page.rstrip("/").rsplit("/", 1)[-1]
    assert job_page == f"/jobs/{job_id}/"
    page = browser.get(job_page)
    assert f'hx-get="/jobs/{job_id}/status/" hx-trigger="every 2s"' in page.text
    assert browser.get(f"/jobs/{job_id}/source/full.jpg").content[:2] == b"\xff\xd8"

    deadline = time.monotonic() + 180
    status = browser.get(f"/jobs/{job_id}/status/", headers={"HX-Request": "true"})
    while status.status_code != 286 and time.monotonic() < deadline:
        time.sleep(1)
        status = browser.get(f"/jobs/{job_id}/status/", headers={"HX-Request": "true"})
    assert status.status_code == 286 and "Completed" in status.text

    page = browser.get(job_page)
    thumbnails = re.findall(rf'src="(/jobs/{job_id}/matches/[^"]+/frame\.jpg)"', page.text)
    assert len(thumbnails) == 3  # Obama in the first 3 of 7 sampled seconds

    # The uploaded video is now offered for the next face match.
    again = browser.get("/new/")
    assert ">lobby.mp4 · 0:07 · " in again.text
