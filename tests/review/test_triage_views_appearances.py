"""The appearances page: runs of matches with their best face, and verdicts on them."""

from __future__ import annotations

import pytest
from django.test import Client

from facematch_ui.review.models import Match, Verdict
from facematch_ui.review.verdicts import set_verdict
from tests.review.factories import make_job, match_row
from tests.review.triage_factories import match_named

pytestmark = pytest.mark.django_db


def job_with_two_appearances() -> object:
    job = make_job()
    # 0:00:10-0:00:12 (3 matches, best 91) and 0:01:40-0:01:41 (2 matches, best 70).
    for i, (t, s) in enumerate([(10, 80), (11, 91), (12, 60), (100, 70), (101, 55)]):
        match_row(job, f"a-{i}", similarity=s, timestamp=t).save()
    return job


def test_it_lists_each_appearance_with_its_best_face_span_count_and_verdicts(
    analyst: Client,
) -> None:
    job = job_with_two_appearances()
    set_verdict(match_named(job, "a-3"), "rejected", user=None)
    html = analyst.get(f"/jobs/{job.api_id}/appearances/").content.decode()
    assert html.count('class="appearance ') == 2
    assert "<time>0:00:10</time> \u2013 <time>0:00:12</time>" in html
    assert "3 matches · best 91.0%" in html
    assert f'src="/jobs/{job.api_id}/matches/a-1/face.jpg"' in html
    assert "1 rejected" in html and "1 not reviewed" in html
    assert "sort=time&amp;page_size=100&amp;page=1&amp;focus=a-3" in html


def test_a_verdict_on_an_appearance_reaches_its_matches_but_not_individual_ones(
    analyst: Client,
) -> None:
    job = job_with_two_appearances()
    set_verdict(match_named(job, "a-2"), "rejected", user=None)  # judged on its own
    ids = ",".join(
        str(pk)
        for pk in Match.objects.filter(api_id__in=["a-0", "a-1", "a-2"]).values_list(
            "pk", flat=True
        )
    )
    response = analyst.post(
        f"/jobs/{job.api_id}/appearances/verdict/",
        {"value": "confirmed", "ids": ids, "page": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "2 matches of the appearance now confirmed." in response.content.decode()
    values = dict(Verdict.objects.values_list("match__api_id", "value"))
    assert values == {"a-0": "confirmed", "a-1": "confirmed", "a-2": "rejected"}
    no_js = analyst.post(
        f"/jobs/{job.api_id}/appearances/verdict/", {"value": "unsure", "ids": ids}
    )
    assert no_js.status_code == 302


def test_bad_appearance_input_is_a_400(analyst: Client) -> None:
    job = job_with_two_appearances()
    url = f"/jobs/{job.api_id}/appearances/verdict/"
    assert analyst.post(url, {"value": "confirmed", "ids": "x,y"}).status_code == 400
    assert analyst.post(url, {"value": "nah", "ids": "1"}).status_code == 400


def test_many_appearances_are_paginated(analyst: Client) -> None:
    job = make_job()
    Match.objects.bulk_create(
        Match(
            job=job,
            api_id=f"p-{i}",
            similarity=50,
            timestamp=i * 10.0,
            box_top=0,
            box_left=0,
            box_width=0.1,
            box_height=0.1,
        )
        for i in range(30)
    )
    html = analyst.get(f"/jobs/{job.api_id}/appearances/?page=2").content.decode()
    assert "Page 2 of 2" in html and html.count('class="appearance ') == 5
