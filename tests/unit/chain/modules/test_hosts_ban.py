"""hosts bans: HostsKeeper.ban (status BANNED, banned_until, event, the 0x23 expiry queue), unbanning
in end_block (ACTIVE with min_collateral, else INACTIVE), genesis with banned hosts, and the ban
seen by the registry's end_block order."""

from __future__ import annotations

import pytest
from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_ACTIVE, HOST_STATUS_BANNED, HOST_STATUS_INACTIVE

from chain.context import BlockInfo, Context
from chain.errors import ErrInvalidRequest
from chain.gas import GasMeter
from chain.modules import registry
from chain.modules.hosts import genesis as hosts_genesis
from chain.modules.hosts import keys
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from tests.helpers.chain import make_key, make_keys
from tests.helpers.staking import staking_state
from tests.unit.chain.modules.test_hosts import host_json

KEYS = make_keys(3)
MIN = 1_000_000


def setup(hosts=None, bonds=None):
    """Two active hosts (operators make_key(0), make_key(1)); host 0 bonded with min_collateral."""
    store = CacheStore(MemoryDB().snapshot())
    keepers = registry.build_keepers()
    state = staking_state(KEYS, bonds={make_key(0).bech32: MIN} if bonds is None else bonds, min_collateral=MIN)
    state["hosts"] = {"hosts": hosts if hosts is not None else [host_json(0, weight=0), host_json(1, weight=0)]}
    registry.init_genesis(store, keepers, state)
    return store, keepers


def ctx_at(store, height: int) -> Context:
    return Context(store, BlockInfo(height, 0, 0, "t"), GasMeter(None))


def op(i: int) -> bytes:
    return make_key(i).address


def test_ban_sets_status_until_and_queue_and_emits():
    store, keepers = setup()
    ctx = ctx_at(store, 10)
    host = keepers.hosts.ban(ctx, op(0), 60, "inference fraud")
    assert (host.status, host.banned_until) == (HOST_STATUS_BANNED, 60)
    stored = keepers.hosts.get_host(store, op(0))
    assert (stored.status, stored.banned_until) == (HOST_STATUS_BANNED, 60)
    assert store.get(keys.ban_key(60, op(0))) == b"\x01"
    assert [dict(e.attributes) for e in ctx.events] == [
        {"host": make_key(0).bech32, "banned_until": "60", "reason": "inference fraud"}]


def test_a_longer_ban_extends_a_shorter_one_is_ignored_and_unknown_hosts_are_none():
    store, keepers = setup()
    keepers.hosts.ban(ctx_at(store, 1), op(0), 60, "fraud")
    ctx = ctx_at(store, 2)
    keepers.hosts.ban(ctx, op(0), 40, "again")  # shorter: kept at 60, no event
    assert keepers.hosts.get_host(store, op(0)).banned_until == 60 and ctx.events == []
    keepers.hosts.ban(ctx, op(0), 90, "again")
    assert keepers.hosts.get_host(store, op(0)).banned_until == 90
    assert [key for key, _ in store.iterate(keys.BAN_QUEUE_PREFIX)] == [keys.ban_key(90, op(0))]
    assert keepers.hosts.ban(ctx, op(2), 90, "not a host") is None


def test_end_block_lifts_bans_at_banned_until():
    store, keepers = setup()
    keepers.hosts.ban(ctx_at(store, 1), op(0), 5, "fraud")  # bonded MIN: back to ACTIVE
    keepers.hosts.ban(ctx_at(store, 1), op(1), 5, "fraud")  # not bonded: INACTIVE
    keepers.hosts.end_block(ctx_at(store, 4), keepers.staking)
    assert keepers.hosts.get_host(store, op(0)).status == HOST_STATUS_BANNED
    ctx = ctx_at(store, 5)
    keepers.hosts.end_block(ctx, keepers.staking)
    first, second = keepers.hosts.get_host(store, op(0)), keepers.hosts.get_host(store, op(1))
    assert (first.status, first.banned_until, second.status, second.banned_until) == \
        (HOST_STATUS_ACTIVE, 0, HOST_STATUS_INACTIVE, 0)
    assert list(store.iterate(keys.BAN_QUEUE_PREFIX)) == []
    unbanned = {dict(e.attributes)["host"]: dict(e.attributes)["status"] for e in ctx.events}
    assert unbanned == {make_key(0).bech32: "HOST_STATUS_ACTIVE", make_key(1).bech32: "HOST_STATUS_INACTIVE"}


def test_genesis_with_a_banned_host_restores_the_queue_and_round_trips():
    banned = host_json(0, weight=0, status="HOST_STATUS_BANNED", banned_until="77")
    store, keepers = setup(hosts=[banned, host_json(1, weight=0)])
    assert store.get(keys.ban_key(77, op(0))) == b"\x01"
    exported = hosts_genesis.export_genesis(store, keepers.hosts)
    assert exported["hosts"][[h["operator"] for h in exported["hosts"]].index(make_key(0).bech32)]["banned_until"] \
        == "77"
    again, keepers2 = setup(hosts=exported["hosts"])
    assert hosts_genesis.export_genesis(again, keepers2.hosts) == exported
    keepers2.hosts.end_block(ctx_at(again, 77), keepers2.staking)
    assert keepers2.hosts.get_host(again, op(0)).status == HOST_STATUS_ACTIVE


@pytest.mark.parametrize("overrides", [{"banned_until": "5"}, {"status": "HOST_STATUS_BANNED", "banned_until": "-1"}])
def test_banned_until_needs_a_banned_status(overrides):
    with pytest.raises(ErrInvalidRequest, match="banned_until must be 0 unless the status is HOST_STATUS_BANNED"):
        hosts_genesis.validate_genesis({"hosts": [host_json(0, **overrides)]})


def test_a_permanent_ban_without_until_is_never_lifted():
    store, keepers = setup(hosts=[host_json(0, weight=0, status="HOST_STATUS_BANNED")])
    assert list(store.iterate(keys.BAN_QUEUE_PREFIX)) == []
    keepers.hosts.end_block(ctx_at(store, 10**6), keepers.staking)
    assert keepers.hosts.get_host(store, op(0)).status == HOST_STATUS_BANNED
    ctx = ctx_at(store, 1)
    keepers.hosts.ban(ctx, op(0), 50, "fraud")  # already banned for good: unchanged
    assert keepers.hosts.get_host(store, op(0)).banned_until == 0 and ctx.events == []
