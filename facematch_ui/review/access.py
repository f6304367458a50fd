"""Who may see which job: the one place views ask.

Every signed-in analyst shares the dashboard's cache, so the check is that
the job exists; a per-team rule would change only this function.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from facematch_ui.review.models import Job


def get_job_for_user(user: AbstractBaseUser | AnonymousUser, api_id: str) -> Job:
    """The cached job `api_id` if `user` may see it, else Http404."""
    if not user.is_authenticated:
        raise Http404("No such face match.")
    try:
        return Job.objects.get(api_id=api_id)
    except Job.DoesNotExist:
        raise Http404("No such face match.") from None
