"""The Sprint's counter-based generator: everything derived from seeds, reproducible bit for bit.

Two primitives (docs/sprint-pow.md §3 gives them byte by byte):

* ``derive(tag, *parts)`` = SHA-256(tag || parts...) -- domain-separated 32-byte digests, and
  ``key64(digest)`` = its first 8 bytes read as a big-endian unsigned 64-bit integer.
* ``splitmix64(key, i)`` -- the i-th output (i = 0, 1, ...) of SplitMix64 started at state ``key``:
  z = key + (i + 1) * 0x9E3779B97F4A7C15 (mod 2^64), then the standard finaliser. Stateless, so any
  element of any stream can be computed on its own, which makes it vectorise over a counter.

The vectorised form works on torch int64 tensors holding the two's-complement image of uint64
values; multiplication and addition wrap mod 2^64 and right shifts are made logical with a mask.
``splitmix64_py`` is the plain-integer reference the tests compare it against.
"""

from __future__ import annotations

import hashlib

import torch

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
U24 = 1 << 24
CHUNK = 1 << 22  # elements per vectorised chunk when filling big tensors


def derive(tag: str, *parts: bytes) -> bytes:
    """SHA-256 over the ASCII tag followed by the raw parts (no separators, no lengths)."""
    h = hashlib.sha256(tag.encode("ascii"))
    for part in parts:
        h.update(part)
    return h.digest()


def key64(digest: bytes) -> int:
    """First 8 bytes of a digest as a big-endian unsigned integer."""
    return int.from_bytes(digest[:8], "big")


def splitmix64_py(key: int, i: int) -> int:
    """Reference SplitMix64: output number i of the stream whose state starts at ``key``."""
    z = (key + (i + 1) * GAMMA) & MASK64
    z = ((z ^ (z >> 30)) * MIX1) & MASK64
    z = ((z ^ (z >> 27)) * MIX2) & MASK64
    return z ^ (z >> 31)


def _signed(u: int) -> int:
    """The int64 two's-complement image of a uint64."""
    return u - (1 << 64) if u >= 1 << 63 else u


_GAMMA_S, _MIX1_S, _MIX2_S = _signed(GAMMA), _signed(MIX1), _signed(MIX2)


def _xor_shr(z: torch.Tensor, s: int) -> torch.Tensor:
    """z ^= z >>> s (logical shift on the uint64 image), in place."""
    return z.bitwise_xor_(z.bitwise_right_shift(s).bitwise_and_((1 << (64 - s)) - 1))


def splitmix64(keys: torch.Tensor, counters: torch.Tensor) -> torch.Tensor:
    """Vectorised SplitMix64 on int64 tensors (broadcast ``keys`` against ``counters``).

    ``keys`` are uint64 values stored as int64 (see ``as_int64``); the result is the uint64 output
    stored the same way.
    """
    z = torch.add(keys, (counters + 1).mul_(_GAMMA_S))
    z = _xor_shr(z, 30).mul_(_MIX1_S)
    z = _xor_shr(z, 27).mul_(_MIX2_S)
    return _xor_shr(z, 31)


def as_int64(values: list[int]) -> torch.Tensor:
    """uint64 Python ints -> int64 tensor of their two's-complement images."""
    return torch.tensor([_signed(v) for v in values], dtype=torch.int64)


def top24(z: torch.Tensor) -> torch.Tensor:
    """The top 24 bits of each uint64 image, as int64 in [0, 2^24)."""
    return z.bitwise_right_shift(40).bitwise_and_(U24 - 1)


def uniform_symmetric(z: torch.Tensor, bound: float) -> torch.Tensor:
    """float32 in (-bound, bound): bound * (2*u + 1 - 2^24) / 2^24 with u = top24(z).

    The odd integer 2u+1-2^24 and its scaling by 2^-24 are exact in float32; the one product with
    ``float32(bound)`` is a correctly rounded IEEE multiplication, so the result is bit-exact.
    """
    odd = top24(z).mul_(2).add_(1 - U24).to(torch.float32).mul_(1.0 / U24)
    return odd.mul_(torch.tensor(bound, dtype=torch.float32))


def fill_uniform(key: int, numel: int, bound: float) -> torch.Tensor:
    """float32 vector of ``numel`` uniform(-bound, bound) values from stream ``key``, in chunks."""
    out = torch.empty(numel, dtype=torch.float32)
    k = torch.tensor(_signed(key), dtype=torch.int64)
    for start in range(0, numel, CHUNK):
        stop = min(start + CHUNK, numel)
        counters = torch.arange(start, stop, dtype=torch.int64)
        out[start:stop] = uniform_symmetric(splitmix64(k, counters), bound)
    return out
