"""Host.endpoint must be `host:port` (DNS name, IPv4 or [IPv6]; port 1..65535; no scheme, path or
spaces): MsgRegisterHost, MsgUpdateHost and hosts genesis refuse anything else with ErrInvalidRequest
and leave the state unchanged; the blob service dials only endpoints that pass the same rule."""

from __future__ import annotations

import pytest

from chain.errors import ErrInvalidRequest
from chain.modules.hosts import genesis as hosts_genesis
from chain.modules.hosts.endpoint import endpoint_error, is_valid_endpoint
from chain.store.memory import MemoryDB
from tests.helpers.chain import balance, committed_state, make_keys, new_app, run_block, sequence, sign_messages
from tests.helpers.staking import (
    HOSTS_PREFIXES, STAKING_ADDRESS, STAKING_PREFIXES, register_host_msg, staking_state, update_host_msg,
)
from tests.unit.chain.modules.test_hosts import host_json

BAD = ["unix:/x", "http://a:1", "a", "a:0", "a:70000", "a b:1", "x" * 300, "a:1/path", "unix:80",
       "dns:///a:1", "[::1%eth0]:9090", "[::1]", "::1:9090", "1.2.3:4", "256.1.1.1:9", "a:+80", "a:090",
       ":9090", "a.:1", "-a:1", "a:1 ", " a:1", "user@a:1", "a\n:1"]
GOOD = ["127.0.0.1:9090", "node-1.example:9090", "[::1]:9090", "localhost:1", "a:65535",
        "sprint-node0-node:9090", "[2001:db8::7]:443", "10.0.0.255:26657", ""]
ERR_INVALID_REQUEST = ErrInvalidRequest.code
KEYS = make_keys(3)
MIN = 1_000_000


@pytest.mark.parametrize("endpoint", BAD)
def test_bad_endpoints_have_a_reason(endpoint):
    assert not is_valid_endpoint(endpoint) and endpoint_error(endpoint)


@pytest.mark.parametrize("endpoint", GOOD)
def test_good_endpoints_pass(endpoint):
    assert endpoint_error(endpoint) is None


@pytest.mark.parametrize("endpoint", BAD[:8])
def test_genesis_refuses_a_bad_endpoint(endpoint):
    with pytest.raises(ErrInvalidRequest, match="endpoint"):
        hosts_genesis.validate_genesis({"hosts": [host_json(0, endpoint=endpoint)]})


def test_genesis_accepts_the_good_forms():
    hosts = [host_json(i, endpoint=e) for i, e in enumerate(GOOD[:3])]
    assert [h.endpoint for h in hosts_genesis.validate_genesis({"hosts": hosts})] == GOOD[:3]


@pytest.fixture(scope="module")
def app():
    app = new_app(MemoryDB(), staking_state(KEYS, min_collateral=MIN, unbonding_blocks=3))
    run_block(app)
    tx = sign_messages(KEYS[0], [register_host_msg(KEYS[0], 0, endpoint="[::1]:9090")], sequence=0)
    assert run_block(app, [tx]).results[0].code == 0
    return app


def _deliver(app, key, msg):
    tx = sign_messages(key, [msg], sequence=sequence(app, key.address) or 0)
    return run_block(app, [tx]).results[0]


def _state(app):
    return committed_state(app, HOSTS_PREFIXES + STAKING_PREFIXES), balance(app, STAKING_ADDRESS)


@pytest.mark.parametrize("endpoint", BAD[:8])
def test_msgs_with_a_bad_endpoint_fail_with_no_state_change(app, endpoint):
    before = _state(app)
    register = _deliver(app, KEYS[1], register_host_msg(KEYS[1], 1, endpoint=endpoint))
    update = _deliver(app, KEYS[0], update_host_msg(KEYS[0].bech32, endpoint=endpoint, moniker="m"))
    for result, where in ((register, "MsgRegisterHost"), (update, "MsgUpdateHost")):
        assert result.code == ERR_INVALID_REQUEST, result.log
        assert result.log.startswith(f"{where}: endpoint ") and "\n" not in result.log
    assert _state(app) == before


@pytest.mark.parametrize("endpoint", ["127.0.0.1:9090", "node-1.example:9090", "[::1]:9090"])
def test_update_with_a_good_endpoint_is_stored(app, endpoint):
    assert _deliver(app, KEYS[0], update_host_msg(KEYS[0].bech32, endpoint=endpoint, moniker="m")).code == 0
    assert app.keepers.hosts.get_host(app.committed_store(), KEYS[0].address).endpoint == endpoint
