"""The exact outer step (docs/diloco.md §4): torch == numpy == pure-Python binary32, bit for bit,
on special values, several contributions, whole tiny-lm blobs, and in another process."""

from __future__ import annotations

import hashlib
import random
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from tests.unit.worker.diloco._outer_refs import outer_numpy, outer_python
from worker.diloco.delta import load_delta
from worker.diloco.fp32 import from_nano
from worker.diloco.outer import outer_step, outer_tensor
from worker.inference.weights import WeightsError, load_safetensors
from worker.training.state import write_safetensors

LR, MOM = 700_000_000, 900_000_000
SPECIALS = [struct.unpack("<f", struct.pack("<f", x))[0]  # rounded to binary32 first
            for x in [0.0, -0.0, 2.0**-149, -(2.0**-149), 3 * 2.0**-149, 2.0**-126, -(2.0**-126) * 1.5,
                      (1 - 2.0**-23) * 2.0**-126, 1e-38, 1.0, -1.0, 1e-3, -7.5e-4, 3.0e30, -2.5e-20, 0.7]]
EXPONENTS = [0, 1, 2, 60, 100, 110, 115, 120, 125, 127, 130, 150]  # biased; 0 = subnormal


def _bits(xs) -> list[int]:
    return [struct.unpack("<I", struct.pack("<f", float(x)))[0] for x in xs]


def _rand_f32(rng: random.Random, n: int) -> list[float]:
    """Random binary32 values over many exponents (incl. subnormals) plus the special values."""
    out = list(SPECIALS)
    while len(out) < n:
        sign, exp, mant = rng.getrandbits(1), rng.choice(EXPONENTS), rng.getrandbits(23)
        out.append(struct.unpack("<f", struct.pack("<I", sign << 31 | exp << 23 | mant))[0])
    rng.shuffle(out)
    return out[:n]


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_three_implementations_agree_bit_for_bit(n):
    rng = random.Random(n)
    size = 512
    theta, m = _rand_f32(rng, size), _rand_f32(rng, size)
    deltas = [_rand_f32(rng, size) for _ in range(n)]
    eta, mu = from_nano(LR), from_nano(MOM)
    py_t, py_m = outer_python(theta, m, deltas, eta, mu)
    np_t, np_m = outer_numpy(*(np.array(x, dtype=np.float32) for x in (theta, m)),
                             [np.array(d, dtype=np.float32) for d in deltas], eta, mu)
    tt, tm = outer_tensor(torch.tensor(theta), torch.tensor(m), [torch.tensor(d) for d in deltas], eta, mu)
    assert _bits(py_t) == _bits(np_t) == _bits(tt.tolist())
    assert _bits(py_m) == _bits(np_m) == _bits(tm.tolist())


def test_negative_zero_and_subnormal_results_are_kept():
    eta, mu = from_nano(LR), from_nano(MOM)
    # -0 deltas: s = -0, g = -(-0 / 1) = +0; m = mu*(-0) + 0 = +0; theta - eta*(+0) keeps -0 theta
    t, m = outer_tensor(torch.tensor([-0.0, 2.0**-149]), torch.tensor([-0.0, 0.0]),
                        [torch.tensor([-0.0, -(2.0**-148)])], eta, mu)
    py_t, py_m = outer_python([-0.0, 2.0**-149], [-0.0, 0.0], [[-0.0, -(2.0**-148)]], eta, mu)
    assert _bits(t.tolist()) == _bits(py_t) and _bits(m.tolist()) == _bits(py_m)
    assert _bits([t[0]]) == _bits([-0.0]) and 0 < float(m[1]) < 2.0**-126  # a subnormal momentum


def _tiny_blobs(setup, n: int, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    theta = load_safetensors(setup.base_weights)
    deltas = [write_safetensors({k: torch.randn(v.shape, generator=gen) * 1e-3 for k, v in theta.items()})
              for _ in range(n)]
    momentum = write_safetensors({k: torch.randn(v.shape, generator=gen) * 1e-4 for k, v in theta.items()})
    return deltas, momentum


def test_whole_model_blobs_match_numpy(setup):
    deltas, momentum = _tiny_blobs(setup, 3)
    theta_next, m_next = outer_step(setup.base_weights, momentum, deltas, LR, MOM)
    theta, mom = load_safetensors(setup.base_weights), load_delta(momentum)
    ds = [load_delta(d) for d in deltas]
    got_t, got_m = load_safetensors(theta_next), load_delta(m_next)
    for k in sorted(theta):
        nt, nm = outer_numpy(theta[k].numpy(), mom[k].numpy(), [d[k].numpy() for d in ds], from_nano(LR),
                             from_nano(MOM))
        assert got_t[k].numpy().tobytes() == nt.tobytes() and got_m[k].numpy().tobytes() == nm.tobytes(), k


def test_zero_momentum_is_the_empty_hash_and_results_are_deterministic(setup):
    deltas, _ = _tiny_blobs(setup, 2)
    zeros = write_safetensors({k: torch.zeros_like(v) for k, v in load_safetensors(setup.base_weights).items()})
    a = outer_step(setup.base_weights, None, deltas, LR, MOM)
    assert a == outer_step(setup.base_weights, b"", deltas, LR, MOM)
    assert a == outer_step(setup.base_weights, zeros, deltas, LR, MOM)
    # rank order matters only through rounding; the same order gives the same bytes
    assert a == outer_step(setup.base_weights, None, list(deltas), LR, MOM)


def test_same_bytes_in_another_process_with_other_threads(setup, tmp_path):
    deltas, momentum = _tiny_blobs(setup, 3)
    blobs = {"theta": setup.base_weights, "m": momentum, **{f"d{i}": d for i, d in enumerate(deltas)}}
    for name, blob in blobs.items():
        (tmp_path / name).write_bytes(blob)
    here = [hashlib.sha256(b).hexdigest() for b in outer_step(setup.base_weights, momentum, deltas, LR, MOM)]
    code = textwrap.dedent(f"""
        import hashlib, pathlib, torch
        torch.set_num_threads(1)
        from worker.diloco.outer import outer_step
        p = pathlib.Path({str(tmp_path)!r})
        out = outer_step((p / "theta").read_bytes(), (p / "m").read_bytes(),
                         [(p / f"d{{i}}").read_bytes() for i in range(3)], {LR}, {MOM})
        print(" ".join(hashlib.sha256(b).hexdigest() for b in out))
    """)
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert there.stdout.split() == here


def test_layout_mismatch_names_the_contribution(setup):
    deltas, _ = _tiny_blobs(setup, 2)
    bad = write_safetensors({"x": torch.zeros(2)})
    with pytest.raises(WeightsError, match="contribution 1"):
        outer_step(setup.base_weights, None, [deltas[0], bad], LR, MOM)
    with pytest.raises(ValueError, match="at least one"):
        outer_step(setup.base_weights, None, [], LR, MOM)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
def test_cuda_gives_the_cpu_bytes(setup):
    deltas, momentum = _tiny_blobs(setup, 3)
    assert outer_step(setup.base_weights, momentum, deltas, LR, MOM, device="cuda") == \
        outer_step(setup.base_weights, momentum, deltas, LR, MOM)
