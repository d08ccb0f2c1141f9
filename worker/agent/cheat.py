"""Test-only cheating modes, to show that validators catch them. Never use on a real network.

    fabricate     claim nonces without computing anything (random nonces, distances just under
                  the threshold)
    inflate N%    search honestly, then add N% more fabricated nonces to the claim
    smaller-model (inference) generate tokens and logprobs with a cheaper model (the registered
                  model's first layer only)
    prefill       (inference) generate tokens with the cheaper model, then compute their logprobs
                  with one prefill pass of the real model
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_INFLATE = re.compile(r"inflate[: ]?(\d{1,3})%?")


@dataclass(frozen=True)
class Cheat:
    mode: str  # "fabricate" | "inflate" | "smaller-model" | "prefill"
    percent: int = 0


def parse_cheat(text: str | None) -> Cheat | None:
    """'fabricate', 'inflate 5%', 'inflate:5%', 'inflate5', 'smaller-model' or 'prefill' -> Cheat;
    None/'' -> None."""
    if not text:
        return None
    spec = text.strip().lower()
    if spec in ("fabricate", "smaller-model", "prefill"):
        return Cheat(spec)
    match = _INFLATE.fullmatch(spec)
    if match and 0 < int(match.group(1)) <= 100:
        return Cheat("inflate", int(match.group(1)))
    raise ValueError(f"unknown --cheat {text!r}: use 'fabricate', 'inflate N%' (1-100), "
                     "'smaller-model' or 'prefill'")


def fabricated_nonces(seed: bytes, count: int, start: int, threshold_micro: int, max_nonce: int,
                      taken: set[int]) -> dict[int, int]:
    """`count` made-up (nonce, distance) claims, deterministic in `seed`, avoiding `taken`."""
    claims: dict[int, int] = {}
    counter = start
    while len(claims) < count:
        digest = hashlib.sha256(seed + b"cheat" + counter.to_bytes(8, "big")).digest()
        counter += 1
        nonce = int.from_bytes(digest[:8], "big") % max_nonce
        if nonce in taken or nonce in claims:
            continue
        claims[nonce] = threshold_micro - 1 - int.from_bytes(digest[8:12], "big") % max(1, threshold_micro // 100)
    return claims
