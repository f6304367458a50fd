"""Builders for triage tests: verdicts on matches, quickly and by api id."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from facematch_ui.review.models import Job, Match, Verdict
from facematch_ui.review.verdicts import set_verdict


def match_named(job: Job, api_id: str) -> Match:
    return Match.objects.get(job=job, api_id=api_id)


def give_verdicts(job: Job, verdicts: dict[str, str], user: AbstractBaseUser) -> list[Verdict]:
    """Set each `{match api_id: value}` as an analyst would, one by one."""
    return [
        set_verdict(match_named(job, api_id), value, user=user)
        for api_id, value in verdicts.items()
    ]
