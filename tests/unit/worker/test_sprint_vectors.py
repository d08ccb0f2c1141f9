"""The PoW test vectors of docs/sprint-pow.md §10: the doc, these constants and the code agree."""

import re
from pathlib import Path

import torch

from worker.sprint.config import get_config
from worker.sprint.pow import SprintFunction

DOC = Path(__file__).resolve().parents[3] / "docs" / "sprint-pow.md"
SEED = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
PUBKEY = bytes.fromhex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f")
# nonce -> distance_micro computed in float64 (config "test", threshold 1117456).
VECTORS = {
    0: 1432549, 1: 1434530, 2: 1425680, 3: 1478584, 4: 1334648, 5: 1425402, 6: 1231776, 7: 1469677,
    1312: 1112218, 1505: 1097485, 1551: 1083854, 2541: 1108716,
}
CONFIG = get_config("test")


def doc_vectors() -> tuple[str, str, dict[int, tuple[int, bool]]]:
    text = DOC.read_text().split("## 10. Test vectors", 1)[1]
    seed = re.search(r"sprint seed: `([0-9a-f]{64})`", text).group(1)
    pubkey = re.search(r"host pubkey: `([0-9a-f]{64})`", text).group(1)
    rows = re.findall(r"^\| (\d+) \| (\d+) \| (yes|no) \|$", text, re.MULTILINE)
    return seed, pubkey, {int(n): (int(d), v == "yes") for n, d, v in rows}


def test_doc_prints_the_same_vectors():
    seed, pubkey, rows = doc_vectors()
    assert (seed, pubkey) == (SEED.hex(), PUBKEY.hex())
    assert rows == {n: (d, d < CONFIG.threshold_micro) for n, d in VECTORS.items()}
    assert sum(valid for _, valid in rows.values()) == 4


def test_float64_reproduces_the_vectors_exactly():
    fn = SprintFunction(SEED, CONFIG, dtype=torch.float64)
    assert fn.distances(PUBKEY, list(VECTORS)) == list(VECTORS.values())


def test_float32_is_within_two_micro_with_the_same_decisions():
    got = SprintFunction(SEED, CONFIG).distances(PUBKEY, list(VECTORS))
    for (nonce, want), d in zip(VECTORS.items(), got):
        assert abs(d - want) <= 2, nonce
        assert (d < CONFIG.threshold_micro) == (want < CONFIG.threshold_micro)
