"""The service module stands alone: no Django, no other project app."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_client_loads_neither_django_nor_another_app() -> None:
    code = (
        "import sys, facematch_ui.faceapi\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'django'"
        " or (m.startswith('facematch_ui.') and not m.startswith('facematch_ui.faceapi'))]\n"
        "print(','.join(sorted(loaded)))\n"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == ""
