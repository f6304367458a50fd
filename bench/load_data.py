"""Fill the load benchmark's database and log in: bench/load.sh's helper.

Run: .venv/bin/python bench/load_data.py build --matches N
     .venv/bin/python bench/load_data.py login --url URL

`build` migrates the database the environment names (FACEMATCH_DATABASE_URL),
creates the analyst and one completed job of N matches with the same
seeded rows as bench/gallery.py, and prints the job's id. `login` signs in
through the real login form of the running server, the way a browser does
behind an HTTPS proxy, and prints the session cookie.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facematch_ui.settings")

USERNAME = "load-analyst"
PASSWORD = "load-test-password-1"
JOB_ID = "5a1e0000-0000-4000-8000-000000100000"


def build(matches: int) -> None:

    import django

    django.setup()
    from big_job import build_job
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    build_job(JOB_ID, matches)
    with connection.cursor() as cursor:
        # What autovacuum does within a minute of a bulk insert (PostgreSQL 13+):
        # planner statistics, and the visibility map that lets the gallery's
        # index-only scans skip the table. Done now so both wrk runs measure
        # that steady state rather than racing autovacuum.
        cursor.execute("VACUUM ANALYZE")
    print(JOB_ID)


def _cookie(response: object, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        found = re.match(rf"{name}=([^;]+)", header)
        if found:
            return found.group(1)
    raise SystemExit(f"the server set no {name} cookie")


def login(url: str) -> None:
    import httpx

    # Cookies are Secure in production: read them from the headers, since a
    # cookie jar would not send them back over the bench's plain HTTP.
    proxy = {"X-Forwarded-Proto": "https"}
    with httpx.Client(base_url=url, headers=proxy, timeout=30) as client:
        form = client.get("/accounts/login/")
        form.raise_for_status()
        csrf = _cookie(form, "csrftoken")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        if token is None:
            raise SystemExit("the login page has no CSRF token")
        host = httpx.URL(url).netloc.decode()
        answer = client.post(
            "/accounts/login/",
            data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            headers={
                "Cookie": f"csrftoken={csrf}",
                "Origin": f"https://{host}",
                "Referer": f"https://{host}/accounts/login/",
            },
        )
        if answer.status_code != 302:
            # The reason (CSRF, bad password) is in the server's log.
            raise SystemExit(f"login failed: HTTP {answer.status_code}")
        print(_cookie(answer, "sessionid"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build").add_argument("--matches", type=int, default=100_000)
    commands.add_parser("login").add_argument("--url", required=True)
    args = parser.parse_args()
    if args.command == "build":
        build(args.matches)
    else:
        login(args.url)


if __name__ == "__main__":
    main()
