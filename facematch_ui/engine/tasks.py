"""Background tasks (Django's tasks API). Thin: ids in, the runner does the work.

Arguments are ids as strings (JSON, never pickles). The runner catches every
error and marks the job failed, so a bad video never kills the worker.
"""

from __future__ import annotations

from django_tasks import task


@task()
def run_frame_extraction(frame_extraction_id: str) -> None:
    from facematch_ui.engine import runner  # lazy: keeps URL loading free of dlib

    runner.run_frame_extraction(frame_extraction_id)


@task()
def run_face_detection(face_detection_id: str) -> None:
    from facematch_ui.engine import runner  # lazy: keeps URL loading free of dlib

    runner.run_face_detection(face_detection_id)


@task()
def run_face_match(face_match_id: str) -> None:
    from facematch_ui.engine import runner  # lazy: keeps URL loading free of dlib

    runner.run_face_match(face_match_id)
