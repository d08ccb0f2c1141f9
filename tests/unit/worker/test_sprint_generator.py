"""The Sprint generator and seed derivations against known values (docs/sprint-pow.md §3-4)."""

import math
import random

import torch

from worker.sprint.config import get_config
from worker.sprint.generator import MASK64, as_int64, fill_uniform, splitmix64, splitmix64_py, uniform_symmetric
from worker.sprint.inputs import input_keys, input_seed, permutations, target_vector, tokens
from worker.sprint.model import init_weight

SEED = bytes(range(32))
PUBKEY = bytes(range(32, 64))
TEST = get_config("test")


def test_splitmix64_reference_matches_the_published_stream_for_seed_zero():
    # SplitMix64 seeded with 0 (Vigna's splitmix64.c): first three outputs.
    assert [splitmix64_py(0, i) for i in range(3)] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


def test_vectorised_splitmix64_equals_the_reference_bit_for_bit():
    rng = random.Random(7)
    keys = [rng.getrandbits(64) for _ in range(40)] + [0, MASK64, 1 << 63]
    out = splitmix64(as_int64(keys)[:, None], torch.arange(64)[None, :])
    for row, key in enumerate(keys):
        assert [v & MASK64 for v in out[row].tolist()] == [splitmix64_py(key, i) for i in range(64)]


def test_uniform_symmetric_is_the_exact_dyadic_value():
    z = as_int64([0, MASK64, 0x8000000000000000, 0x123456789ABCDEF0])
    got = uniform_symmetric(z, 1.0).tolist()
    top = [0, (1 << 24) - 1, 1 << 23, 0x123456]
    assert got == [(2 * u + 1 - (1 << 24)) / (1 << 24) for u in top]


def test_fill_uniform_is_chunk_independent_and_bounded():
    a = fill_uniform(12345, 1000, 0.5)
    assert torch.equal(a[100:200], fill_uniform(12345, 1000, 0.5)[100:200])
    assert a.abs().max().item() < 0.5 and a.dtype == torch.float32


def test_input_seed_known_value():
    assert input_seed(SEED, PUBKEY, 0).hex() == "a384c8687d68c64e2a11bff05fda9894c59faea1efc3e3cb91014a8e9cb39af6"


def test_tokens_and_permutation_known_values():
    tok_keys, perm_keys = input_keys(SEED, PUBKEY, [0, 1, 2])
    assert tokens(tok_keys, TEST.seq_len, TEST.vocab).tolist() == [[11, 148, 164, 50], [88, 10, 240, 86], [228, 144, 8, 242]]
    perms = permutations(perm_keys, TEST.d_model)
    assert perms[0, :8].tolist() == [17, 22, 21, 4, 57, 40, 58, 45]
    assert all(sorted(row) == list(range(TEST.d_model)) for row in perms.tolist())


def test_target_is_zero_mean_unit_and_known():
    t = target_vector(SEED, TEST.d_model)
    assert [x.hex() for x in t[:3].tolist()] == ["0x1.86bff970b6b4dp-3", "0x1.66854084f8018p-3", "0x1.29075113a989fp-3"]
    assert abs(t.sum().item()) < 1e-12 and math.isclose(t.norm().item(), 1.0, rel_tol=1e-15)


def test_weights_known_values():
    emb = init_weight(SEED, "tok_emb", (TEST.vocab, TEST.d_model), 1.0).flatten()[:3].tolist()
    assert [x.hex() for x in emb] == ["0x1.eeadb00000000p-4", "-0x1.74e1ca0000000p-1", "0x1.0832c80000000p-3"]
    down = init_weight(SEED, "layers.1.ffn.down", (64, 128), math.sqrt(3 / 128)).flatten()[:3].tolist()
    assert [x.hex() for x in down] == ["0x1.5a5bd00000000p-4", "-0x1.d27d880000000p-5", "0x1.10ba460000000p-3"]
