"""Epochs and phases: pure functions of the params and a block height.

With L = epoch_length(params), epoch e spans heights [1 + e*L, (e+1)*L] (the chain starts at height
1). Within an epoch the offset (height - 1) % L runs through the phases back to back: commit
[0, c), reveal [c, c+r), sprint, proof, validation, settlement. Every bound below is inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass

from sprint.sprint.v1.sprint_pb2 import (
    PHASE_COMMIT, PHASE_PROOF, PHASE_REVEAL, PHASE_SETTLEMENT, PHASE_SPRINT, PHASE_VALIDATION, EpochInfo, Params,
)

from chain.modules.sprint.params import epoch_length

PHASE_NAMES = {PHASE_COMMIT: "commit", PHASE_REVEAL: "reveal", PHASE_SPRINT: "sprint", PHASE_PROOF: "proof",
               PHASE_VALIDATION: "validation", PHASE_SETTLEMENT: "settlement"}


@dataclass(frozen=True)
class Bounds:
    """An epoch's block bounds: the last height of each phase (inclusive)."""

    number: int
    start: int
    commit_end: int
    reveal_end: int
    sprint_end: int
    proof_end: int
    validation_end: int
    end: int

    def phase(self, height: int) -> int:
        """The Phase enum value of `height`, which must lie in this epoch."""
        for phase, last in ((PHASE_COMMIT, self.commit_end), (PHASE_REVEAL, self.reveal_end),
                            (PHASE_SPRINT, self.sprint_end), (PHASE_PROOF, self.proof_end),
                            (PHASE_VALIDATION, self.validation_end)):
            if height <= last:
                return phase
        return PHASE_SETTLEMENT

    def window(self, phase: int) -> tuple[int, int]:
        """(first, last) height of one phase."""
        edges = [self.start - 1, self.commit_end, self.reveal_end, self.sprint_end, self.proof_end,
                 self.validation_end, self.end]
        return edges[phase - 1] + 1, edges[phase]


def epoch_number(params: Params, height: int) -> int:
    """The epoch containing `height` (heights below 1 count as height 1)."""
    return (max(height, 1) - 1) // epoch_length(params)


def bounds(params: Params, number: int) -> Bounds:
    """Block bounds of epoch `number`."""
    start = 1 + number * epoch_length(params)
    ends, last = [], start - 1
    for length in (params.commit_blocks, params.reveal_blocks, params.sprint_blocks, params.proof_blocks,
                   params.validation_blocks, params.settlement_blocks):
        last += length
        ends.append(last)
    return Bounds(number, start, *ends)


def epoch_info(params: Params, height: int, seed: bytes = b"", validation_seed: bytes = b"",
               number: int | None = None) -> EpochInfo:
    """EpochInfo of the epoch containing `height`, or of an earlier epoch `number`; its phase is the
    phase of min(height, that epoch's last height), so a finished epoch reports PHASE_SETTLEMENT.
    `seed`/`validation_seed` are the stored seeds of that epoch (empty until they are fixed)."""
    current = epoch_number(params, height)
    number = current if number is None else number
    if number > current:
        raise ValueError(f"epoch {number} has not started (current epoch {current})")
    b = bounds(params, number)
    return EpochInfo(
        number=number, phase=b.phase(min(max(height, 1), b.end)), start_height=b.start,
        commit_end=b.commit_end, reveal_end=b.reveal_end, sprint_end=b.sprint_end, proof_end=b.proof_end,
        validation_end=b.validation_end, end_height=b.end, seed=seed, validation_seed=validation_seed,
    )
