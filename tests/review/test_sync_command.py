"""manage.py sync_face_matches."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import CommandError, call_command

from facematch_ui.review.models import Job, ThumbnailState
from tests.review.fake_api import FakeFaceApi

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thumbnail_dir")]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sync_face_matches", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_without_ids_it_syncs_every_listed_job_with_thumbnails(configured_api: FakeFaceApi) -> None:
    done = configured_api.add_job(str(uuid.UUID(int=1)), results=2)
    configured_api.serve_thumbnails(done)
    configured_api.add_job(str(uuid.UUID(int=2)), status="processing")

    output = run()

    assert "2 jobs listed." in output
    assert f"{done.id}: completed, 2 matches, 2 thumbnails stored" in output
    job = Job.objects.get(api_id=done.id)
    assert set(job.matches.values_list("thumbnail_state", flat=True)) == {ThumbnailState.STORED}


def test_stored_thumbnails_get_face_size_and_sharpness(configured_api: FakeFaceApi) -> None:
    done = configured_api.add_job(str(uuid.UUID(int=1)), results=2)
    configured_api.serve_thumbnails(done)

    run(done.id)

    scores = list(Job.objects.get(api_id=done.id).matches.values_list("face_px", "sharpness"))
    assert len(scores) == 2
    assert all(face_px and face_px > 0 and sharpness is not None for face_px, sharpness in scores)


def test_given_ids_only_those_are_synced(configured_api: FakeFaceApi) -> None:
    wanted = configured_api.add_job(str(uuid.UUID(int=1)), results=1)
    configured_api.add_job(str(uuid.UUID(int=2)), results=1)

    output = run(wanted.id, "--no-thumbnails")

    assert f"{wanted.id}: completed, 1 matches, 0 thumbnails stored" in output
    assert list(Job.objects.values_list("api_id", flat=True)) == [wanted.id]


def test_a_job_that_cannot_be_synced_fails_the_command(configured_api: FakeFaceApi) -> None:
    with pytest.raises(CommandError, match="1 of 1 jobs could not be synced"):
        run(str(uuid.UUID(int=9)))
