"""The seeded sampler of docs/inference.md §3: u_t, greedy, top-k, temperature, cdf intervals."""

import hashlib

import pytest
import torch

from sprint.inference.v1.inference_pb2 import SamplingParams
from worker.inference import sampler

torch.set_num_threads(1)
SEED = bytes(range(32))


def test_u_t_is_the_first_8_hash_bytes_over_2_pow_64():
    d = hashlib.sha256(b"sprint/inference/u/v1" + SEED + (3).to_bytes(8, "big")).digest()
    assert sampler.uniform(SEED, 3) == int.from_bytes(d[:8], "big") / 2**64
    us = [sampler.uniform(SEED, t) for t in range(200)]
    assert all(0 <= u < 1 for u in us) and len(set(us)) == 200 and 0.4 < sum(us) / 200 < 0.6


def test_greedy_is_argmax_with_lowest_id_on_ties():
    row = torch.tensor([0.0, 3.0, 1.0, 3.0])
    assert sampler.pick(row, 0, SEED, SamplingParams(temperature_milli=0)) == 1
    assert sampler.exclusion_margin(row, 2, SamplingParams(temperature_milli=0)) == 2.0


def test_top_k_keeps_the_largest_with_lower_ids_winning_ties():
    row = torch.tensor([1.0, 5.0, 2.0, 5.0, 2.0, 0.0])
    assert sampler.kept_tokens(row, 3).tolist() == [1, 2, 3]
    assert sampler.kept_tokens(row, 0).tolist() == list(range(6))
    sp = SamplingParams(temperature_milli=1000, top_k=3)
    assert sampler.cdf_interval(row, 4, sp) is None and sampler.exclusion_margin(row, 4, sp) == 0.0
    assert sampler.exclusion_margin(row, 0, sp) == 1.0


def test_pick_is_deterministic_and_lies_in_its_cdf_interval():
    gen = torch.Generator().manual_seed(0)
    for temp, k in [(1000, 0), (700, 8), (1500, 40), (1, 0)]:
        sp = SamplingParams(temperature_milli=temp, top_k=k)
        for t in range(30):
            row = torch.randn(256, generator=gen) * 3
            tok = sampler.pick(row, t, SEED, sp)
            assert tok == sampler.pick(row.clone(), t, SEED, sp)
            lo, hi = sampler.cdf_interval(row, tok, sp)
            assert lo <= sampler.uniform(SEED, t) < hi


def test_sampled_frequencies_follow_the_tempered_distribution():
    row = torch.log(torch.tensor([0.5, 0.3, 0.2]))
    sp = SamplingParams(temperature_milli=1000)
    counts = torch.bincount(torch.tensor([sampler.pick(row, t, SEED, sp) for t in range(3000)]), minlength=3)
    assert torch.allclose(counts / 3000.0, torch.tensor([0.5, 0.3, 0.2]), atol=0.04)
    cold = SamplingParams(temperature_milli=100)
    assert sum(sampler.pick(row, t, SEED, cold) == 0 for t in range(300)) > 290


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_pick_does_not_depend_on_the_logits_dtype_or_device_tensor_type(dtype):
    row = torch.randn(256, generator=torch.Generator().manual_seed(1)).to(dtype)
    sp = SamplingParams(temperature_milli=1000, top_k=20)
    assert sampler.pick(row, 5, SEED, sp) == sampler.pick(row.double(), 5, SEED, sp)
