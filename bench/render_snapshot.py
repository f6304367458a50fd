"""Render the gallery's pages to files, to diff the HTML before and after a template change.

Run: .venv/bin/python bench/render_snapshot.py OUT_DIR [--matches N]
     diff -r BEFORE_DIR AFTER_DIR

A speed-up of the job page's templates must not change what they send.
This builds a small throwaway job whose cards cover every branch (each
verdict, a note with markup in it, a verdict whose analyst was deleted, an
undone verdict, boxes not stored, quality not measured), then saves the job
page (whole and htmx partial, a few gallery states), the shared page and
the triage answers (a verdict, a conflict, an undo). Per-render values
(CSRF tokens, the share token, the time a verdict was set just now) are
masked so two runs compare equal when the templates render the same.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Importing it sets up Django on a throwaway data folder.
import gallery
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from facematch_ui.review import sharing, verdicts
from facematch_ui.review.models import Match, Verdict

MASKS = (
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken"'),
    (re.compile(rb'"X-CSRFToken": "[^"]*"'), b'"X-CSRFToken"'),
    (re.compile(rb"/s/[A-Za-z0-9_-]+/"), b"/s/TOKEN/"),
    (re.compile(rb"The link expires <time[^>]*>"), b"The link expires <time>"),
    (re.compile(rb"on (?!2001)\d{4}-\d\d-\d\d \d\d:\d\d"), b"on DATE"),  # set just now
)


def _mask(content: bytes) -> bytes:
    for pattern, replacement in MASKS:
        content = pattern.sub(replacement, content)
    return content


def _judge(matches: list[Match]) -> None:
    """Give the first cards every kind of verdict a card can show."""
    user_model = get_user_model()
    sam = user_model.objects.create_user("sam<&>", password="x-password-1")
    gone = user_model.objects.create_user("gone", password="x-password-2")
    verdicts.set_verdict(matches[0], "confirmed", user=sam)
    verdicts.set_verdict(matches[1], "rejected", note="<b>\"looks\" & 'off'</b>", user=sam)
    verdicts.set_verdict(matches[2], "unsure", user=gone)
    verdicts.set_verdict(matches[3], "confirmed", user=sam)
    verdicts.clear_verdict(matches[3], user=sam)  # back to "" with a version
    gone.delete()
    Verdict.objects.update(set_at=datetime(2001, 2, 3, 4, 5, tzinfo=UTC))
    Match.objects.filter(pk__in=[m.pk for m in matches[4:8]]).update(thumbnail_state="pending")
    Match.objects.filter(pk__in=[m.pk for m in matches[:3]]).update(face_px=88, sharpness=123.4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--matches", type=int, default=400)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    job = gallery.build(args.matches)
    shown = list(job.matches.filter(similarity__gte=30).order_by("timestamp", "id")[:10])
    _judge(shown)
    client = Client()
    client.force_login(get_user_model().objects.create_user("bench", password="bench-pass-1"))
    base = f"/jobs/{job.api_id}/"
    _, token = sharing.create_share_link(job, None)
    hx = {"HX-Request": "true"}
    gets = {
        "page": (f"{base}?threshold=30&sort=time", {}),
        "partial": (f"{base}?threshold=30&sort=time", hx),
        "page-2-similarity": (f"{base}?threshold=30&sort=similarity&page=2&page_size=100", {}),
        "filters": (f"{base}?threshold=12.5&verdict=unreviewed", hx),
        "quality": (f"{base}?min_face_px=80", hx),
        "empty": (f"{base}?threshold=100", hx),
        "last-page": (f"{base}?sort=time&page=999", hx),
        "shared": (f"/s/{token}/?threshold=30&sort=time", {}),
        "shared-partial": (f"/s/{token}/?threshold=30&page=3", hx),
    }
    for name, (url, headers) in gets.items():
        response = client.get(url, headers=headers)
        (args.out / f"{name}.html").write_bytes(
            f"{response.status_code}\n".encode() + _mask(response.content)
        )
    back = f"{base}?threshold=30&sort=time&page=1"
    posts = {
        "verdict": (shown[5], "verdict", {"value": "rejected", "note": "<i>x</i>"}),
        "conflict": (shown[0], "verdict", {"value": "unsure", "expected_version": "7"}),
        "undo": (shown[1], "undo", {"expected_version": "1"}),
    }
    for name, (match, action, data) in posts.items():
        url = f"{base}matches/{match.api_id}/card/{action}/"
        response = client.post(url, {**data, "return": back}, headers=hx)
        (args.out / f"{name}.html").write_bytes(
            f"{response.status_code}\n".encode() + _mask(response.content)
        )
    print(f"wrote {len(gets) + len(posts)} pages to {args.out}")


if __name__ == "__main__":
    main()
