"""review.sync: the face API into the cache, upserted, never lost."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from facematch_ui.faceapi.errors import NotFound, Unauthorized, UpstreamError
from facematch_ui.review.models import Job, JobStatus, Match, ThumbnailState
from facematch_ui.review.sync import record_new_job, sync_job, sync_job_list
from tests.review.factories import make_user
from tests.review.fake_api import FakeFaceApi, frame_jpeg, make_results

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thumbnail_dir")]

JOB_ID = "0c6f1a52-7d3e-4f7e-9a55-3b1c2d4e5f60"


@pytest.fixture
def api() -> FakeFaceApi:
    return FakeFaceApi()


def match_rows(job: Job) -> list[tuple[str, float, float, str]]:
    return list(
        job.matches.order_by("api_id").values_list("api_id", "similarity", "timestamp", "frame_id")
    )


def test_it_stores_a_completed_job_with_all_its_matches(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, results=250)

    job = sync_job(JOB_ID, client=api.client())

    assert job.status == JobStatus.COMPLETED
    assert job.created_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert (job.match_total, job.matches_synced) == (250, 250)
    assert job.file_id == "5b0e8a34-0000-4000-8000-00000000f11e"
    assert (job.source_top, job.source_left, job.source_width, job.source_height) == (
        0.25,
        0.35,
        0.3,
        0.4,
    )
    assert job.synced_at is not None
    assert job.sync_error == ""
    assert job.matches.count() == 250
    first = job.matches.get(api_id="r-00000")
    assert (first.similarity, first.timestamp, first.frame_id) == (99.0, 0.0, "f-00000")
    assert (first.box_top, first.box_left, first.box_width, first.box_height) == (
        0.25,
        0.5,
        0.1125,
        0.2,
    )
    assert first.thumbnail_url == "https://cdn.example.test/frames/00000.jpg"
    assert first.thumbnail_state == ThumbnailState.PENDING


def test_syncing_twice_gives_the_same_rows_and_no_duplicate(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, results=130)
    client = api.client()

    first = sync_job(JOB_ID, client=client)
    rows_before = match_rows(first)
    pks_before = set(Match.objects.values_list("pk", flat=True))
    second = sync_job(JOB_ID, client=client)

    assert second.pk == first.pk
    assert Job.objects.count() == 1
    assert Match.objects.count() == 130
    assert match_rows(second) == rows_before
    assert set(Match.objects.values_list("pk", flat=True)) == pks_before
    assert (second.match_total, second.matches_synced) == (130, 130)


def test_a_resync_updates_changed_similarity_in_place(api: FakeFaceApi) -> None:
    fake = api.add_job(JOB_ID, results=5)
    job = sync_job(JOB_ID, client=api.client())
    pk = job.matches.get(api_id="r-00003").pk

    fake.results[3]["similarity"] = 42.5
    sync_job(JOB_ID, client=api.client())

    updated = Match.objects.get(job=job, api_id="r-00003")
    assert updated.pk == pk
    assert updated.similarity == 42.5
    assert Match.objects.get(job=job, api_id="r-00002").similarity == 97.0


def test_matches_gone_upstream_stay_in_the_cache(api: FakeFaceApi) -> None:
    fake = api.add_job(JOB_ID, results=10)
    job = sync_job(JOB_ID, client=api.client())
    annotated = job.matches.get(api_id="r-00007")
    annotated.thumbnail_state = ThumbnailState.STORED
    annotated.save()

    fake.results = fake.results[:5]  # upstream now knows only 5
    job = sync_job(JOB_ID, client=api.client())

    assert job.matches.count() == 10
    assert (job.match_total, job.matches_synced) == (5, 5)
    assert Match.objects.get(pk=annotated.pk).thumbnail_state == ThumbnailState.STORED


def test_a_stored_thumbnail_survives_a_resync_unless_its_url_changed(api: FakeFaceApi) -> None:
    fake = api.add_job(JOB_ID, results=3)
    job = sync_job(JOB_ID, client=api.client())
    job.matches.update(thumbnail_state=ThumbnailState.STORED)

    fake.results[1]["thumbnail_url"] = "https://cdn.example.test/frames/new.jpg"
    fake.results[2]["similarity"] = 50.0
    sync_job(JOB_ID, client=api.client())

    states = dict(job.matches.values_list("api_id", "thumbnail_state"))
    assert states == {
        "r-00000": ThumbnailState.STORED,
        "r-00001": ThumbnailState.PENDING,  # new URL: fetch again
        "r-00002": ThumbnailState.STORED,  # only the score changed
    }


def test_a_running_job_is_stored_without_matches(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, status="processing", results=4)

    job = sync_job(JOB_ID, client=api.client())

    assert job.status == JobStatus.PROCESSING
    assert job.matches.count() == 0
    assert job.source_top is None
    assert not job.is_final


def test_a_job_gone_upstream_is_marked_vanished_not_deleted(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, results=3)
    sync_job(JOB_ID, client=api.client())
    del api.jobs[JOB_ID]

    job = sync_job(JOB_ID, client=api.client())

    assert job.vanished_at is not None
    assert "no longer exists" in job.sync_error
    assert job.status == JobStatus.COMPLETED
    assert job.matches.count() == 3


def test_a_vanished_job_that_comes_back_is_unmarked(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, results=1)
    sync_job(JOB_ID, client=api.client())
    Job.objects.update(vanished_at=datetime(2025, 1, 1, tzinfo=UTC), sync_error="gone")

    job = sync_job(JOB_ID, client=api.client())

    assert job.vanished_at is None
    assert job.sync_error == ""


def test_an_unknown_job_missing_upstream_raises_not_found(api: FakeFaceApi) -> None:
    with pytest.raises(NotFound):
        sync_job(JOB_ID, client=api.client())
    assert not Job.objects.exists()


def test_an_api_error_is_stored_readably_on_the_job_and_raised(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, results=2)
    sync_job(JOB_ID, client=api.client())
    api.failures[JOB_ID] = (500, "database on fire")

    with pytest.raises(UpstreamError):
        sync_job(JOB_ID, client=api.client())

    job = Job.objects.get(api_id=JOB_ID)
    assert job.sync_error.startswith("Could not sync with the face API: ")
    assert "database on fire" in job.sync_error
    assert job.matches.count() == 2  # what we had is kept


def test_a_refused_key_is_stored_and_cleared_by_the_next_good_sync(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, results=1)
    sync_job(JOB_ID, client=api.client())
    api.failures[JOB_ID] = (401, "invalid api key")

    with pytest.raises(Unauthorized):
        sync_job(JOB_ID, client=api.client())
    assert Job.objects.get(api_id=JOB_ID).sync_error != ""

    del api.failures[JOB_ID]
    assert sync_job(JOB_ID, client=api.client()).sync_error == ""


def test_an_error_for_a_job_we_do_not_have_creates_no_row(api: FakeFaceApi) -> None:
    api.failures[JOB_ID] = (500, "boom")
    with pytest.raises(UpstreamError):
        sync_job(JOB_ID, client=api.client())
    assert not Job.objects.exists()


def test_a_large_job_is_read_in_concurrent_pages_and_stored_in_bulk(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, results=2345)

    job = sync_job(JOB_ID, client=api.client(concurrency=4))

    assert job.matches.count() == 2345
    assert len(api.requests_to("https://api.example.test/v1/face-match/")) == 24
    assert job.matches.filter(api_id="r-02344").exists()


def test_the_job_list_is_upserted_without_deleting(api: FakeFaceApi) -> None:
    done = api.add_job(str(uuid.UUID(int=1)), results=7)
    running = api.add_job(str(uuid.UUID(int=2)), status="processing")
    # A job we know that the API no longer lists.
    Job.objects.create(api_id=str(uuid.UUID(int=3)), status="failed", created_at=datetime.now(UTC))

    assert sync_job_list(client=api.client()) == 2

    assert Job.objects.count() == 3
    listed_done = Job.objects.get(api_id=done.id)
    assert (listed_done.status, listed_done.match_total, listed_done.source_width) == (
        JobStatus.COMPLETED,
        7,
        0.3,
    )
    assert listed_done.matches.count() == 0  # details come from sync_job
    assert Job.objects.get(api_id=running.id).status == JobStatus.PROCESSING

    running.status = "completed"
    running.results = make_results(2)
    assert sync_job_list(client=api.client()) == 2
    assert Job.objects.count() == 3
    refreshed = Job.objects.get(api_id=running.id)
    assert (refreshed.status, refreshed.match_total) == (JobStatus.COMPLETED, 2)


def test_the_job_list_can_be_limited_to_one_status(api: FakeFaceApi) -> None:
    api.add_job(str(uuid.UUID(int=1)), results=1)
    api.add_job(str(uuid.UUID(int=2)), status="failed")

    assert sync_job_list(client=api.client(), status="failed") == 1
    assert list(Job.objects.values_list("status", flat=True)) == [JobStatus.FAILED]


def test_a_listed_job_without_a_count_keeps_the_count_it_had(api: FakeFaceApi) -> None:
    fake = api.add_job(JOB_ID, results=3)
    sync_job(JOB_ID, client=api.client())
    fake.status = "processing"  # listed without match_count

    sync_job_list(client=api.client())

    assert Job.objects.get(api_id=JOB_ID).match_total == 3


def test_a_job_created_here_keeps_its_author_and_source_photo(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, status="pending")
    upstream = api.client().get_face_match(JOB_ID)
    user = make_user()

    job = record_new_job(upstream, source_image=frame_jpeg(), user=user)

    assert job.added_by == user
    assert job.status == JobStatus.PENDING
    assert job.source_image == f"{JOB_ID}/_source.jpg"
    # A later sync neither forgets the author nor the photo.
    api.jobs[JOB_ID].status = "completed"
    synced = sync_job(JOB_ID, client=api.client())
    assert (synced.added_by, synced.source_image) == (user, f"{JOB_ID}/_source.jpg")


def test_a_job_created_with_a_broken_photo_is_still_recorded(api: FakeFaceApi) -> None:
    api.add_job(JOB_ID, status="pending")
    upstream = api.client().get_face_match(JOB_ID)

    job = record_new_job(upstream, source_image=b"not a photo", user=None)

    assert Job.objects.filter(api_id=JOB_ID).exists()
    assert job.source_image == ""
    assert job.added_by is None
