"""Query latency measurement shared by the in-process and devnet gRPC hardening tests."""

from __future__ import annotations

import time

import cosmpy.protos  # noqa: F401
from cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmos.bank.v1beta1 import query_pb2_grpc as bank_grpc


def balance_latencies(channel, address: str, count: int, deadline: float) -> list[float]:
    """Seconds each of `count` Balance queries took (each must answer within `deadline` or it raises)."""
    stub = bank_grpc.QueryStub(channel)
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        stub.Balance(bank_q.QueryBalanceRequest(address=address, denom="usprint"), timeout=deadline)
        latencies.append(time.perf_counter() - start)
    return latencies


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, (99 * len(ordered)) // 100)]
