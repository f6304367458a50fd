"""FACEMATCH_ENV=production: refuses to start unsafe, passes Django's deploy checks.

Settings are read once per process, so each case starts `manage.py` in a
subprocess with its own environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
SECRET = "production-secret-" + "k3Y9" * 12


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FACEMATCH_")}
    clean.update(
        FACEMATCH_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="facematch_ui.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check", FACEMATCH_ENV="production")

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "FACEMATCH_SECRET_KEY must be set when FACEMATCH_ENV=production" in done.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


def test_development_makes_up_its_own_key(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check")

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "secret_key").exists()


@pytest.mark.parametrize(
    "shared_cache",
    [{}, {"FACEMATCH_CACHE_URL": "redis://cache.example.com:6379/1"}],
    ids=["per-process cache", "shared cache"],
)
def test_production_passes_the_deploy_checks_with_no_warning(
    tmp_path: Path, shared_cache: dict[str, str]
) -> None:
    done = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        FACEMATCH_ENV="production",
        FACEMATCH_SECRET_KEY=SECRET,
        FACEMATCH_ALLOWED_HOSTS="facematch.example.com",
        **shared_cache,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_an_unknown_environment_is_refused(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check", FACEMATCH_ENV="staging")

    assert done.returncode != 0
    assert "FACEMATCH_ENV must be one of development, production" in done.stderr


def test_production_serves_collected_static_files_under_hashed_names(tmp_path: Path) -> None:
    env = {"FACEMATCH_ENV": "production", "FACEMATCH_SECRET_KEY": SECRET}
    collected = _manage(tmp_path, "collectstatic", "--noinput", "-v", "0", **env)
    assert collected.returncode == 0, collected.stderr

    manifest = tmp_path / "data" / "static" / "staticfiles.json"
    assert manifest.exists()
    assert "css/app.css" in manifest.read_text()
    assert list((tmp_path / "data" / "static" / "css").glob("app.*.css.gz"))


@pytest.mark.django_db
def test_every_response_carries_the_content_security_policy(client: Client) -> None:
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_login_page_has_no_inline_script(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()

    for tag in html.split("<script")[1:]:
        assert "src=" in tag.split(">", 1)[0], f"inline script: <script{tag[:80]}"


def test_the_embedded_engine_answers_in_production_behind_https_and_a_real_host(
    tmp_path: Path,
) -> None:
    # In-process API calls go through the middleware: neither the HTTPS
    # redirect nor ALLOWED_HOSTS may turn them away.
    env = {
        "FACEMATCH_ENV": "production",
        "FACEMATCH_SECRET_KEY": SECRET,
        "FACEMATCH_ALLOWED_HOSTS": "facematch.example.com",
    }
    assert _manage(tmp_path, "migrate", "--noinput", **env).returncode == 0
    done = _manage(
        tmp_path,
        "shell",
        "-c",
        "from facematch_ui.ops import checks; print([c.ok for c in checks.run_all()])",
        **env,
    )

    assert done.returncode == 0, done.stderr
    assert "[True, True]" in done.stdout
