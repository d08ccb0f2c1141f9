"""Exact state bytes (docs/training.md §4): the weights blob and the optimizer blob of a state.

Both are safetensors written here byte for byte (no library-version dependence): 8-byte little-endian
header length, a compact JSON header with sorted keys and no ``__metadata__``, padded with spaces to
a multiple of 8, then the raw little-endian tensor bytes in sorted-name order.

* weights: every tensor of the model's layout (genesis/model_layout.py), F32 -- loadable by the
  inference loader as is;
* optimizer: ``exp_avg.<name>`` and ``exp_avg_sq.<name>`` (F32, the parameter's shape) and ``step``
  (I64, shape [1]).

``load_state`` rebuilds a ``torch.optim.AdamW(foreach=False)`` whose next step is bit-identical to an
uninterrupted run (its per-parameter state is exactly what torch's lazy init and steps produce).
The state hash is the sha256 of a blob's bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import sys

import torch
from safetensors.torch import load as st_load

from genesis.model_layout import ModelConfig
from worker.inference.model import TinyLM, check_layout
from worker.inference.weights import WeightsError, load_safetensors
from worker.training.hyper import Hyper

_DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.bfloat16: "BF16"}  # BF16: DiLoCo bf16 exchange
EMPTY_OPTIM_SHA256 = ""  # the fresh optimizer's hash as written on chain (§4)


def sha256_hex(blob: bytes) -> str:
    """Lower-case hex sha256 of a state blob (the state hash)."""
    return hashlib.sha256(blob).hexdigest()


def _raw(t: torch.Tensor) -> bytes:
    data = t.detach().to("cpu").contiguous().view(torch.uint8).numpy().tobytes()
    if sys.byteorder != "little" and t.element_size() > 1:
        raise RuntimeError("state blobs are little-endian; big-endian hosts are not supported")
    return data


def write_safetensors(tensors: dict[str, torch.Tensor]) -> bytes:
    """Deterministic safetensors bytes of F32/I64 (or BF16) ``tensors`` (sorted names, no metadata)."""
    header, raws, pos = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        if t.dtype not in _DTYPES:
            raise ValueError(f"tensor {name}: dtype {t.dtype} is not F32, I64 or BF16")
        raw = _raw(t)
        assert len(raw) == t.element_size() * math.prod(t.shape)
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [pos, pos + len(raw)]}
        raws.append(raw)
        pos += len(raw)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(raws)


def weights_bytes(model: torch.nn.Module) -> bytes:
    """The weights blob of ``model`` (its state dict in float32)."""
    return write_safetensors({k: v.float() for k, v in model.state_dict().items()})


def optim_bytes(model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> bytes:
    """The optimizer blob: moments per parameter name and the optimizer step count."""
    tensors, steps = {}, set()
    for name, p in model.named_parameters():
        st = optimizer.state.get(p) or {}
        if st:
            steps.add(int(st["step"].item()))
        tensors["exp_avg." + name] = st["exp_avg"].float() if st else torch.zeros_like(p, dtype=torch.float32)
        tensors["exp_avg_sq." + name] = st["exp_avg_sq"].float() if st else torch.zeros_like(p, dtype=torch.float32)
    if len(steps) > 1:
        raise RuntimeError(f"parameters are at different optimizer steps {sorted(steps)}")
    tensors["step"] = torch.tensor([steps.pop() if steps else 0], dtype=torch.int64)
    return write_safetensors(tensors)


def build_model(config, tensors: dict[str, torch.Tensor], device="cpu") -> TinyLM:
    """A trainable TinyLM holding ``tensors`` (float32, exactly the layout) on ``device``."""
    cfg = ModelConfig.of(config)
    check_layout(cfg, tensors)
    with torch.device("meta"):
        model = TinyLM(cfg)
    model.load_state_dict({k: v.to(device=device, dtype=torch.float32) for k, v in tensors.items()},
                          strict=True, assign=True)
    return model.requires_grad_(True).train()


def make_optimizer(model: torch.nn.Module, hyper) -> torch.optim.AdamW:
    """The job's AdamW (constant lr, foreach=False: the per-parameter loop both sides run)."""
    h = Hyper.of(hyper)
    return torch.optim.AdamW(model.parameters(), lr=h.lr, betas=(h.beta1, h.beta2), eps=h.eps,
                             weight_decay=h.weight_decay, foreach=False)


def _read_optim(data: bytes, model: torch.nn.Module) -> tuple[dict[str, torch.Tensor], int]:
    try:
        tensors = st_load(bytes(data))
    except Exception as err:  # noqa: BLE001 - the library raises several types for a bad blob
        raise WeightsError(f"optimizer blob is not valid safetensors ({err})") from None
    want = {"step"} | {f"{m}.{n}" for n, _ in model.named_parameters() for m in ("exp_avg", "exp_avg_sq")}
    if set(tensors) != want:
        raise WeightsError(f"optimizer blob names do not match the model: "
                           f"missing {sorted(want - set(tensors))[:4]}, unexpected {sorted(set(tensors) - want)[:4]}")
    step = tensors.pop("step")
    if step.dtype != torch.int64 or tuple(step.shape) != (1,) or int(step[0]) < 0:
        raise WeightsError("optimizer blob: 'step' must be one non-negative I64")
    return tensors, int(step[0])


def _restore_optimizer(model, optimizer, data: bytes) -> None:
    """Fill ``optimizer.state`` exactly as torch's AdamW keeps it (step: a float32 scalar tensor)."""
    tensors, step = _read_optim(data, model)
    for name, p in model.named_parameters():
        moments = [tensors[f"{m}.{name}"] for m in ("exp_avg", "exp_avg_sq")]
        if any(m.dtype != torch.float32 or m.shape != p.shape for m in moments):
            raise WeightsError(f"optimizer blob: moments of {name} are not F32 of shape {tuple(p.shape)}")
        optimizer.state[p] = {"step": torch.tensor(float(step), dtype=torch.float32),
                              "exp_avg": moments[0].to(p.device), "exp_avg_sq": moments[1].to(p.device)}


def load_state(config, weights: bytes, optim: bytes | None, hyper, device="cpu"):
    """(model, optimizer) at a state; ``optim`` None or b"" is the fresh optimizer (zero moments, step 0).

    WeightsError (a ValueError) for a blob that is not a well-formed state of this model.
    """
    model = build_model(config, load_safetensors(weights), device)
    optimizer = make_optimizer(model, hyper)
    if optim:
        _restore_optimizer(model, optimizer, optim)
    return model, optimizer


def fresh_state(config, base_weights: bytes, hyper, device="cpu"):
    """(model, optimizer) at the start of interval 0: the base weights and a fresh AdamW."""
    return load_state(config, base_weights, None, hyper, device)
