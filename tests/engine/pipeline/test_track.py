from __future__ import annotations

import numpy as np

from facematch_ui.engine.pipeline.faces import Detection
from facematch_ui.engine.pipeline.track import Track, continue_tracks, face_patch, is_cut, tiny


def noise(seed: int, shape: tuple[int, int] = (180, 320)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (*shape, 3), dtype=np.uint8)


def test_a_frame_is_not_a_cut_from_itself_but_a_new_scene_is() -> None:
    first = noise(1)

    assert not is_cut(tiny(first), tiny(first))
    assert is_cut(tiny(np.full_like(first, 30)), tiny(np.full_like(first, 200)))
    assert is_cut(None, tiny(first))


def test_tiny_thumbnails_average_blocks() -> None:
    image = np.zeros((360, 640, 3), np.uint8)
    image[:, 320:] = 200

    thumb = tiny(image)

    assert thumb.shape == (36, 64, 3)
    assert thumb[:, :32].max() == 0 and thumb[:, 32:].min() == 200


def track_at(image: np.ndarray, box: Detection, embedding_value: float) -> Track:
    return Track(box, face_patch(image, box), np.full(128, embedding_value, np.float32))


def test_a_moved_face_that_looks_the_same_continues_its_track() -> None:
    image = noise(2)
    shifted = np.roll(image, 30, axis=1)
    before = Detection(100, 50, 159, 109, 1.0)
    after = Detection(130, 50, 189, 109, 1.0)

    result = continue_tracks([track_at(image, before, 1.0)], [after], [face_patch(shifted, after)])

    assert result[0] is not None and result[0].embedding[0] == 1.0


def test_a_different_face_in_the_same_place_starts_a_new_track() -> None:
    box = Detection(100, 50, 159, 109, 1.0)

    result = continue_tracks([track_at(noise(3), box, 1.0)], [box], [face_patch(noise(4), box)])

    assert result == [None]


def test_two_faces_are_matched_one_to_one_by_nearness() -> None:
    image = noise(5)
    left, right = Detection(20, 50, 79, 109, 1.0), Detection(200, 50, 259, 109, 1.0)
    tracks = [track_at(image, left, 1.0), track_at(image, right, 2.0)]

    result = continue_tracks(
        tracks, [right, left], [face_patch(image, right), face_patch(image, left)]
    )

    assert [t.embedding[0] if t else None for t in result] == [2.0, 1.0]
