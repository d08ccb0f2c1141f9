"""The exact outer step of docs/diloco.md §4 (the reference implementation).

IEEE-754 binary32, round-to-nearest-even, one rounding per listed operation, no fused multiply-add,
elementwise over every tensor of the layout, in this order (D_1..D_n in ascending rank order,
eta = float32(outer_lr_nano / 10^9), mu = float32(outer_momentum_nano / 10^9), n32 = float32(n)):

1. s = D_1; for i = 2..n: s = s + D_i
2. g = -(s / n32)
3. b = mu * m_u;  m_{u+1} = b + g
4. c = mu * m_{u+1};  v = g + c          (Nesterov)
5. w = eta * v;  theta_{u+1} = theta_u - w

Each step is one torch elementwise kernel on fp32 tensors (separate ops never fuse). Every scalar is
a full tensor of the operand's shape: CUDA divides by a *CPU scalar* as a multiplication by its
reciprocal (one more rounding), which a tensor divisor avoids. Tests check these bytes against numpy
and a pure-Python struct-based binary32 reference (tests/unit/worker/diloco/test_outer.py).
"""

from __future__ import annotations

import torch

from worker.diloco.delta import load_delta
from worker.diloco.fp32 import from_nano
from worker.inference.weights import WeightsError, load_safetensors
from worker.training.state import write_safetensors


def _full(like: torch.Tensor, value: float) -> torch.Tensor:
    return torch.full_like(like, value, dtype=torch.float32)


def outer_tensor(theta: torch.Tensor, m: torch.Tensor, deltas: list[torch.Tensor], eta: float, mu: float):
    """(theta_next, m_next) of one tensor by the five steps above (fp32 tensors on one device)."""
    s = deltas[0].clone()
    for d in deltas[1:]:
        s = torch.add(s, d)
    g = torch.neg(torch.div(s, _full(s, float(len(deltas)))))
    mu_t = _full(m, mu)
    m_next = torch.add(torch.mul(mu_t, m), g)
    v = torch.add(g, torch.mul(mu_t, m_next))
    theta_next = torch.sub(theta, torch.mul(_full(v, eta), v))
    return theta_next, m_next


def outer_step_tensors(theta: dict, momentum: dict | None, deltas: list[dict], eta: float, mu: float,
                       device="cpu") -> tuple[dict, dict]:
    """The outer step on {name: fp32 tensor} dicts (momentum None = zeros); results on the CPU."""
    if not deltas:
        raise ValueError("the outer step needs at least one contribution")
    theta_out, m_out = {}, {}
    for k in sorted(theta):
        t = theta[k].to(device)
        m = momentum[k].to(device) if momentum is not None else torch.zeros_like(t)
        theta_out[k], m_out[k] = (x.cpu() for x in outer_tensor(t, m, [d[k].to(device) for d in deltas], eta, mu))
    return theta_out, m_out


def outer_step(theta_u: bytes, momentum_u: bytes | None, deltas: list[bytes], outer_lr_nano: int,
               outer_momentum_nano: int, device="cpu") -> tuple[bytes, bytes]:
    """(theta_{u+1}, m_{u+1}) blobs from theta_u, the momentum blob (None or b"" = zeros) and the round's
    F32 Delta blobs in ascending rank order. WeightsError when a blob does not fit theta_u's layout."""
    theta = load_safetensors(theta_u)
    momentum = load_delta(momentum_u, theta) if momentum_u else None
    ds = []
    for i, d in enumerate(deltas):
        try:
            ds.append(load_delta(d, theta))
        except WeightsError as err:
            raise WeightsError(f"contribution {i} (rank order): {err}") from None
    theta_next, m_next = outer_step_tensors(theta, momentum, ds, from_nano(outer_lr_nano),
                                            from_nano(outer_momentum_nano), device)
    return write_safetensors(theta_next), write_safetensors(m_next)
