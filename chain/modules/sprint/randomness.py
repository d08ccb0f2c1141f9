"""The Sprint's hashes and draws (docs/wire-formats.md §7), all sha256 over fixed byte layouts.

    commitment      = sha256("sprint/commit/v1" || u64be(epoch) || operator(20) || secret(32))
    seed            = sha256("sprint/seed/v1" || last reveal block hash || secret_1 || ... || secret_n)
                      with the revealed secrets in ascending operator-address order
    validation_seed = sha256("sprint/validation/v1" || seed || last proof block hash)

Validator draw for one prover (`draw_validators`): the candidates (operator, weight > 0) are
sorted by operator address; draw k (k = 0, 1, ...) computes
    r_k = uint256_be(sha256(validation_seed || "assign" || prover(20) || u64be(k))) mod W_k
where W_k is the total weight of the candidates not drawn yet, and picks the first remaining
candidate whose running weight sum exceeds r_k (weighted, without replacement). Drawing stops once
drawn_weight * 10000 >= target_bps * total candidate weight, or when every candidate is drawn.
The modulo bias is below 2^-190 for any weight total under 2^64.
"""

from __future__ import annotations

import hashlib

COMMIT_TAG = b"sprint/commit/v1"
SEED_TAG = b"sprint/seed/v1"
VALIDATION_TAG = b"sprint/validation/v1"
ASSIGN_TAG = b"assign"
BPS = 10_000


def commitment(epoch: int, operator: bytes, secret: bytes) -> bytes:
    """The MsgCommitSeed commitment a host's MsgRevealSeed secret must open."""
    return hashlib.sha256(COMMIT_TAG + epoch.to_bytes(8, "big") + operator + secret).digest()


def sprint_seed(block_hash: bytes, reveals: list[tuple[bytes, bytes]]) -> bytes:
    """Seed of an epoch from the last reveal block's hash and (operator, secret) reveals (any order)."""
    data = SEED_TAG + block_hash
    for _, secret in sorted(reveals):
        data += secret
    return hashlib.sha256(data).digest()


def validation_seed(seed: bytes, block_hash: bytes) -> bytes:
    """Seed of the validator assignment and the validators' nonce samples."""
    return hashlib.sha256(VALIDATION_TAG + seed + block_hash).digest()


def _draw_index(stream_seed: bytes, prover: bytes, counter: int, pool: list[tuple[bytes, int]]) -> int:
    remaining = sum(weight for _, weight in pool)
    digest = hashlib.sha256(stream_seed + ASSIGN_TAG + prover + counter.to_bytes(8, "big")).digest()
    r = int.from_bytes(digest, "big") % remaining
    for index, (_, weight) in enumerate(pool):
        if r < weight:
            return index
        r -= weight
    raise AssertionError("unreachable: r < remaining weight")


def draw_validators(stream_seed: bytes, prover: bytes, candidates: list[tuple[bytes, int]],
                    target_bps: int) -> list[bytes]:
    """Operators drawn (in draw order) to validate `prover`, weighted by weight, without replacement,
    until they hold >= target_bps of the candidates' total weight. Candidates with weight 0 are
    ignored; `prover` itself must not be among them."""
    pool = sorted((operator, weight) for operator, weight in candidates if weight > 0)
    total = sum(weight for _, weight in pool)
    drawn: list[bytes] = []
    drawn_weight = 0
    while pool and drawn_weight * BPS < target_bps * total:
        operator, weight = pool.pop(_draw_index(stream_seed, prover, len(drawn), pool))
        drawn.append(operator)
        drawn_weight += weight
    return drawn
