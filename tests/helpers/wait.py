"""One bounded, event-driven wait for the e2e tests: poll a condition until it holds or a deadline
passes, then fail saying what never happened (and what was seen last)."""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float, what: str, interval: float = 0.2,
               alive: Callable[[], None] | None = None) -> T:
    """The first truthy value of `predicate()`, polled every `interval` seconds.

    AssertionError "timed out after Ns waiting for <what>" once `timeout` seconds have passed (the
    predicate is always tried at least once, and once more at the deadline). `alive()`, when given,
    is called each round and should raise when the thing being waited on has died, so a crash fails
    at once instead of at the deadline.
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if alive is not None:
            alive()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what} (last seen: {last!r})")
        time.sleep(min(interval, remaining))
