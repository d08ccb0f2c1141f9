"""gRPC hardening pieces without a server: message truncation, stream caps, peer parsing,
GrpcLimits validation and the caps' app.toml round trip."""

from __future__ import annotations

import pytest

from abci_app.grpc.limits import GrpcLimits
from abci_app.grpc.stream_limits import StreamLimiter, peer_host
from abci_app.node_config import NodeConfig, NodeConfigError
from chain.query import MAX_MESSAGE_CHARS, QueryError, invalid_argument, truncate_message


def test_truncate_keeps_short_messages_and_cuts_long_ones_keeping_head_and_tail():
    assert truncate_message("short") == "short"
    exact = "x" * MAX_MESSAGE_CHARS
    assert truncate_message(exact) == exact
    long = "invalid address '" + "q" * 100_000 + "': bad checksum"
    cut = truncate_message(long)
    assert len(cut) == MAX_MESSAGE_CHARS and "…" in cut
    assert cut.startswith("invalid address 'qqq") and cut.endswith("': bad checksum")
    assert len(truncate_message("y" * 50, limit=20)) == 20


def test_query_error_message_is_bounded():
    err = invalid_argument("bad " + "z" * 10_000)
    assert isinstance(err, QueryError) and len(err.message) <= MAX_MESSAGE_CHARS
    assert str(err) == err.message


@pytest.mark.parametrize("peer, host", [
    ("ipv4:127.0.0.1:5555", "127.0.0.1"),
    ("ipv6:[::1]:5555", "::1"),
    ("ipv6:[2001:db8::7]:80", "2001:db8::7"),
    ("unix:/tmp/sock", "unix:/tmp/sock"),
    ("", "unknown"),
])
def test_peer_host(peer, host):
    assert peer_host(peer) == host


def test_stream_limiter_caps_per_client_and_total_and_releases():
    limiter = StreamLimiter(per_client=2, total=3)
    assert limiter.acquire("a") is None and limiter.acquire("a") is None
    assert "2 per client" in limiter.acquire("a")
    assert limiter.acquire("b") is None
    assert "on this node (3)" in limiter.acquire("c")
    limiter.release("a")
    assert limiter.open_streams == 2
    assert limiter.acquire("c") is None
    limiter.release("unknown-client")  # never acquired: no effect
    assert limiter.open_streams == 3


@pytest.mark.parametrize("kwargs, fragment", [
    ({"worker_threads": 0}, "grpc_worker_threads must be a positive integer"),
    ({"max_streams_total": "9"}, "grpc_max_streams_total must be a positive integer"),
    ({"max_concurrent_rpcs": 100, "max_streams_total": 100}, "must exceed grpc_max_streams_total"),
])
def test_grpc_limits_reject_bad_values(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        GrpcLimits(**kwargs)


def test_grpc_caps_round_trip_through_app_toml(tmp_path):
    NodeConfig(grpc_max_streams_per_client=7, grpc_max_concurrent_simulations=3).save(tmp_path)
    text = (tmp_path / "config" / "app.toml").read_text()
    assert "grpc_max_streams_per_client = 7\n" in text
    limits = NodeConfig.load(tmp_path).grpc_limits()
    assert limits.max_streams_per_client == 7 and limits.max_concurrent_simulations == 3
    assert limits.max_streams_total == GrpcLimits().max_streams_total


def test_bad_grpc_cap_in_app_toml_is_a_clear_error(tmp_path):
    NodeConfig().save(tmp_path)
    path = tmp_path / "config" / "app.toml"
    path.write_text(path.read_text().replace("grpc_max_streams_total = 1024", "grpc_max_streams_total = -1"))
    with pytest.raises(NodeConfigError, match="grpc_max_streams_total must be a positive integer"):
        NodeConfig.load(tmp_path)
