"""The tensor layouts are defined once and every side agrees with them: the genesis blob, the
modules' state dicts, the config field lists of the chain and the CLI; the layout module and the
safetensors reader need neither torch nor numpy respectively."""

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from sprint.inference.v1 import inference_pb2

from genesis.model_layout import CONFIG_FIELDS, ModelConfig, layout_shapes, tensor_layout
from genesis.tiny_lm import TINY_LM, generate_tiny_lm, tiny_lm_config
from worker.inference.model import TinyLM, load_model, load_model_bytes
from worker.inference.weights import WeightsError
from worker.sprint.config import CONFIGS
from worker.sprint.layout import sprint_layout
from worker.sprint.model import SprintTransformer

ROOT = Path(__file__).resolve().parents[3]
OTHER = {"vocab_size": 300, "d_model": 48, "n_layers": 3, "n_heads": 6, "d_ff": 80, "max_seq_len": 20}


def _header(blob: bytes) -> dict:
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    header.pop("__metadata__")
    return header


@pytest.mark.parametrize("config", [tiny_lm_config(), OTHER], ids=["tiny-lm", "other"])
def test_genesis_blob_is_exactly_the_layout_in_order(config):
    header = _header(generate_tiny_lm(7, config))
    by_offset = sorted(header, key=lambda k: header[k]["data_offsets"])
    assert by_offset == [s.name for s in tensor_layout(config)]
    assert {k: tuple(e["shape"]) for k, e in header.items()} == layout_shapes(config)


@pytest.mark.parametrize("config", [tiny_lm_config(), OTHER], ids=["tiny-lm", "other"])
def test_inference_module_state_dict_is_the_layout(config):
    with torch.device("meta"):
        model = TinyLM(ModelConfig.of(config))
    assert {k: tuple(v.shape) for k, v in model.state_dict().items()} == layout_shapes(config)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_sprint_module_state_dict_is_the_sprint_layout(name):
    with torch.device("meta"):
        model = SprintTransformer(CONFIGS[name])
    layout = sprint_layout(CONFIGS[name])
    assert {k: tuple(v.shape) for k, v in model.state_dict().items()} == {t.key: t.shape for t in layout}
    assert len({t.name for t in layout}) == len(layout) == 2 + 4 * CONFIGS[name].n_layers


def test_sprint_layout_names_and_shapes_are_the_documented_ones():
    doc = (ROOT / "docs" / "sprint-pow.md").read_text()
    for tensor in sprint_layout(CONFIGS["test"]):
        generic = tensor.name.replace("layers.0.", "layers.{l}.").replace("layers.1.", "layers.{l}.")
        assert f"| `{generic}` |" in doc, generic
    assert CONFIGS["paper"].n_params() == sum(t.shape[0] * t.shape[1] for t in sprint_layout(CONFIGS["paper"]))


def test_config_fields_are_the_proto_chain_and_cli_fields():
    from abci_app.cli.inference_cmd import CONFIG_FIELDS as cli_fields
    from chain.modules.inference.models import CONFIG_FIELDS as chain_fields

    proto = tuple(f.name for f in inference_pb2.ModelConfig.DESCRIPTOR.fields)
    assert CONFIG_FIELDS == proto == tuple(chain_fields) == tuple(cli_fields)
    assert ModelConfig.of(inference_pb2.ModelConfig(**TINY_LM.as_dict())) == TINY_LM


def test_model_config_refuses_invalid_shapes():
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig.of(dict(tiny_lm_config(), n_heads=5))
    with pytest.raises(ValueError, match="positive"):
        ModelConfig.of(dict(tiny_lm_config(), d_ff=0))


def test_a_blob_of_another_layout_is_refused_with_a_weights_error():
    blob = generate_tiny_lm(5, OTHER)
    with pytest.raises(WeightsError, match="missing|shape"):
        load_model_bytes(tiny_lm_config(), blob)
    tensors = load_model_bytes(OTHER, blob).state_dict()
    with pytest.raises(WeightsError, match="unexpected"):
        load_model(OTHER, dict(tensors, extra=torch.zeros(1)))


def _run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def test_layout_and_genesis_generator_import_neither_torch_nor_the_worker():
    code = ("import sys, genesis.model_layout, genesis.tiny_lm; genesis.tiny_lm.generate_tiny_lm(5); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'numpy', 'worker', 'safetensors'}))")
    assert _run(code) == "[]"


def test_safetensors_reader_works_without_numpy():
    # sys.modules["numpy"] = None makes any numpy import fail, as on a fresh torch install.
    code = ("import sys; sys.modules['numpy'] = None; from genesis.tiny_lm import generate_tiny_lm; "
            "from worker.inference.weights import load_safetensors; "
            "t = load_safetensors(generate_tiny_lm(5)); print(len(t), t['ln_f.bias'].dtype)")
    assert _run(code) == "28 torch.float32"
