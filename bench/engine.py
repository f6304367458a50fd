"""Our face pipeline vs face_recognition's standard usage, side by side.

    .venv/bin/python bench/engine.py [VIDEO FACE_PHOTO] [--fps 1] [--repeat 1]

Without arguments: composes the test video (real photos, known ground truth)
and uses obama2.jpg (absent from the video) as the face to find; prints the
recall and precision of both. With VIDEO FACE_PHOTO: prints the number of
frames each matched. Both decide "same person" at our threshold's distance
(match.MATCH_DISTANCE), so the comparison is of pipelines, not thresholds.

face_recognition's standard usage, per sampled frame: face_locations (HOG,
one upsample) then face_encodings. Its frames are decoded before the clock
starts; our time includes decoding. Needs `pip install face-recognition==1.3.0
--no-deps` (it requires "dlib" by name; dlib-bin provides the module).
Each side runs --repeat times (default 3) and its best time counts: our
first run includes starting the helper process, which a task worker pays
once; every run's time is printed. Last line: `speedup: <their time / our
time>`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facematch_ui.engine.pipeline import match
from facematch_ui.engine.pipeline.analyse import analyse_video
from facematch_ui.engine.pipeline.decode import sample_frames
from facematch_ui.engine.pipeline.source import find_source_face
from facematch_ui.engine.pipeline.types import Box, SamplingConfig
from facematch_ui.lib.compose_video import GroundTruth, compose_video
from facematch_ui.lib.sample_faces import face_photo

Matches = list[tuple[float, list[Box]]]  # per sampled frame: time, boxes of the person


def theirs(video: Path, photo: Path, config: SamplingConfig) -> tuple[float, Matches]:
    import face_recognition

    known = face_recognition.face_encodings(face_recognition.load_image_file(photo))[0]
    frames = [(frame.timestamp, frame.image) for frame in sample_frames(video, config)]
    started = time.perf_counter()
    found: Matches = []
    for timestamp, image in frames:
        locations = face_recognition.face_locations(image)
        encodings = face_recognition.face_encodings(image, locations)
        height, width = image.shape[:2]
        found.append(
            (
                timestamp,
                [
                    Box(top / height, left / width, (right - left) / width, (bottom - top) / height)
                    for (top, right, bottom, left), encoding in zip(
                        locations, encodings, strict=True
                    )
                    if np.linalg.norm(encoding - known) <= match.MATCH_DISTANCE
                ],
            )
        )
    return time.perf_counter() - started, found


def ours(video: Path, photo: Path, config: SamplingConfig) -> tuple[float, Matches]:
    source = find_source_face(photo.read_bytes())
    started = time.perf_counter()
    found: Matches = []
    for frame in analyse_video(video, config, thumbnails=False):
        scores = match.score(source.embedding, np.array([f.embedding for f in frame.faces]))
        found.append(
            (
                frame.timestamp,
                [
                    face.box
                    for face, similarity in zip(frame.faces, scores, strict=True)
                    if similarity >= match.DEFAULT_THRESHOLD
                ],
            )
        )
    return time.perf_counter() - started, found


def overlaps(a: Box, b_left: float, b_top: float, b_width: float, b_height: float) -> bool:
    dx = min(a.left + a.width, b_left + b_width) - max(a.left, b_left)
    dy = min(a.top + a.height, b_top + b_height) - max(a.top, b_top)
    return dx > 0 and dy > 0


def recall_precision(found: Matches, truth: GroundTruth, identity: str) -> tuple[float, float]:
    expected = hits = claimed = correct = 0
    for timestamp, boxes in found:
        frame = truth.at(timestamp)
        targets = [face.box for face in frame.faces if face.identity == identity]
        expected += len(targets)
        hits += sum(
            any(overlaps(b, t.left, t.top, t.width, t.height) for b in boxes) for t in targets
        )
        claimed += len(boxes)
        correct += sum(
            any(overlaps(b, t.left, t.top, t.width, t.height) for t in targets) for b in boxes
        )
    return hits / max(1, expected), correct / max(1, claimed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", type=Path)
    parser.add_argument("photo", nargs="?", type=Path)
    parser.add_argument("--fps", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per side")
    args = parser.parse_args()
    config = SamplingConfig(frames_per_second=args.fps)
    with tempfile.TemporaryDirectory() as tmp:
        truth = None
        video, photo = args.video, args.photo
        if video is None:
            video, photo = Path(tmp) / "test.mp4", face_photo("obama2.jpg")
            truth = compose_video(video)
            print(f"video: composed test video, {truth.duration:.0f} s; face: obama2.jpg")
        results = {}
        for name, run in (("face_recognition", theirs), ("ours", ours)):
            runs = [run(video, photo, config) for _ in range(args.repeat)]
            print(f"{name} runs (s): {', '.join(f'{r[0]:.2f}' for r in runs)}")
            results[name] = min(runs, key=lambda r: r[0])
        frames = len(results["ours"][1])
        for name, (seconds, found) in results.items():
            line = (
                f"{name:>16}: {frames / seconds:6.2f} frames/s ({seconds:.2f} s, {frames} frames)"
            )
            if truth is not None:
                recall, precision = recall_precision(found, truth, "obama")
                line += f", recall {recall:.3f}, precision {precision:.3f}"
            else:
                line += f", matched frames {sum(bool(boxes) for _, boxes in found)}"
            print(line)
    print(f"speedup: {results['face_recognition'][0] / results['ours'][0]:.2f}")


if __name__ == "__main__":
    main()
