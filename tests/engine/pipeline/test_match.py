from __future__ import annotations

import numpy as np
import pytest

from facematch_ui.engine.pipeline import match


def test_similarity_decreases_strictly_with_distance() -> None:
    distances = np.linspace(0.0, 1.5, 301)

    similarities = match.similarity_from_distance(distances)

    assert np.all(np.diff(similarities) < 0)


def test_similarity_stays_within_0_and_100_even_for_extreme_distances() -> None:
    similarities = match.similarity_from_distance([0.0, 1e-9, 0.55, 4.0, 1e6])

    assert np.all((similarities >= 0) & (similarities <= 100))
    assert similarities[0] > 99.9
    assert similarities[-1] == pytest.approx(0.0, abs=1e-9)


def test_the_default_threshold_is_the_measured_decision_distance() -> None:
    assert match.similarity_from_distance(match.MATCH_DISTANCE) == pytest.approx(
        match.DEFAULT_THRESHOLD
    )
    assert match.distance_from_similarity(match.DEFAULT_THRESHOLD) == pytest.approx(
        match.MATCH_DISTANCE
    )


def test_the_measured_worst_same_person_distance_matches_and_the_best_other_does_not() -> None:
    # From the module's measurements on the real photos: 0.478 vs 0.767.
    assert match.similarity_from_distance(0.478) > match.DEFAULT_THRESHOLD
    assert match.similarity_from_distance(0.767) < match.DEFAULT_THRESHOLD


@pytest.mark.parametrize("similarity", [1.0, 25.0, 50.0, 75.0, 99.0])
def test_distance_from_similarity_inverts_the_mapping(similarity: float) -> None:
    distance = match.distance_from_similarity(similarity)

    assert match.similarity_from_distance(distance) == pytest.approx(similarity)


def test_score_gives_one_similarity_per_row() -> None:
    rng = np.random.default_rng(7)
    source = rng.normal(size=128).astype(np.float32) * 0.05
    offsets = [0.0, 0.3, 0.55, 0.9]
    rows = []
    for offset in offsets:
        direction = rng.normal(size=128)
        rows.append(source + direction / np.linalg.norm(direction) * offset)

    scores = match.score(source, np.array(rows, dtype=np.float32))

    assert scores.shape == (4,)
    np.testing.assert_allclose(scores, match.similarity_from_distance(offsets), rtol=1e-4)


def test_score_of_no_faces_is_empty() -> None:
    source = np.zeros(128, np.float32)

    assert match.score(source, np.empty((0, 128), np.float32)).shape == (0,)
