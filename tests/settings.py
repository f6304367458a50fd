"""Test settings: the real settings, with a throwaway data folder.

Each test process (pytest-xdist worker) gets its own FACEMATCH_DATA_DIR, so
tests never touch var/ and never share files.

FACEMATCH_TEST_DATABASE=postgres (the second pass of `make test`) runs the
suite on FACEMATCH_TEST_POSTGRES_URL instead of SQLite; pytest-django makes
a test_<name> database per run (and per xdist worker) and drops it after.
"""

import os
import tempfile

from django.core.exceptions import ImproperlyConfigured

os.environ["FACEMATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="facematch-test-")
os.environ.setdefault("FACEMATCH_TASK_BACKEND", "immediate")
for _name in (
    "FACEMATCH_API_URL",
    "FACEMATCH_API_KEY",
    "FACEMATCH_DATABASE_URL",
    "FACEMATCH_ENV",
    "FACEMATCH_CSP",
    "FACEMATCH_CACHE_URL",
):
    os.environ.pop(_name, None)

from facematch_ui.lib.env import database_from_url  # noqa: E402
from facematch_ui.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TEST_DATABASE = os.environ.get("FACEMATCH_TEST_DATABASE", "sqlite")
if TEST_DATABASE == "postgres":
    _url = os.environ.get("FACEMATCH_TEST_POSTGRES_URL")
    if not _url:
        raise ImproperlyConfigured(
            "FACEMATCH_TEST_DATABASE=postgres needs FACEMATCH_TEST_POSTGRES_URL"
        )
    DATABASES = {"default": {**database_from_url(_url), "CONN_MAX_AGE": 0}}
elif TEST_DATABASE != "sqlite":
    raise ImproperlyConfigured(
        f"FACEMATCH_TEST_DATABASE must be sqlite or postgres, not {TEST_DATABASE!r}"
    )
