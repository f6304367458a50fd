"""Gallery benchmark: the job page over 100,000 cached matches vs a plain list.

Run: .venv/bin/python bench/gallery.py [--matches N] [--runs N]

Builds a throwaway database (FACEMATCH_DATA_DIR in a temp dir), one job with
N matches, and requests the job page through django.test.Client on page 1
and page 1,000, both sorts, with a threshold. For each it prints the SQL
queries per request and the median time, side by side with the baseline:
the same request (same middleware, session, login, template, same 50 rows)
answered by a view that takes the rows and the verdict counts from
in-memory values instead of the database: it builds its context with
review.views.gallery_context's own pieces, replacing only the two reads
(the counts and the page). The ratio is therefore the cost of reading the
cache, nothing else. Both the full page and the htmx partial (what the
slider and pager fetch) are measured. Queries are counted on the first
request (the verdict counts not cached yet) and on a later one. The last
line is `ratio: <worst gallery median / its plain-list median>`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FACEMATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="facematch-bench-")
os.environ["FACEMATCH_TASK_BACKEND"] = "immediate"
os.environ["FACEMATCH_LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facematch_ui.settings")

import django  # noqa: E402

django.setup()


from big_job import build_job  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from facematch_ui import urls as root_urls  # noqa: E402
from facematch_ui.review.forms import GalleryQueryForm  # noqa: E402
from facematch_ui.review.models import Job  # noqa: E402
from facematch_ui.review.queries import GalleryPage, gallery_page  # noqa: E402
from facematch_ui.review.similarity import VerdictCounts, verdict_counts  # noqa: E402
from facematch_ui.review.views import (  # noqa: E402
    gallery_frame_context,
    gallery_results_context,
    job_gallery_links,
)

PAGE_SIZE = 50
THRESHOLD = 30


def build(n: int) -> Job:
    return build_job("bench-0000-4000-8000-000000000001", n)


def median_seconds(action: Callable[[], object], runs: int) -> float:
    action()  # warm caches: templates, URL resolver, SQLite pages
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class PlainList:
    """The baseline's data: one page of rows and the verdict counts, held in memory."""

    def __init__(self, job: Job, counts: VerdictCounts) -> None:
        self.job = job
        self.counts = counts
        self.pages: dict[str, GalleryPage] = {}

    def view(self, request: HttpRequest) -> HttpResponse:
        """The job page's view, with its two reads replaced by dict lookups."""
        query = GalleryQueryForm(request.GET).query()
        links = job_gallery_links(self.job)
        context = gallery_frame_context(self.job, query, **links)  # type: ignore[arg-type]
        page = self.pages[request.GET.urlencode()]
        context.update(
            gallery_results_context(
                query, self.counts, page, match_url_prefix=str(links["match_url_prefix"])
            )
        )
        template = "review/job_detail.html"
        if request.headers.get("HX-Request"):
            template += "#results"
        return render(request, template, context)


CARD = b'<li class="card '
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def count_queries(client: Client, url: str, headers: dict[str, str]) -> int:
    # Counted at the cursor: Django clears its query log at each request start.
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, headers=headers)
    if response.status_code != 200 or response.content.count(CARD) != PAGE_SIZE:
        raise SystemExit(f"{url} gave {response.status_code}, not a full page")
    return len(queries)


def same_cards(client: Client, url: str, plain_url: str, headers: dict[str, str]) -> None:
    """The baseline must answer with the very same cards, or its time means nothing."""
    ours, base = (
        # Each render masks the CSRF token anew.
        CSRF.sub(b"", client.get(u, headers=headers).content)
        for u in (url, plain_url)
    )
    cards = ours[ours.index(CARD) : ours.rindex(b"</ol>")]
    if cards != base[base.index(CARD) : base.rindex(b"</ol>")]:
        raise SystemExit(f"{plain_url} does not render the cards {url} does")


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

    plain = PlainList(job, verdict_counts(job))
    root_urls.urlpatterns.append(path("bench/plain/", plain.view))
    clear_url_caches()

    worst = 0.0
    most_queries = 0
    for page in (1, 1000):
        for sort in ("similarity", "time"):
            query = f"threshold={THRESHOLD}&sort={sort}&page={page}&page_size={PAGE_SIZE}"
            plain.pages[query] = gallery_page(
                job, threshold=THRESHOLD, sort=sort, page=page, page_size=PAGE_SIZE
            )
            for label, headers in (("page", {}), ("partial", {"HX-Request": "true"})):
                url = f"/jobs/{job.api_id}/?{query}"
                plain_url = f"/bench/plain/?{query}"
                caches["local"].clear()  # the first request after a verdict write counts again
                cold = count_queries(client, url, headers)
                queries = count_queries(client, url, headers)
                count_queries(client, plain_url, headers)
                same_cards(client, url, plain_url, headers)
                ours = median_seconds(partial(client.get, url, headers=headers), args.runs)
                base = median_seconds(partial(client.get, plain_url, headers=headers), args.runs)
                worst = max(worst, ours / base)
                most_queries = max(most_queries, cold, queries)
                print(
                    f"{label:<7} {page:>5} sort={sort:<10} threshold={THRESHOLD}: "
                    f"{queries} queries ({cold} uncached), median {ours * 1000:.2f} ms "
                    f"vs plain list {base * 1000:.2f} ms ({ours / base:.2f}x)"
                )
    print(f"max queries per request: {most_queries} (target <= 6)")
    print(f"ratio: {worst:.2f}")


if __name__ == "__main__":
    main()
