"""sprint store layout: one-byte prefixes 0x30-0x3f (global across modules), integers big-endian.

| key | value |
|---|---|
| 0x30 | sprint.sprint.v1.Params |
| 0x31 u64 epoch | sprint seed (32 bytes), set at the end of the last reveal block |
| 0x32 u64 epoch | validation seed (32 bytes), set at the end of the last proof block |
| 0x33 u64 epoch, operator(20) | seed commitment (32 bytes) |
| 0x34 u64 epoch, operator(20) | revealed secret (32 bytes) |
| 0x35 u64 epoch, operator(20) | sprint.sprint.v1.ProofSummary |
| 0x36 u64 epoch, operator(20), u64 nonce | claimed distance x 10^6, u64 |
| 0x37 u64 epoch, prover(20), validator(20) | sprint.sprint.v1.Validation |
| 0x38 u64 epoch, validator(20), prover(20) | empty: the validator must check that prover |
| 0x39 operator(20) | last CometBFT power u64 then the consensus pubkey it was given to (32 bytes) |
| 0x3a operator(20) | missed reveals (committed, did not reveal), u64 |
| 0x3b operator(20) | missed validation duties (assigned, did not vote), u64 |

The prover -> validators direction of the assignment is ProofSummary.validators (draw order).
"""

from __future__ import annotations

PARAMS_KEY = b"\x30"
SEED_PREFIX = b"\x31"
VALIDATION_SEED_PREFIX = b"\x32"
COMMIT_PREFIX = b"\x33"
REVEAL_PREFIX = b"\x34"
SUMMARY_PREFIX = b"\x35"
PROOF_PREFIX = b"\x36"
VOTE_PREFIX = b"\x37"
DUTY_PREFIX = b"\x38"
POWER_PREFIX = b"\x39"
MISSED_REVEAL_PREFIX = b"\x3a"
MISSED_VALIDATION_PREFIX = b"\x3b"

ADDRESS_LENGTH = 20
SECRET_LENGTH = 32
COMMITMENT_LENGTH = 32


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def read_u64(raw: bytes | None) -> int:
    return int.from_bytes(raw, "big") if raw else 0


def seed_key(epoch: int) -> bytes:
    return SEED_PREFIX + u64(epoch)


def validation_seed_key(epoch: int) -> bytes:
    return VALIDATION_SEED_PREFIX + u64(epoch)


def epoch_prefix(prefix: bytes, epoch: int) -> bytes:
    return prefix + u64(epoch)


def commit_key(epoch: int, operator: bytes) -> bytes:
    return COMMIT_PREFIX + u64(epoch) + operator


def reveal_key(epoch: int, operator: bytes) -> bytes:
    return REVEAL_PREFIX + u64(epoch) + operator


def summary_key(epoch: int, operator: bytes) -> bytes:
    return SUMMARY_PREFIX + u64(epoch) + operator


def proofs_prefix(epoch: int, operator: bytes) -> bytes:
    return PROOF_PREFIX + u64(epoch) + operator


def proof_key(epoch: int, operator: bytes, nonce: int) -> bytes:
    return proofs_prefix(epoch, operator) + u64(nonce)


def votes_prefix(epoch: int, prover: bytes) -> bytes:
    return VOTE_PREFIX + u64(epoch) + prover


def vote_key(epoch: int, prover: bytes, validator: bytes) -> bytes:
    return votes_prefix(epoch, prover) + validator


def duties_prefix(epoch: int, validator: bytes) -> bytes:
    return DUTY_PREFIX + u64(epoch) + validator


def duty_key(epoch: int, validator: bytes, prover: bytes) -> bytes:
    return duties_prefix(epoch, validator) + prover


def power_key(operator: bytes) -> bytes:
    return POWER_PREFIX + operator


def missed_reveal_key(operator: bytes) -> bytes:
    return MISSED_REVEAL_PREFIX + operator


def missed_validation_key(operator: bytes) -> bytes:
    return MISSED_VALIDATION_PREFIX + operator

PREFIXES = (PARAMS_KEY, SEED_PREFIX, VALIDATION_SEED_PREFIX, COMMIT_PREFIX, REVEAL_PREFIX, SUMMARY_PREFIX,
            PROOF_PREFIX, VOTE_PREFIX, DUTY_PREFIX, POWER_PREFIX, MISSED_REVEAL_PREFIX, MISSED_VALIDATION_PREFIX)


def after(prefix: bytes, key: bytes) -> bytes:
    """The rest of `key` after `prefix` (one of the prefixes built above), e.g. the operator of a
    per-epoch key."""
    return key[len(prefix):]
