"""Fault-injection points for crash-safety tests, off unless an environment variable enables them.

`SPRINTD_FAULT_HOLD_AFTER_FINALIZE=<height>`: the first time FinalizeBlock(<height>) has executed
(its state sits in the block cache, nothing committed), the ABCI server touches
`<dir>/finalized-<height>` and holds the FinalizeBlock response for up to
`SPRINTD_FAULT_HOLD_SECONDS` (default 60) seconds before answering. A test kills CometBFT during
the hold, restarts it, and CometBFT's handshake replays FinalizeBlock(<height>) on the same App.
`<dir>` is `$SPRINTD_FAULT_DIR`, else `$SPRINTD_HOME`, else the working directory (the devnet
runner starts sprintd in its home).

The variables are read once, when the ABCI server is built (`from_env`); a node started without
them behaves exactly as before.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("sprint.faults")

HOLD_AFTER_FINALIZE_ENV = "SPRINTD_FAULT_HOLD_AFTER_FINALIZE"
HOLD_SECONDS_ENV = "SPRINTD_FAULT_HOLD_SECONDS"
FAULT_DIR_ENV = "SPRINTD_FAULT_DIR"
DEFAULT_HOLD_SECONDS = 60.0
MAX_HOLD_SECONDS = 600.0


@dataclass
class Faults:
    """The enabled fault points; `hold_after_finalize` is None when the hold is off."""

    hold_after_finalize: int | None = None
    hold_seconds: float = DEFAULT_HOLD_SECONDS
    directory: Path = field(default_factory=Path.cwd)
    _fired: set = field(default_factory=set)

    @property
    def enabled(self) -> bool:
        return self.hold_after_finalize is not None

    def finalize_hold(self, height: int) -> float:
        """Seconds to hold the FinalizeBlock(height) response (0 = answer at once). The first call
        for the configured height touches the marker file and returns the hold; later calls 0."""
        if height != self.hold_after_finalize or height in self._fired:
            return 0.0
        self._fired.add(height)
        marker = self.directory / f"finalized-{height}"
        self.directory.mkdir(parents=True, exist_ok=True)
        marker.touch()
        log.warning("fault: holding FinalizeBlock(%d) response for %.0fs (marker %s)",
                    height, self.hold_seconds, marker)
        return self.hold_seconds


def from_env(environ=None) -> Faults:
    """The fault points the environment enables; a malformed value raises ValueError naming it."""
    env = os.environ if environ is None else environ
    raw = env.get(HOLD_AFTER_FINALIZE_ENV, "").strip()
    directory = Path(env.get(FAULT_DIR_ENV) or env.get("SPRINTD_HOME") or Path.cwd())
    if not raw:
        return Faults(directory=directory)
    try:
        height = int(raw)
        seconds = float(env.get(HOLD_SECONDS_ENV, "") or DEFAULT_HOLD_SECONDS)
    except ValueError:
        raise ValueError(f"{HOLD_AFTER_FINALIZE_ENV}={raw!r} / {HOLD_SECONDS_ENV} must be numbers") from None
    if height < 1:
        raise ValueError(f"{HOLD_AFTER_FINALIZE_ENV} must be a block height >= 1, got {height}")
    return Faults(hold_after_finalize=height, hold_seconds=min(max(seconds, 0.0), MAX_HOLD_SECONDS),
                  directory=directory)
