"""hosts module: genesis validation, init/export round trip, store layout, queries, App wiring."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sprint.hosts.v1 import query_pb2
from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_ACTIVE, HOST_STATUS_INACTIVE, Host

from chain.errors import ErrInvalidRequest
from chain.modules import registry
from chain.modules.hosts import genesis as hosts_genesis
from chain.modules.hosts import keys
from chain.modules.hosts.keeper import HostsKeeper
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from chain.tx.crypto import decode_address
from tests.helpers.chain import genesis_state, make_key, make_keys, new_app, run_block


def ed25519_pub(i: int) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"cons-%d" % i).digest())
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def host_json(i: int, weight: int = 10, **overrides) -> dict:
    entry = {
        "operator": make_key(i).bech32,
        "consensus_pubkey": base64.b64encode(ed25519_pub(i)).decode(),
        "worker_pubkey": base64.b64encode(make_key(100 + i).pubkey).decode(),
        "endpoint": f"127.0.0.{i + 1}:9090",
        "moniker": f"node{i}",
        "weight": str(weight),
        "status": "HOST_STATUS_ACTIVE",
    }
    entry.update(overrides)
    return entry


def fresh_store() -> CacheStore:
    return CacheStore(MemoryDB().snapshot())


# ---------------------------------------------------------------- genesis validation


def test_valid_genesis_parses_every_field():
    hosts = hosts_genesis.validate_genesis({"hosts": [host_json(0), host_json(1, weight=7)]})
    assert [h.operator for h in hosts] == [make_key(0).bech32, make_key(1).bech32]
    assert hosts[1].weight == 7 and hosts[0].status == HOST_STATUS_ACTIVE
    assert hosts[0].consensus_pubkey == ed25519_pub(0) and hosts[0].worker_pubkey == make_key(100).pubkey
    assert hosts_genesis.validate_genesis({}) == [] and hosts_genesis.validate_genesis(None) == []


@pytest.mark.parametrize("bad, message", [
    ({"operator": "sprint1notanaddress"}, "operator"),
    ({"operator": make_key(0).bech32.replace("sprint", "cosmos", 1)}, "operator"),
    ({"consensus_pubkey": base64.b64encode(b"\x01" * 31).decode()}, "32-byte ed25519"),
    ({"consensus_pubkey": ""}, "32-byte ed25519"),
    ({"worker_pubkey": base64.b64encode(b"\x05" * 33).decode()}, "secp256k1"),
    ({"worker_pubkey": base64.b64encode(make_key(5).pubkey[:32]).decode()}, "secp256k1"),
    ({"status": "HOST_STATUS_UNSPECIFIED"}, "status must be set"),
    ({"moniker": "m" * 71}, "moniker"),
    ({"endpoint": "e" * 257}, "endpoint"),
    ({"unknown_field": 1}, "hosts genesis"),
    ({"weight": "-3"}, "hosts genesis"),
])
def test_bad_host_fields_are_rejected(bad, message):
    with pytest.raises(ErrInvalidRequest, match=message):
        hosts_genesis.validate_genesis({"hosts": [host_json(0, **bad)]})


def test_weight_zero_host_is_valid_but_not_a_genesis_validator():
    """A host registered by MsgRegisterHost has weight 0 until the Sprint: export must re-import."""
    hosts = hosts_genesis.validate_genesis({"hosts": [host_json(0, weight="0"), host_json(1, weight=3)]})
    assert hosts[0].weight == 0
    assert hosts_genesis.genesis_validators(hosts) == [(ed25519_pub(1), 3)]


def test_duplicate_worker_key_is_rejected():
    same = host_json(0)["worker_pubkey"]
    with pytest.raises(ErrInvalidRequest, match="worker_pubkey is also used by hosts\\[0\\]"):
        hosts_genesis.validate_genesis({"hosts": [host_json(0), host_json(1, worker_pubkey=same)]})


def test_duplicate_operator_and_consensus_key_are_rejected():
    with pytest.raises(ErrInvalidRequest, match="operator .* is also hosts\\[0\\]"):
        hosts_genesis.validate_genesis({"hosts": [host_json(0), host_json(1, operator=make_key(0).bech32)]})
    same_key = host_json(0)["consensus_pubkey"]
    with pytest.raises(ErrInvalidRequest, match="consensus_pubkey is also used by hosts\\[0\\]"):
        hosts_genesis.validate_genesis({"hosts": [host_json(0), host_json(1, consensus_pubkey=same_key)]})


def test_total_weight_is_bounded_by_cometbft_limit():
    half = hosts_genesis.MAX_TOTAL_WEIGHT // 2 + 1
    with pytest.raises(ErrInvalidRequest, match="total active weight"):
        hosts_genesis.validate_genesis({"hosts": [host_json(0, weight=half), host_json(1, weight=half)]})
    # inactive hosts hold no voting power
    hosts_genesis.validate_genesis({"hosts": [host_json(0, weight=half),
                                              host_json(1, weight=half, status="HOST_STATUS_INACTIVE")]})


# ---------------------------------------------------------------- init / export / keeper


def test_init_writes_prefix_0x20_and_consensus_index():
    store = fresh_store()
    keeper = HostsKeeper()
    hosts_genesis.init_genesis(store, keeper, {"hosts": [host_json(1), host_json(0)]})
    writes = dict(store.sorted_writes())
    operator0 = decode_address(make_key(0).bech32)
    assert keys.HOST_PREFIX + operator0 in writes
    assert len(keys.HOST_PREFIX + operator0) == 21
    cons = hashlib.sha256(ed25519_pub(0)).digest()[:20]
    assert writes[keys.CONS_ADDR_PREFIX + cons] == operator0
    assert set(k[:1] for k in writes) == {b"\x20", b"\x21", b"\x22"}
    assert keeper.host_by_consensus_address(store, cons).moniker == "node0"
    # iteration is by operator address bytes, whatever the genesis order
    operators = [op for op, _ in keeper.iterate_hosts(store)]
    assert operators == sorted(operators)
    assert keeper.active_weight(store) == 20


def test_export_init_round_trip():
    store = fresh_store()
    keeper = HostsKeeper()
    state = {"hosts": [host_json(2, weight=3), host_json(0), host_json(1, status="HOST_STATUS_INACTIVE")]}
    hosts_genesis.init_genesis(store, keeper, state)
    exported = hosts_genesis.export_genesis(store, keeper)
    assert json.loads(json.dumps(exported)) == exported  # JSON-serialisable as is
    again = fresh_store()
    hosts_genesis.init_genesis(again, keeper, exported)
    assert again.sorted_writes() == store.sorted_writes()
    assert hosts_genesis.export_genesis(again, keeper) == exported
    assert {h["moniker"] for h in exported["hosts"]} == {"node0", "node1", "node2"}
    assert keeper.active_weight(store) == 13


def test_changing_consensus_key_moves_the_index():
    store = fresh_store()
    keeper = HostsKeeper()
    hosts_genesis.init_genesis(store, keeper, {"hosts": [host_json(0)]})
    host = keeper.get_host(store, decode_address(make_key(0).bech32))
    host.consensus_pubkey = ed25519_pub(9)
    keeper.set_host(store, host)
    assert keeper.operator_by_consensus_address(store, keys.consensus_address(ed25519_pub(0))) is None
    assert keeper.host_by_consensus_address(store, keys.consensus_address(ed25519_pub(9))).moniker == "node0"


def test_validators_must_match_active_hosts_weights():
    hosts = hosts_genesis.validate_genesis({"hosts": [
        host_json(0, weight=5), host_json(1, weight=7), host_json(2, status="HOST_STATUS_INACTIVE")]})
    validators = hosts_genesis.genesis_validators(hosts)
    assert validators == [(ed25519_pub(0), 5), (ed25519_pub(1), 7)]
    hosts_genesis.check_validators(hosts, list(reversed(validators)))
    with pytest.raises(ErrInvalidRequest, match="do not match"):
        hosts_genesis.check_validators(hosts, [(ed25519_pub(0), 5), (ed25519_pub(1), 8)])
    with pytest.raises(ErrInvalidRequest, match="do not match"):
        hosts_genesis.check_validators(hosts, validators + [(ed25519_pub(2), 1)])


# ---------------------------------------------------------------- App wiring and queries


def _query(app, path, request):
    return app.query(abci.RequestQuery(path=path, data=request.SerializeToString()))


def test_app_init_chain_loads_hosts_and_serves_queries():
    app_state = genesis_state(make_keys(2))
    app_state["hosts"] = {"hosts": [host_json(0), host_json(1, weight=4)]}
    app = new_app(MemoryDB(), app_state)
    run_block(app)

    resp = _query(app, "/sprint.hosts.v1.Query/Hosts", query_pb2.QueryHostsRequest())
    assert resp.code == 0
    listed = query_pb2.QueryHostsResponse.FromString(resp.value).hosts
    assert sorted((h.moniker, h.weight) for h in listed) == [("node0", 10), ("node1", 4)]

    resp = _query(app, "/sprint.hosts.v1.Query/Host", query_pb2.QueryHostRequest(operator=make_key(1).bech32))
    assert resp.code == 0
    assert query_pb2.QueryHostResponse.FromString(resp.value).host.moniker == "node1"

    missing = _query(app, "/sprint.hosts.v1.Query/Host", query_pb2.QueryHostRequest(operator=make_key(3).bech32))
    assert missing.code == 38 and "not found" in missing.log
    bad = _query(app, "/sprint.hosts.v1.Query/Host", query_pb2.QueryHostRequest(operator="nope"))
    assert bad.code == 18

    exported = app.export_genesis()
    assert [h["moniker"] for h in exported["hosts"]["hosts"]] == \
        [h.moniker for h in sorted(listed, key=lambda h: decode_address(h.operator))]


def test_hosts_genesis_changes_the_app_hash_and_empty_hosts_do_not():
    base = genesis_state(make_keys(2))
    plain = new_app(MemoryDB(), base).app_hash
    empty = new_app(MemoryDB(), dict(base, hosts={"hosts": []})).app_hash
    with_hosts = new_app(MemoryDB(), dict(base, hosts={"hosts": [host_json(0)]})).app_hash
    assert plain == empty != with_hosts


def test_bad_hosts_genesis_fails_init_chain():
    app_state = genesis_state(make_keys(1))
    app_state["hosts"] = {"hosts": [host_json(0, consensus_pubkey="")]}
    with pytest.raises(ErrInvalidRequest, match="32-byte ed25519"):
        new_app(MemoryDB(), app_state)


def test_registry_registers_hosts():
    assert "/sprint.hosts.v1.Query/Hosts" in registry.build_query_router().paths()
    assert registry.default_app_state()["hosts"] == {"hosts": []}
    assert isinstance(registry.build_keepers().hosts, HostsKeeper)
    assert HOST_STATUS_INACTIVE == 2 and isinstance(Host(), Host)


def test_init_chain_requires_validators_equal_to_hosts():
    """With hosts in genesis, CometBFT's validators must be exactly the active hosts, power = weight."""
    from tendermint.crypto.keys_pb2 import PublicKey

    from chain.app import App
    from tests.helpers.chain import init_app

    app_state = genesis_state(make_keys(2))
    app_state["hosts"] = {"hosts": [host_json(0), host_json(1, weight=4)]}
    wrong_power = [abci.ValidatorUpdate(pub_key=PublicKey(ed25519=ed25519_pub(0)), power=10),
                   abci.ValidatorUpdate(pub_key=PublicKey(ed25519=ed25519_pub(1)), power=5)]
    with pytest.raises(ErrInvalidRequest, match="do not match"):
        init_app(App(MemoryDB(), sync_writes=False), app_state, validators=wrong_power)
    missing_one = wrong_power[:1]
    with pytest.raises(ErrInvalidRequest):
        init_app(App(MemoryDB(), sync_writes=False), app_state, validators=missing_one)
    right = [abci.ValidatorUpdate(pub_key=PublicKey(ed25519=ed25519_pub(1)), power=4), wrong_power[0]]
    init_app(App(MemoryDB(), sync_writes=False), app_state, validators=right)  # order does not matter
