"""Gallery benchmark: the job page over 100,000 cached matches vs a plain list.

Run: .venv/bin/python bench/gallery.py [--matches N] [--runs N]

Builds a throwaway database (FACEMATCH_DATA_DIR in a temp dir), one job with
N matches, and requests the job page through django.test.Client on page 1
and page 1,000, both sorts, with a threshold. For each it prints the SQL
queries per request and the median time, next to rendering the same 50 rows
from an in-memory list of dicts with the same card template. The last line
is `ratio: <slowest gallery median / plain-list median>`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FACEMATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="facematch-bench-")
os.environ["FACEMATCH_TASK_BACKEND"] = "immediate"
os.environ["FACEMATCH_LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facematch_ui.settings")

import django  # noqa: E402

django.setup()

from datetime import UTC, datetime  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402

from facematch_ui.review.models import Job, JobStatus, Match  # noqa: E402

PAGE_SIZE = 50
THRESHOLD = 30


def build(n: int) -> Job:
    job = Job.objects.create(
        api_id="bench-0000-4000-8000-000000000001",
        status=JobStatus.COMPLETED,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        match_total=n,
        matches_synced=n,
    )
    rng = random.Random(1)
    rows = []
    for i in range(n):
        size = rng.uniform(0.05, 0.3)
        rows.append(
            Match(
                job=job,
                api_id=f"m-{i:07d}",
                frame_id=f"f-{i:07d}",
                similarity=round(rng.uniform(0, 100), 2),
                timestamp=i / 2,
                box_top=rng.uniform(0, 1 - size),
                box_left=rng.uniform(0, 1 - size),
                box_width=size,
                box_height=size,
                thumbnail_url=f"https://cdn.example.test/{i}.jpg",
                thumbnail_state="stored",
            )
        )
    Match.objects.bulk_create(rows, batch_size=5000)
    return job


def median_seconds(action: Callable[[], object], runs: int) -> float:
    action()  # warm caches: templates, URL resolver, SQLite pages
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    job = build(args.matches)
    print(f"built {args.matches:,} matches in {time.perf_counter() - started:.1f}s")

    user = get_user_model().objects.create_user("bench", password="bench-password")
    client = Client()
    client.force_login(user)

    # The baseline: the same card template over 50 plain dicts, no database.
    plain_rows = [
        {
            "api_id": f"m-{i:07d}",
            "similarity": 50 + i / 3,
            "timestamp": float(i),
            "box_top": 0.1,
            "box_left": 0.2,
            "box_width": 0.15,
            "box_height": 0.15,
            "thumbnail_state": "stored",
        }
        for i in range(PAGE_SIZE)
    ]
    plain = engines["django"].from_string(
        '<ol class="gallery">{% for match in matches %}'
        '{% include "review/_match_card.html" %}{% endfor %}</ol>'
    )
    plain_context = {"job": {"api_id": job.api_id}, "matches": plain_rows}
    plain_time = median_seconds(lambda: plain.render(plain_context), args.runs)
    print(f"plain list of {PAGE_SIZE} dicts, same card template: {plain_time * 1000:.2f} ms")

    slowest = 0.0
    most_queries = 0
    base = f"/jobs/{job.api_id}/"
    for page in (1, 1000):
        for sort in ("similarity", "time"):
            url = f"{base}?threshold={THRESHOLD}&sort={sort}&page={page}&page_size={PAGE_SIZE}"
            # Counted at the cursor: Django clears its query log at each request start.
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get(url)
            if response.status_code != 200 or response.content.count(b'class="card"') != PAGE_SIZE:
                raise SystemExit(f"{url} gave {response.status_code}, not a full page")
            elapsed = median_seconds(lambda url=url: client.get(url), args.runs)
            slowest = max(slowest, elapsed)
            most_queries = max(most_queries, len(queries))
            print(
                f"page {page:>5} sort={sort:<10} threshold={THRESHOLD}: "
                f"{len(queries)} queries, median {elapsed * 1000:.2f} ms "
                f"({elapsed / plain_time:.2f}x plain)"
            )
    print(f"max queries per request: {most_queries} (target <= 6)")
    print(f"ratio: {slowest / plain_time:.2f}")


if __name__ == "__main__":
    main()
