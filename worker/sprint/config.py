"""Shapes of the Sprint transformer, their distance thresholds and the recommended acceptance params.

docs/sprint-pow.md §2 (configs), §7 (threshold calibration) and §9 (precision study) explain every
number here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class PowConfig:
    """One PoW function shape. ``threshold_micro``: a nonce is valid when distance x 10^6 < this."""

    name: str
    n_layers: int
    d_model: int
    n_heads: int
    d_ff: int
    vocab: int
    seq_len: int
    threshold_micro: int

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    def n_params(self) -> int:
        """Weights of the model (embeddings included; LayerNorms have no parameters)."""
        d = self.d_model
        per_layer = 4 * d * d + 2 * d * self.d_ff
        return self.vocab * d + self.seq_len * d + self.n_layers * per_layer

    def flops_per_nonce(self) -> int:
        """Matmul FLOPs of one forward pass over seq_len tokens (2 per multiply-add).

        Projections: 2 * seq_len * (4 d^2 + 2 d d_ff) per layer; attention scores and weighted sum:
        2 * 2 * seq_len^2 * d per layer (full square, as the kernels compute it). Embedding lookups,
        LayerNorm, GELU and softmax are not counted.
        """
        d, t = self.d_model, self.seq_len
        per_layer = 2 * t * (4 * d * d + 2 * d * self.d_ff) + 4 * t * t * d
        return self.n_layers * per_layer


CONFIGS: dict[str, PowConfig] = {
    # The paper shape (docs/sprint-pow.md §2). 64 x (4*512^2 + 2*512*8192) + 8192*512 = 608M weights; the paper's
    # "about 2.3 billion" does not follow from its own shape, the shape is what we implement.
    "paper": PowConfig("paper", n_layers=64, d_model=512, n_heads=128, d_ff=8192, vocab=8192, seq_len=4,
                       threshold_micro=1_315_376),
    # Matmul-bound on a CPU: 4 layers, 13.6M weights, ~100 MFLOP per nonce.
    "devnet": PowConfig("devnet", n_layers=4, d_model=512, n_heads=8, d_ff=2048, vocab=4096, seq_len=4,
                        threshold_micro=1_315_376),
    # Tiny: unit tests and the e2e localnet.
    "test": PowConfig("test", n_layers=2, d_model=64, n_heads=4, d_ff=128, vocab=256, seq_len=4,
                      threshold_micro=1_117_456),
}


def get_config(name: str) -> PowConfig:
    """The named config; ValueError naming the known ones otherwise."""
    try:
        return CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown PoW config {name!r}; known: {', '.join(sorted(CONFIGS))}") from None


# Upper bound on P[float32 recomputation invalid | unconfirmed bfloat16 distance valid] measured in
# docs/sprint-pow.md §9; unconfirmed bf16 claims would need a far larger max_sample_mismatches,
# which is why a bf16 search confirms its candidates in float32.
BF16_UNCONFIRMED_MISMATCH_BOUND = Fraction(5, 100)


@dataclass(frozen=True)
class Recommended:
    """Acceptance params for a config (genesis values of the sprint module's Params).

    ``max_sample_mismatches`` = max_mismatches_for(validation_sample, honest_mismatch_bound,
    false_rejection): one validator rejects an honest prover with probability <= false_rejection.
    ``confirm_guard_micro``: a low-precision search re-checks in float32 every nonce below
    threshold + this (docs/sprint-pow.md §9).
    """

    distance_tolerance_micro: int
    validation_sample: int
    max_sample_mismatches: int
    honest_mismatch_bound: Fraction
    confirm_guard_micro: int
    # Per validator vote; by Markov's inequality validators holding > 50% of the weight reject an
    # honest prover with probability <= 2 x this = 1e-6 per prover-epoch.
    false_rejection: Fraction = Fraction(1, 2 * 10**6)


RECOMMENDED: dict[str, Recommended] = {
    "paper": Recommended(distance_tolerance_micro=1_000, validation_sample=4_000, max_sample_mismatches=6,
                         honest_mismatch_bound=Fraction(1, 10_000), confirm_guard_micro=4_000),
    "devnet": Recommended(distance_tolerance_micro=1_000, validation_sample=2_000, max_sample_mismatches=5,
                          honest_mismatch_bound=Fraction(1, 10_000), confirm_guard_micro=4_000),
    "test": Recommended(distance_tolerance_micro=1_000, validation_sample=300, max_sample_mismatches=3,
                        honest_mismatch_bound=Fraction(1, 10_000), confirm_guard_micro=8_000),
}


def recommended(name: str) -> Recommended:
    """The recommended acceptance params of the named config (ValueError like get_config)."""
    get_config(name)
    return RECOMMENDED[name]
