"""Bounded retries: exponential backoff with full jitter, Retry-After, a time budget."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import FaceApiError, RateLimited, Unreachable

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 4
    budget: float = 60.0  # seconds, waiting and requests together
    backoff_base: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def is_retryable(self, error: FaceApiError, *, idempotent: bool) -> bool:
        if error.permanent:
            return False
        if idempotent:
            return True
        # A POST that may have reached the server must not run twice: only a
        # refusal (429) or a connection that never opened is safe to repeat.
        if isinstance(error, RateLimited):
            return True
        return isinstance(error, Unreachable) and not error.request_sent

    def backoff(self, retry: int) -> float:
        """Full jitter: anywhere between 0 and base * 2**retry."""
        return self.rng.uniform(0.0, self.backoff_base * 2**retry)

    def run(self, attempt: Callable[[], T], *, idempotent: bool, what: str = "request") -> T:
        """Call `attempt` until it returns, a permanent error, or the limits are hit.

        `attempt` raises FaceApiError (chained to the library error); the last
        one is re-raised when giving up.
        """
        started = time.monotonic()
        slept = 0.0
        retry = 0
        while True:
            try:
                return attempt()
            except FaceApiError as error:
                if not self.is_retryable(error, idempotent=idempotent):
                    raise
                if retry >= self.max_retries:
                    raise
                # The injected sleep may not pass real time (tests): count both.
                remaining = self.budget - max(time.monotonic() - started, slept)
                retry_after = getattr(error, "retry_after", None)
                if retry_after is not None:
                    delay = max(float(retry_after), 0.0)
                    if delay > remaining:
                        # Waiting less than asked would only be refused again.
                        raise
                else:
                    if remaining <= 0:
                        raise
                    delay = min(self.backoff(retry), remaining)
                logger.info(
                    "Retrying %s in %.2f s (retry %d of %d): %s",
                    what,
                    delay,
                    retry + 1,
                    self.max_retries,
                    error,
                )
                self.sleep(delay)
                slept += delay
                retry += 1
