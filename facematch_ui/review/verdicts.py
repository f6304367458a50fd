"""Analysts' verdicts on matches: set, undo, bulk, with an audit trail.

Every write goes through here and keeps three promises:

- history: each change appends a VerdictChange (value before and after,
  who, when, from where), so the match shows its whole trail;
- no silent overwrite: a save that names the version it saw
  (`expected_version`, 0 for "no verdict yet") fails with VerdictConflict
  when someone saved in between. A save without one wins, and the change it
  replaced is still in the history;
- verdicts hang on Match rows, which sync never deletes, so they survive a
  resync and a job vanishing upstream.

Writes lock the match row (PostgreSQL) and run in one transaction (SQLite
takes its write lock at BEGIN: settings use IMMEDIATE); the versioned UPDATE
(`WHERE version = seen`) catches a race either way. Each write also bumps
the job's counts version in that transaction (review.counts_cache), so the
job page's cached counts are never read stale.

Read helpers (filters, progress, next unreviewed, the stacked histogram)
live in review.verdict_queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from facematch_ui.review.counts_cache import bump_counts_version
from facematch_ui.review.models import (
    Job,
    Match,
    Verdict,
    VerdictChange,
    VerdictSource,
    VerdictValue,
)

MAX_NOTE_LENGTH = 2000
_ATTEMPTS = 3  # lost races retried by a save without expected_version
_BATCH = 500  # ids per IN (...), well under SQLite's variable limit

User = AbstractBaseUser | None


class VerdictConflict(Exception):
    """The match's verdict changed since the version the caller saw."""

    def __init__(self, current: Verdict | None) -> None:
        self.current = current
        seen = current.version if current else 0
        super().__init__(f"The verdict of this match changed meanwhile (now version {seen}).")


def _value(value: str) -> str:
    try:
        return VerdictValue(value).value
    except ValueError:
        choices = ", ".join(VerdictValue.values)
        raise ValueError(f"{value!r} is not a verdict; use one of {choices}.") from None


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValueError(f"A note is at most {MAX_NOTE_LENGTH} characters.")
    return note


def _user_id(user: User) -> Any:
    return user.pk if user is not None else None


def _lock_for_write(match: Match) -> None:
    """Bump the job's counts version, then lock the match row.

    The job row first, as sync does (job, then its matches): one lock order
    for every writer, so a verdict and a sync cannot deadlock.
    """
    # The match's own Job, when it holds one, moves to the new version too.
    bump_counts_version(match.job if Match.job.is_cached(match) else match.job_id)
    if connection.features.has_select_for_update:
        list(Match.objects.select_for_update().filter(pk=match.pk).values_list("pk"))


# --- One match -------------------------------------------------------------------------


def set_verdict(
    match: Match,
    value: str,
    *,
    note: str = "",
    user: User,
    expected_version: int | None = None,
    source: str = VerdictSource.MATCH,
) -> Verdict:
    """Set `match`'s verdict to `value` (confirmed/rejected/unsure) and record it.

    Raises VerdictConflict if `expected_version` is given and is not the
    current version (0 = the match had no verdict), ValueError on a bad
    value or an over-long note.
    """
    return _write(match, _value(value), _note(note), user, expected_version, VerdictSource(source))


def clear_verdict(
    match: Match, *, user: User, expected_version: int | None = None
) -> Verdict | None:
    """Undo the latest change not yet undone: back to the value and note before it.

    Undoing again goes further back; a match whose first verdict is undone
    is unreviewed again. Returns the current verdict (None if there never
    was one); with nothing left to undo it changes nothing.
    """
    for _ in range(_ATTEMPTS):
        with transaction.atomic():
            _lock_for_write(match)
            current = Verdict.objects.filter(match=match).first()
            _check(current, expected_version)
            target = (
                VerdictChange.objects.filter(match=match, reverted_by__isnull=True)
                .exclude(source=VerdictSource.UNDO)
                .order_by("-id")
                .first()
            )
            if target is None:
                return current
            written = _save(
                match, current, target.previous_value, target.previous_note, user, "undo", target
            )
            if written is not None:
                return written
        if expected_version is not None:
            raise VerdictConflict(Verdict.objects.filter(match=match).first())
    raise VerdictConflict(Verdict.objects.filter(match=match).first())


def _check(current: Verdict | None, expected_version: int | None) -> None:
    seen = current.version if current else 0
    if expected_version is not None and expected_version != seen:
        raise VerdictConflict(current)


def _write(
    match: Match,
    value: str,
    note: str,
    user: User,
    expected_version: int | None,
    source: VerdictSource,
) -> Verdict:
    for _ in range(_ATTEMPTS):
        with transaction.atomic():
            _lock_for_write(match)
            current = Verdict.objects.filter(match=match).first()
            _check(current, expected_version)
            written = _save(match, current, value, note, user, source, None)
            if written is not None:
                return written
        # Someone saved between our read and our write.
        if expected_version is not None:
            raise VerdictConflict(Verdict.objects.filter(match=match).first())
    raise VerdictConflict(Verdict.objects.filter(match=match).first())


