"""The gallery's read queries: one page of matches, the histogram."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facematch_ui.review.models import Match
from facematch_ui.review.queries import gallery_page, similarity_histogram
from facematch_ui.review.similarity import similarity_counts
from tests.review.factories import make_job, make_matches, match_row

pytestmark = pytest.mark.django_db


def test_it_pages_matches_at_or_above_the_threshold_best_first() -> None:
    job = make_job()
    make_matches(job, 130, seed=3)
    expected = list(
        Match.objects.filter(job=job, similarity__gte=60)
        .order_by("-similarity", "timestamp", "id")
        .values_list("api_id", flat=True)
    )

    page = gallery_page(job, threshold=60, sort="similarity", page=2, page_size=25)

    assert page.total_at_or_above == len(expected)
    assert page.number == 2
    assert page.num_pages == -(-len(expected) // 25)
    assert [m.api_id for m in page.items] == expected[25:50]
    assert page.has_previous and page.has_next
    assert (page.start_index, page.end_index) == (26, 50)


def test_it_sorts_by_time_in_the_video() -> None:
    job = make_job()
    make_matches(job, 40)
    page = gallery_page(job, threshold=0, sort="time", page=1, page_size=25)
    assert [m.timestamp for m in page.items] == [float(i) for i in range(25)]


def test_a_page_past_the_end_gives_the_last_page() -> None:
    job = make_job()
    make_matches(job, 60)
    page = gallery_page(job, threshold=0, sort="similarity", page=99_999, page_size=25)
    assert page.number == 3
    assert len(page.items) == 10
    assert not page.has_next


def test_an_empty_selection_is_one_empty_page() -> None:
    job = make_job()
    make_matches(job, 10, similarity_range=(40, 50))
    page = gallery_page(job, threshold=90, sort="similarity", page=4, page_size=50)
    assert (page.number, page.num_pages, page.total_at_or_above, page.items) == (1, 1, 0, [])
    assert page.start_index == 0


def test_it_reads_only_the_fields_a_card_shows() -> None:
    job = make_job()
    make_matches(job, 5, with_thumbnail_urls=True)
    page = gallery_page(job, threshold=0, sort="similarity", page=1, page_size=50)
    assert "thumbnail_url" in page.items[0].get_deferred_fields()


def test_it_costs_two_queries_on_any_page() -> None:
    job = make_job()
    make_matches(job, 300)
    for number in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            page = gallery_page(job, threshold=50, sort="time", page=number, page_size=50)
            assert page.items
        assert len(queries) == 2


def test_it_reads_the_rows_only_when_the_items_are_used() -> None:
    job = make_job()
    make_matches(job, 300)
    with CaptureQueriesContext(connection) as queries:
        page = gallery_page(job, threshold=0, sort="time", page=2, page_size=50, known_total=300)
        placed = (page.number, page.num_pages, page.start_index, page.end_index, page.has_next)
    assert (len(queries), placed) == (0, (2, 6, 51, 100, True))
    with CaptureQueriesContext(connection) as queries:
        assert [m.timestamp for m in page.items] == [float(i) for i in range(50, 100)]
        assert len(page.items) == 50  # read once
    assert len(queries) == 1


def test_the_histogram_counts_similarities_in_five_point_bins() -> None:
    job = make_job()
    other = make_job()
    rows = [(0.0, 1), (4.99, 1), (5.0, 1), (87.3, 2), (99.9, 1), (100.0, 1)]
    index = 0
    for similarity, times in rows:
        for _ in range(times):
            match_row(job, f"m{index}", similarity, index, box=(0, 0, 0.1, 0.1)).save()
            index += 1
    make_matches(other, 20)

    with CaptureQueriesContext(connection) as queries:
        histogram = similarity_histogram(job)

    assert len(queries) == 1
    expected = [0] * 20
    expected[0], expected[1], expected[17], expected[19] = 2, 1, 2, 2
    assert list(histogram.counts) == expected
    assert histogram.total == 7


def test_bars_wholly_below_the_threshold_are_dimmed() -> None:
    job = make_job()
    make_matches(job, 50, similarity_range=(0, 100))
    drawing = similarity_histogram(job).drawing(42, width=400, height=80)
    dimmed = [bar.upper for bar in drawing.bars if bar.dimmed]
    assert dimmed == [5, 10, 15, 20, 25, 30, 35, 40]
    assert drawing.marker_x == pytest.approx(168)
    assert max(bar.height for bar in drawing.bars) == 80


def test_counts_answer_whole_number_thresholds_without_another_query() -> None:
    job = make_job()
    make_matches(job, 200, similarity_range=(0, 100), seed=5)
    with CaptureQueriesContext(connection) as queries:
        counts = similarity_counts(job)
        answers = {t: counts.at_or_above(t) for t in (0, 37, 61, 99, 100)}
    assert len(queries) == 1
    for threshold, answer in answers.items():
        assert answer == Match.objects.filter(job=job, similarity__gte=threshold).count()
    assert counts.at_or_above(37.5) is None


def test_a_known_total_saves_the_count_query() -> None:
    job = make_job()
    make_matches(job, 60)
    with CaptureQueriesContext(connection) as queries:
        page = gallery_page(
            job, threshold=0, sort="similarity", page=2, page_size=50, known_total=60
        )
        assert (page.number, len(page.items)) == (2, 10)
    assert len(queries) == 1
