"""Test settings: the real settings, with a throwaway data folder.

Each test process (pytest-xdist worker) gets its own FACEMATCH_DATA_DIR, so
tests never touch var/ and never share files.
"""

import os
import tempfile

os.environ["FACEMATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="facematch-test-")
os.environ.setdefault("FACEMATCH_TASK_BACKEND", "immediate")
for _name in ("FACEMATCH_API_URL", "FACEMATCH_API_KEY", "FACEMATCH_DATABASE_URL"):
    os.environ.pop(_name, None)

from facematch_ui.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