def _save(
    match: Match,
    current: Verdict | None,
    value: str,
    note: str,
    user: User,
    source: str,
    reverts: VerdictChange | None,
) -> Verdict | None:
    """Write the verdict and its history row; None if we lost a race."""
    now = timezone.now()
    fields = {
        "value": value,
        "note": note,
        "set_by_id": _user_id(user),
        "set_at": now,
        "source": source,
    }
    if current is None:
        try:
            with transaction.atomic():
                verdict = Verdict.objects.create(match=match, version=1, **fields)
        except IntegrityError:
            return None
        previous_value = previous_note = ""
    else:
        if not Verdict.objects.filter(pk=current.pk, version=current.version).update(
            version=current.version + 1, **fields
        ):
            return None
        verdict = Verdict(pk=current.pk, match=match, version=current.version + 1, **fields)
        previous_value, previous_note = current.value, current.note
    VerdictChange.objects.create(
        match=match,
        value=value,
        note=note,
        previous_value=previous_value,
        previous_note=previous_note,
        source=source,
        changed_by_id=_user_id(user),
        changed_at=now,
        version=verdict.version,
        reverts=reverts,
    )
    return verdict


def history(match: Match) -> QuerySet[VerdictChange]:
    """The match's verdict changes, newest first, with who made them."""
    return VerdictChange.objects.filter(match=match).select_related("changed_by").order_by("-id")


# --- Many matches ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    match_id: int
    verdict_id: int | None
    value: str
    note: str
    version: int
    source: str


def _rows(targets: Iterable[QuerySet[Match]]) -> list[_Row]:
    rows = []
    for queryset in targets:
        if connection.features.has_select_for_update:
            queryset = queryset.select_for_update(of=("self",))
        for match_id, verdict_id, value, note, version, source in queryset.values_list(
            "id",
            "verdict__id",
            "verdict__value",
            "verdict__note",
            "verdict__version",
            "verdict__source",
        ):
            rows.append(
                _Row(match_id, verdict_id, value or "", note or "", version or 0, source or "")
            )
    return rows


def apply_to_many(
    job: Job,
    targets: Iterable[QuerySet[Match]],
    value: str,
    *,
    user: User,
    source: VerdictSource,
    note: str = "",
    skip_individual: bool = False,
    only_unreviewed: bool = False,
) -> int:
    """Set `value` on every match of `targets` (querysets of `job`'s matches, read
    inside the lock).

    Matches already at `value` are left alone (no history noise);
    `skip_individual` keeps verdicts set on the match itself,
    `only_unreviewed` touches matches without a verdict only. Returns how
    many matches changed. A few queries per 500 matches, never one per match.
    """
    value, note = _value(value), _note(note)
    now = timezone.now()
    with transaction.atomic():
        bump_counts_version(job)  # first: the lock order of _lock_for_write
        rows = [
            row
            for row in _rows(targets)
            if row.value != value
            and not (only_unreviewed and row.value)
            and not (skip_individual and row.value and row.source == VerdictSource.MATCH)
        ]
        fields = {
            "value": value,
            "note": note,
            "set_by_id": _user_id(user),
            "set_at": now,
            "source": source,
        }
        existing = [row.verdict_id for row in rows if row.verdict_id is not None]
        for start in range(0, len(existing), _BATCH):
            Verdict.objects.filter(pk__in=existing[start : start + _BATCH]).update(
                version=F("version") + 1, **fields
            )
        Verdict.objects.bulk_create(
            [
                Verdict(match_id=row.match_id, version=1, **fields)
                for row in rows
                if not row.verdict_id
            ],
            batch_size=_BATCH,
        )
        VerdictChange.objects.bulk_create(
            [
                VerdictChange(
                    match_id=row.match_id,
                    value=value,
                    note=note,
                    previous_value=row.value,
                    previous_note=row.note,
                    source=source,
                    changed_by_id=_user_id(user),
                    changed_at=now,
                    version=row.version + 1,
                )
                for row in rows
            ],
            batch_size=_BATCH,
        )
    return len(rows)


def matches_by_ids(job: Job, match_ids: Sequence[int]) -> list[QuerySet[Match]]:
    """`job`'s matches among `match_ids`, as batched querysets (ids of other jobs ignored)."""
    ids = sorted(set(match_ids))
    return [
        Match.objects.filter(job=job, pk__in=ids[start : start + _BATCH])
        for start in range(0, len(ids), _BATCH)
    ]


def bulk_set_verdict(
    job: Job, match_ids: Sequence[int], value: str, user: User, *, note: str = ""
) -> int:
    """Set `value` on the chosen matches of `job`, whatever they had; return how many changed."""
    return apply_to_many(
        job, matches_by_ids(job, match_ids), value, user=user, source=VerdictSource.BULK, note=note
    )


def _unreviewed_below(job: Job, threshold: float) -> QuerySet[Match]:
    return Match.objects.filter(job=job, similarity__lt=threshold).filter(
        Q(verdict__isnull=True) | Q(verdict__value="")
    )


def reject_below(job: Job, threshold: float, user: User, *, dry_run: bool) -> int:
    """Reject the unreviewed matches of `job` below `threshold`; return how many.

    Only unreviewed ones: a verdict an analyst gave (confirmed, rejected or
    unsure) is never overridden by this sweep. With `dry_run` nothing is
    written and the count is what applying now would change; it can differ
    from the applied count only if someone reviewed in between.
    """
    if dry_run:
        return _unreviewed_below(job, threshold).count()
    return apply_to_many(
        job,
        [_unreviewed_below(job, threshold)],
        VerdictValue.REJECTED,
        user=user,
        source=VerdictSource.BULK,
        only_unreviewed=True,
    )
