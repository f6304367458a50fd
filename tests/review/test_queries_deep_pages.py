"""review.queries: a page past the middle, read from the far end, is the same page."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facematch_ui.review.forms import GalleryQuery, Sort
from facematch_ui.review.models import Job, Match
from facematch_ui.review.queries import (
    ORDERINGS,
    gallery_matches,
    gallery_page,
    reverse_order,
)
from facematch_ui.review.similarity import verdict_counts
from facematch_ui.review.verdicts import bulk_set_verdict
from tests.review.factories import make_job, make_matches

pytestmark = pytest.mark.django_db

PAGE_SIZE = 25


@pytest.fixture
def job() -> Job:
    """310 matches with ties in similarity and in time, some quality scores and verdicts."""
    job = make_job()
    matches = make_matches(job, 310, similarity_range=(20, 90), seed=7)
    ids = [m.pk for m in matches]
    # Ties: the id must break them the same way in both directions.
    Match.objects.filter(pk__in=ids[10:40]).update(similarity=55.0)
    Match.objects.filter(pk__in=ids[40:60]).update(timestamp=100.0)
    Match.objects.filter(pk__in=ids[::2]).update(face_px=80)
    bulk_set_verdict(job, ids[::3], "confirmed", None)
    return job


def forward_page(job: Job, query: GalleryQuery, number: int) -> list[str]:
    """The page as a plain forward OFFSET over the whole ordered list gives it."""
    ordered = list(
        gallery_matches(job, query)
        .order_by(*ORDERINGS[query.sort])
        .values_list("api_id", flat=True)
    )
    start = (number - 1) * PAGE_SIZE
    return ordered[start : start + PAGE_SIZE]


def page_of(job: Job, query: GalleryQuery, number: int, *, known: bool) -> list[str]:
    counts = verdict_counts(job).counts(query.verdict)
    known_total = counts.at_or_above(query.threshold) if known else None
    page = gallery_page(
        job,
        threshold=query.threshold,
        sort=query.sort,
        page=number,
        page_size=PAGE_SIZE,
        known_total=known_total,
        query=query,
    )
    assert page.number == number
    return [item.api_id for item in page.items]


QUERIES = {
    "no filter": GalleryQuery(threshold=30),
    "threshold 0": GalleryQuery(threshold=0),
    "fractional threshold": GalleryQuery(threshold=41.5),
    "confirmed": GalleryQuery(threshold=30, verdict="confirmed"),
    "unreviewed": GalleryQuery(threshold=30, verdict="unreviewed"),
    "face size": GalleryQuery(threshold=30, min_face_px=50),
}


@pytest.mark.parametrize("sort", list(ORDERINGS))
@pytest.mark.parametrize("name", list(QUERIES))
def test_every_page_equals_the_forward_query(job: Job, sort: Sort, name: str) -> None:
    query = replace(QUERIES[name], sort=sort)
    total = gallery_matches(job, query).count()
    pages = math.ceil(total / PAGE_SIZE)
    assert total % PAGE_SIZE, "the fixture should leave a short last page"
    middle = (pages + 1) // 2
    for number in sorted({1, 2, middle - 1, middle, middle + 1, pages - 1, pages}):
        expected = forward_page(job, query, number)
        assert expected
        assert page_of(job, query, number, known=False) == expected, number
        if not query.has_quality_filter and float(query.threshold).is_integer():
            assert page_of(job, query, number, known=True) == expected, number


def test_the_short_last_page_has_only_the_rows_left(job: Job) -> None:
    query = GalleryQuery(threshold=0, sort="time")
    page = page_of(job, query, 13, known=False)  # 310 rows: 12 full pages and 10 more

    assert len(page) == 10
    assert page == forward_page(job, query, 13)


def test_a_deep_page_orders_the_id_query_from_the_far_end(job: Job) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = gallery_page(
            job, threshold=0, sort="time", page=12, page_size=PAGE_SIZE, known_total=310
        )
        assert page.items

    (sql,) = [q["sql"] for q in queries]
    # The inner id query walks backwards; the outer one puts the page in order.
    assert '"timestamp" DESC' in sql
    assert sql.rstrip().endswith('"review_match"."timestamp" ASC, "review_match"."id" ASC')


def test_reversing_an_ordering_flips_every_field() -> None:
    assert reverse_order(("-similarity", "timestamp", "id")) == ("similarity", "-timestamp", "-id")
    assert reverse_order(reverse_order(ORDERINGS["time"])) == ORDERINGS["time"]
