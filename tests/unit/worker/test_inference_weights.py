"""Genesis tiny-lm weights (pure-Python generator, hand-written safetensors) and the safe reader."""

import json
import math
import struct

import pytest
import torch

from genesis.tiny_lm import generate_tiny_lm, genesis_model, tensor_specs, tensor_values, tiny_lm_config, weights_sha256, write_safetensors
from worker.inference.model import expected_shapes, load_model
from worker.inference.weights import WeightsError, load_safetensors

torch.set_num_threads(1)
GENESIS_SHA256 = "b7aa08b9a87949cc49678a299d3b6be3c0231a42030afae1c22aac10a3aa98aa"


@pytest.fixture(scope="module")
def blob() -> bytes:
    return generate_tiny_lm(5)


def test_tiny_lm_bytes_are_deterministic_and_the_hash_is_pinned(blob):
    again = generate_tiny_lm(5)
    # Generating is linear in the parameter count (every devnet/testnet init does it): bound the work
    # itself, not the wall clock of a shared machine.
    params = sum(math.prod(shape) for _, shape, *_ in tensor_specs(tiny_lm_config()))
    assert params <= 150_000 and len(again) <= 8 + 64 * 1024 + 4 * params
    assert again == blob and weights_sha256(again) == GENESIS_SHA256
    assert genesis_model()["weights_sha256"] == GENESIS_SHA256
    assert weights_sha256(generate_tiny_lm(6)) != GENESIS_SHA256


def test_header_is_sorted_aligned_f32_and_tiles_the_data(blob):
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    assert n % 8 == 0 and header.pop("__metadata__")["init_seed"] == "5"
    assert list(header) == sorted(header)
    assert all(e["dtype"] == "F32" for e in header.values())
    assert sum(e["data_offsets"][1] - e["data_offsets"][0] for e in header.values()) == len(blob) - 8 - n
    assert 120_000 < (len(blob) - 8 - n) // 4 < 140_000


def test_reader_round_trips_the_generated_values(blob):
    tensors = load_safetensors(blob)
    assert {k: tuple(v.shape) for k, v in tensors.items()} == expected_shapes(tiny_lm_config())
    name, shape, offset, scale = tensor_specs(tiny_lm_config())[0]
    want = torch.tensor(list(tensor_values(5, name, shape[0] * (shape[1] if len(shape) > 1 else 1), offset, scale)))
    assert torch.equal(tensors[name].reshape(-1), want)
    emb = tensors["tok_emb.weight"]
    assert emb.dtype == torch.float32 and 0.6 < float(emb.abs().max()) < 0.7
    assert torch.allclose(tensors["ln_f.weight"].mean(), torch.tensor(1.0), atol=0.05)


def test_writer_and_reader_round_trip_arbitrary_tensors():
    a, b = torch.arange(6, dtype=torch.float32).reshape(2, 3), torch.tensor([-1.5])
    def raw(t):  # float32 little-endian, without numpy (a fresh torch install may lack it)
        return struct.pack(f"<{t.numel()}f", *t.flatten().tolist())

    data = write_safetensors([("b", (1,), raw(b)), ("a", (2, 3), raw(a))], {})
    got = load_safetensors(data)
    assert torch.equal(got["a"], a) and torch.equal(got["b"], b)


def _blob(header: dict, data: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


GOOD = {"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x01\x02", "shorter"),
        (struct.pack("<Q", 10**9) + b"{}", "out of range"),
        (struct.pack("<Q", 4) + b"nope", "JSON"),
        (_blob([1, 2], b""), "not a JSON object"),
        (_blob({"x": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}, bytes(4)), "not F32"),
        (_blob({"x": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}, bytes(8)), "shape"),
        (_blob({"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, bytes(8)), "do not match"),
        (_blob({"x": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}, bytes(8)), "data_offsets"),
        (_blob({"x": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, bytes(12)), "hole or overlap"),
        (_blob(GOOD, bytes(4)), "data section"),
        (_blob(GOOD, bytes(12)), "data section"),
        (_blob({"x": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}, bytes(8)), "not F32"),
    ],
)
def test_reader_rejects_malformed_blobs(data, message):
    with pytest.raises(WeightsError, match=message):
        load_safetensors(data)


def test_reader_accepts_the_good_blob():
    got = load_safetensors(_blob(GOOD, bytes(8)))
    assert list(got) == ["x"] and got["x"].shape == (2,) and torch.equal(got["x"], torch.zeros(2))


def test_unknown_entry_keys_are_ignored_like_the_reference_reader():
    # The safetensors library ignores keys it does not know (nothing is ever unpickled); such a
    # blob still has to match the model's layout to be loaded.
    blob = _blob({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8], "pickle": 1}}, bytes(8))
    assert list(load_safetensors(blob)) == ["x"]
    with pytest.raises(WeightsError, match="missing"):
        load_model(tiny_lm_config(), load_safetensors(blob))


def test_load_model_rejects_missing_or_misshaped_tensors(blob):
    tensors = load_safetensors(blob)
    cfg = tiny_lm_config()
    with pytest.raises(ValueError, match="missing"):
        load_model(cfg, {k: v for k, v in tensors.items() if k != "ln_f.bias"})
    with pytest.raises(ValueError, match="shape"):
        load_model(cfg, dict(tensors, **{"ln_f.bias": torch.zeros(3)}))
    with pytest.raises(ValueError, match="invalid model config"):
        load_model(dict(cfg, n_heads=5), tensors)
