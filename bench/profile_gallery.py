"""Where the job page's time goes: pyinstrument over repeated gallery requests.

Run: .venv/bin/python bench/profile_gallery.py [--matches N] [--runs N] [--partial]

Needs pyinstrument (`.venv/bin/pip install pyinstrument`; not a project
dependency). Builds the same throwaway job as bench/gallery.py, warms the
caches (templates, the verdict counts), then prints pyinstrument's call tree
of `--runs` requests for page 1,000 sorted by time, threshold 30.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Importing it sets up Django on a throwaway data folder.
import gallery
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from pyinstrument import Profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--partial", action="store_true", help="the htmx partial")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    job = gallery.build(args.matches)
    client = Client()
    client.force_login(get_user_model().objects.create_user("bench", password="bench-password"))
    url = f"/jobs/{job.api_id}/?threshold={gallery.THRESHOLD}&sort=time&page=1000"
    headers = {"HX-Request": "true"} if args.partial else {}
    for _ in range(3):
        client.get(url, headers=headers)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.runs):
            client.get(url, headers=headers)
    print(profiler.output_text(color=False, show_all=False))


if __name__ == "__main__":
    main()
