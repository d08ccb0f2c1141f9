"""Two independent implementations of docs/diloco.md §4 to check worker/diloco/outer.py against:
numpy float32 arrays, and pure Python where every operation is one binary32 rounding via struct
(exact for +, -, *, / of binary32 operands: a double holds >= 2p+2 bits, so rounding the double
result to binary32 gives the correctly rounded binary32 result, subnormals included)."""

from __future__ import annotations

import struct

import numpy as np


def f32(x: float) -> float:
    """Round a double to binary32 (round-to-nearest-even, subnormals kept)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def outer_python(theta: list[float], m: list[float], deltas: list[list[float]], eta: float, mu: float):
    """(theta_next, m_next) element by element, one f32 rounding per operation."""
    n32 = f32(float(len(deltas)))
    theta_next, m_next = [], []
    for i, t in enumerate(theta):
        s = deltas[0][i]
        for d in deltas[1:]:
            s = f32(s + d[i])
        g = -f32(s / n32)
        mn = f32(f32(mu * m[i]) + g)
        v = f32(g + f32(mu * mn))
        theta_next.append(f32(t - f32(eta * v)))
        m_next.append(mn)
    return theta_next, m_next


def outer_numpy(theta: np.ndarray, m: np.ndarray, deltas: list[np.ndarray], eta: float, mu: float):
    """(theta_next, m_next) with numpy float32 ufuncs (one rounding each, no FMA)."""
    eta32, mu32, n32 = np.float32(eta), np.float32(mu), np.float32(len(deltas))
    s = deltas[0].copy()
    for d in deltas[1:]:
        s = np.add(s, d)
    g = np.negative(np.divide(s, n32))
    m_next = np.add(np.multiply(mu32, m), g)
    v = np.add(g, np.multiply(mu32, m_next))
    return np.subtract(theta, np.multiply(eta32, v)), m_next
