"""All results of a job: concurrent pages, in order, each once, no endless loops."""

from __future__ import annotations

import httpx
import pytest

from facematch_ui.faceapi import InvalidResponse, JobStatus, NotFound

from .conftest import MakeClient
from .handlers import Recorder, ResultsServer, respond_in_turn
from .payloads import face_match_payload, new_id, result_payload, results_payload


@pytest.mark.parametrize(
    ("count", "requests"), [(0, 1), (1, 1), (99, 1), (100, 1), (101, 2), (250, 3)]
)
def test_it_fetches_every_result_in_offset_order(
    make_client: MakeClient, count: int, requests: int
) -> None:
    job_id = new_id()
    results = results_payload(count)
    server = ResultsServer(job_id, results)
    client = make_client(server)

    job, matches = client.get_all_face_match_results(job_id)

    assert job.id == job_id
    assert job.status is JobStatus.COMPLETED
    assert [m.id for m in matches] == [r["id"] for r in results]
    assert sorted(server.offsets) == list(range(0, count or 1, 100))
    assert len(server.offsets) == requests


def test_a_small_page_size_pages_through_everything(make_client: MakeClient) -> None:
    job_id = new_id()
    results = results_payload(23)
    server = ResultsServer(job_id, results)

    _, matches = make_client(server).get_all_face_match_results(job_id, page_size=5)

    assert [m.id for m in matches] == [r["id"] for r in results]
    assert sorted(server.offsets) == [0, 5, 10, 15, 20]


def test_pages_after_the_first_are_fetched_concurrently_within_the_bound(
    make_client: MakeClient,
) -> None:
    job_id = new_id()
    results = results_payload(400)
    server = ResultsServer(job_id, results, delay=0.01, gather=3)
    client = make_client(server, concurrency=3)

    _, matches = client.get_all_face_match_results(job_id, page_size=20)

    assert len(server.offsets) == 20
    # Three met at the gate (concurrent); never a fourth at once (bounded).
    assert server.max_in_flight == 3
    assert [m.id for m in matches] == [r["id"] for r in results]


def test_a_shrunk_total_gives_what_exists_without_looping(make_client: MakeClient) -> None:
    job_id = new_id()
    results = results_payload(130)
    # The first page still claims 250: the later pages come back short or empty.
    server = ResultsServer(job_id, results, total=250)

    _, matches = make_client(server).get_all_face_match_results(job_id)

    assert [m.id for m in matches] == [r["id"] for r in results]
    assert sorted(server.offsets) == [0, 100, 200]


def test_a_result_repeated_across_pages_is_returned_once(make_client: MakeClient) -> None:
    job_id = new_id()
    results = results_payload(150)
    # Page 2 starts with the last result of page 1 (a row shifted upstream).
    repeated = [*results[:100], results[99], *results[100:]]
    server = ResultsServer(job_id, repeated)

    _, matches = make_client(server).get_all_face_match_results(job_id)

    ids = [m.id for m in matches]
    assert ids == [r["id"] for r in results]
    assert len(ids) == len(set(ids))


def test_an_api_paging_smaller_than_asked_is_followed(make_client: MakeClient) -> None:
    job_id = new_id()
    results = results_payload(120)
    server = ResultsServer(job_id, results, max_limit=50)

    _, matches = make_client(server).get_all_face_match_results(job_id)

    assert [m.id for m in matches] == [r["id"] for r in results]
    assert sorted(server.offsets) == [0, 50, 100]


def test_dropped_matches_do_not_shift_the_next_offsets(make_client: MakeClient) -> None:
    job_id = new_id()
    results = results_payload(150)
    results[10] = result_payload(similarity=500.0)
    server = ResultsServer(job_id, results)

    _, matches = make_client(server).get_all_face_match_results(job_id)

    assert len(matches) == 149
    assert sorted(server.offsets) == [0, 100]


@pytest.mark.parametrize("status", ["pending", "processing", "failed"])
def test_an_unfinished_job_has_no_results_and_one_request(
    make_client: MakeClient, status: str
) -> None:
    job_id = new_id()
    server = ResultsServer(job_id, [], status=status)

    job, matches = make_client(server).get_all_face_match_results(job_id)

    assert job.status == status
    assert matches == []
    assert server.offsets == [0]


def test_a_failing_later_page_fails_the_whole_read(make_client: MakeClient) -> None:
    job_id = new_id()
    first = face_match_payload(job_id, total=150, results=results_payload(100))
    recorder = Recorder(
        respond_in_turn(httpx.Response(200, json=first), httpx.Response(404, json={}))
    )

    with pytest.raises(NotFound):
        make_client(recorder).get_all_face_match_results(job_id)


def test_a_completed_job_without_data_is_an_invalid_response(make_client: MakeClient) -> None:
    job_id = new_id()
    payload = face_match_payload(job_id)
    del payload["data"]
    client = make_client(lambda request: httpx.Response(200, json=payload))

    with pytest.raises(InvalidResponse, match="sent no results"):
        client.get_all_face_match_results(job_id)


def test_iterating_results_yields_each_once_in_order(make_client: MakeClient) -> None:
    job_id = new_id()
    results = results_payload(205)
    server = ResultsServer(job_id, results)

    matches = list(make_client(server).iter_face_match_results(job_id))

    assert [m.id for m in matches] == [r["id"] for r in results]
    assert server.offsets == [0, 100, 200]


def test_iterating_stops_on_an_empty_page_even_if_total_says_more(
    make_client: MakeClient,
) -> None:
    job_id = new_id()
    server = ResultsServer(job_id, results_payload(100), total=500)

    matches = list(make_client(server).iter_face_match_results(job_id))

    assert len(matches) == 100
    assert server.offsets == [0, 100]


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (101, 0), (-1, 0), (10, -1)])
def test_an_invalid_limit_or_offset_raises_before_any_request(
    make_client: MakeClient, limit: int, offset: int
) -> None:
    recorder = Recorder(lambda request: httpx.Response(500))
    client = make_client(recorder)

    with pytest.raises(ValueError, match=r"limit|offset"):
        client.get_face_match(new_id(), limit=limit, offset=offset)
    with pytest.raises(ValueError, match=r"limit|offset"):
        client.list_face_matches(limit=limit, offset=offset)
    with pytest.raises(ValueError, match=r"limit|offset"):
        client.list_files(limit=limit, offset=offset)

    assert recorder.count == 0


@pytest.mark.parametrize("page_size", [0, 101])
def test_an_invalid_page_size_raises_before_any_request(
    make_client: MakeClient, page_size: int
) -> None:
    recorder = Recorder(lambda request: httpx.Response(500))
    client = make_client(recorder)

    with pytest.raises(ValueError, match="limit"):
        client.get_all_face_match_results(new_id(), page_size=page_size)
    with pytest.raises(ValueError, match="limit"):
        next(client.iter_face_match_results(new_id(), page_size=page_size))

    assert recorder.count == 0
