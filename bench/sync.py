"""Benchmark: syncing a 10,000-match job, sequential pages vs review.sync.sync_job.

Run: .venv/bin/python bench/sync.py [--matches 10000] [--latency 0.05] [--concurrency 16]

A local threaded HTTP server (ThreadingHTTPServer, in a child process unless
--in-process) plays the face API (spec-shaped getFaceMatch
pages of 100, each answered after `latency` seconds, like a remote API).
Side by side:
  (a) the plain way: one page after another with httpx, results only kept
      in memory (no database: the baseline is flattered, not handicapped);
  (b) sync_job: concurrent pages through FaceApiClient, then a bulk upsert
      into a freshly migrated SQLite database (a throwaway data dir).
The last line is `speedup: <(a) / (b)>`.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

# A throwaway data dir (database, thumbnails) before the settings are read.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FACEMATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="facematch-bench-")
os.environ["FACEMATCH_TASK_BACKEND"] = "immediate"
os.environ["FACEMATCH_LOG_LEVEL"] = "WARNING"
for _name in ("FACEMATCH_API_URL", "FACEMATCH_API_KEY", "FACEMATCH_DATABASE_URL"):
    os.environ.pop(_name, None)
os.environ["DJANGO_SETTINGS_MODULE"] = "facematch_ui.settings"

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.core.management import call_command  # noqa: E402

from facematch_ui.faceapi.client import FaceApiClient  # noqa: E402
from facematch_ui.review.models import Job  # noqa: E402
from facematch_ui.review.sync import sync_job, upsert_matches  # noqa: E402

PAGE = 100
CREATED_AT_MS = 1_714_564_800_000


def make_results(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": str(uuid.UUID(int=i + 1)),
            "face_bounding_box": {"top": 0.2, "left": 0.3, "width": 0.1, "height": 0.15},
            "similarity": round(99.0 - (i % 600) / 10, 1),
            "frame_id": str(uuid.UUID(int=10**9 + i)),
            "timestamp": float(i),
            "thumbnail_url": f"https://cdn.example.test/frames/{i:06d}.jpg",
        }
        for i in range(count)
    ]


def serve(results: list[dict[str, Any]], latency: float) -> ThreadingHTTPServer:
    """Every job id is a completed job with `results` (so each run inserts fresh rows)."""

    @functools.cache
    def encoded_page(limit: int, offset: int) -> str:
        # Encoded once: the API's own CPU is not what we measure, and this
        # server shares our process (and its GIL) with the client.
        return json.dumps(
            {
                "object": "list",
                "total": len(results),
                "limit": limit,
                "offset": offset,
                "faces_matches": results[offset : offset + limit],
            }
        )

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real API
        # Headers and body in one write: separate small writes meet Nagle's
        # algorithm and delayed ACKs (+40 ms a request on loopback).
        wbufsize = 1 << 16

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            limit = int(query.get("limit", [PAGE])[0])
            offset = int(query.get("offset", [0])[0])
            job_id = url.path.rsplit("/", 1)[-1]
            head = json.dumps(
                {
                    "face_match_id": job_id,
                    "status": "completed",
                    "created_at": CREATED_AT_MS,
                    "file_id": str(uuid.UUID(int=7)),
                    "source_face_bounding_box": {
                        "top": 0.25,
                        "left": 0.35,
                        "width": 0.3,
                        "height": 0.4,
                    },
                }
            )
            body = (head[:-1] + ', "data": ' + encoded_page(limit, offset) + "}").encode()
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class RunningApi:
    def __init__(self, stop: Callable[[], None]) -> None:
        self.stop = stop


def _serve_until_stopped(
    results: list[dict[str, Any]], latency: float, ports: Any, stop: Any
) -> None:
    server = serve(results, latency)
    ports.put(server.server_address[1])
    stop.wait()
    server.shutdown()


def start_api_process(
    results: list[dict[str, Any]], latency: float, *, in_process: bool
) -> tuple[RunningApi, int]:
    """The fake API, by default in a child process.

    A remote API does not share our interpreter: served from a thread here,
    its Python work would compete for the GIL with the client's concurrent
    requests (never with the sequential ones), and we would measure the
    fake server rather than the sync.
    """
    if in_process:
        server = serve(results, latency)
        return RunningApi(server.shutdown), server.server_address[1]
    context = multiprocessing.get_context("fork")
    ports = context.Queue()
    stop = context.Event()
    child = context.Process(
        target=_serve_until_stopped, args=(results, latency, ports, stop), daemon=True
    )
    child.start()

    def stop_child() -> None:
        stop.set()
        child.join(timeout=5)

    return RunningApi(stop_child), ports.get(timeout=30)


def sequential(base_url: str, job_id: str) -> tuple[float, int]:
    """The plain way: page after page with httpx until `total` is reached."""
    started = time.perf_counter()
    collected: list[dict[str, Any]] = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        offset = 0
        while True:
            page = http.get(f"/face-match/{job_id}", params={"limit": PAGE, "offset": offset})
            page.raise_for_status()
            data = page.json()["data"]
            collected.extend(data["faces_matches"])
            offset += PAGE
            if offset >= data["total"]:
                break
    return time.perf_counter() - started, len(collected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="serve from a thread of this process (shares our GIL: slows the concurrent side)",
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    results = make_results(args.matches)
    server, port = start_api_process(results, args.latency, in_process=args.in_process)
    base_url = f"http://127.0.0.1:{port}/v1"
    pages = -(-args.matches // PAGE)
    print(
        f"{args.matches} matches in {pages} pages of {PAGE}, {args.latency * 1000:.0f} ms "
        f"per request, client concurrency {args.concurrency}, SQLite in "
        f"{os.environ['FACEMATCH_DATA_DIR']}"
    )

    seq_time, seq_count = sequential(base_url, str(uuid.uuid4()))
    assert seq_count == args.matches, seq_count
    print(f"(a) sequential pages, plain httpx, no database: {seq_time:.3f} s")

    client = FaceApiClient(base_url, concurrency=args.concurrency, max_retries=0)
    sync_times, fetch_times, upsert_times = [], [], []
    for _ in range(args.runs):
        # Each run a new job id: a fresh insert of every row, the expensive case.
        started = time.perf_counter()
        job = sync_job(str(uuid.uuid4()), client=client)
        sync_times.append(time.perf_counter() - started)
        assert job.matches.count() == args.matches, job.matches.count()

        # The two halves of sync_job, timed apart on another fresh job.
        started = time.perf_counter()
        upstream, fetched = client.get_all_face_match_results(str(uuid.uuid4()))
        fetch_times.append(time.perf_counter() - started)
        fresh = Job.objects.create(
            api_id=upstream.id, status="completed", created_at=upstream.created_at
        )
        started = time.perf_counter()
        upsert_matches(fresh, fetched)
        upsert_times.append(time.perf_counter() - started)

    started = time.perf_counter()
    sync_job(job.api_id, client=client)
    resync_time = time.perf_counter() - started
    client.close()
    server.stop()

    ours = statistics.median(sync_times)
    print(
        f"(b) sync_job, concurrent pages + bulk upsert: {ours:.3f} s "
        f"(median of {args.runs}: {', '.join(f'{t:.3f}' for t in sync_times)})"
    )
    print(f"    concurrent fetch alone: {statistics.median(fetch_times):.3f} s")
    print(
        f"    bulk upsert of {args.matches} new rows alone: {statistics.median(upsert_times):.3f} s"
    )
    print(f"    resync of the unchanged job (fetch, compare, nothing written): {resync_time:.3f} s")
    print(f"speedup: {seq_time / ours:.2f}")


if __name__ == "__main__":
    main()
