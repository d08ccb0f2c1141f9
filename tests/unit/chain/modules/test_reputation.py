"""reputation module: fixed-point formulas (ilog2, validation probability, scheduling score: docs/protocol.md §4-5),
keeper updates (jobs, fraud, duties, epochs, request volume), genesis and queries."""

from __future__ import annotations

import pytest
from sprint.reputation.v1 import query_pb2
from sprint.reputation.v1.reputation_pb2 import HostReputation

from chain.context import BlockInfo, Context
from chain.errors import ErrInvalidRequest
from chain.gas import GasMeter
from chain.modules import registry
from chain.modules.reputation import formulas, keys
from chain.modules.reputation import genesis as reputation_genesis
from chain.modules.reputation.params import default_params, validate_params
from chain.query import QueryError
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from tests.helpers.chain import make_keys
from tests.helpers.staking import staking_state
from tests.unit.chain.modules.test_hosts import host_json

KEYS = make_keys(4)
A, B, C = (k.address for k in KEYS[:3])
PPM = 10**6


def setup(reputation: dict | None = None, hosts: int = 0, bonds: dict | None = None):
    store = CacheStore(MemoryDB().snapshot())
    keepers = registry.build_keepers()
    app_state = staking_state(KEYS, bonds=bonds)
    if hosts:
        app_state["hosts"] = {"hosts": [host_json(i, weight=0) for i in range(hosts)]}
    if reputation is not None:
        app_state["reputation"] = reputation
    registry.init_genesis(store, keepers, app_state)
    return store, keepers


def ctx_at(store, height: int = 1) -> Context:
    return Context(store, BlockInfo(height, 0, 0, "t"), GasMeter(None))


# ---------------------------------------------------------------- formulas


@pytest.mark.parametrize("x", [1, 2, 3, 4, 5, 7, 10, 255, 1000, 65535, 65536, 10**6 + 3, 12345678901, 2**63 - 1,
                               2**64, 3**50])
def test_ilog2_fixed_is_the_floor_of_log2_times_65536(x):
    # exact reference: floor(65536 x log2 x) = floor(log2(x^65536)) = bit_length(x^65536) - 1
    exact = (x ** 65536).bit_length() - 1
    assert formulas.ilog2_fixed(x) in (exact, exact - 1)  # 64-bit mantissa: at most one below
    assert formulas.ilog2_fixed(x) >> 16 == x.bit_length() - 1


def test_ilog2_fixed_exact_points_and_bad_input():
    assert [formulas.ilog2_fixed(2**k) for k in (0, 1, 10, 100)] == [0, 65536, 655360, 6553600]
    assert formulas.ilog2_fixed(3) == 103872  # floor(1.5849625 * 65536)
    with pytest.raises(ValueError):
        formulas.ilog2_fixed(0)


@pytest.mark.parametrize("volume, expected", [
    (0, PPM), (100, PPM), (101, PPM - 990_000 * 1 // 9_900), (5_050, 505_000), (9_999, 10_100),
    (10_000, 10_000), (10**9, 10_000),
])
def test_min_validation_ppm_falls_linearly_with_volume(volume, expected):
    assert formulas.min_validation_ppm(default_params(), volume) == expected


@pytest.mark.parametrize("honest, volume, expected", [
    (0, 50_000, PPM),  # no reputation: every job checked
    (15, 50_000, PPM - 990_000 * 15 // 30),  # half way
    (30, 50_000, 10_000),  # full reputation, high volume: 1%
    (500, 50_000, 10_000),  # capped at N
    (30, 10, PPM),  # low volume: always checked
    (29, 5_050, PPM - 495_000 * 29 // 30),
])
def test_validation_ppm_falls_from_one_to_the_volume_minimum(honest, volume, expected):
    assert formulas.validation_ppm(default_params(), honest, volume) == expected


def test_validation_ppm_with_zero_full_epochs_is_the_minimum():
    params = default_params()
    params.full_reputation_epochs = 0
    assert formulas.validation_ppm(params, 0, 50_000) == 10_000


def test_ema_and_score_round_down():
    assert formulas.ema(1_000_000, 0, 200_000) == 800_000
    assert formulas.ema(3, 4, 333_333) == 3  # (333333*4 + 666667*3) // 10^6 = 3.333
    params = default_params()
    # 0.5 * 0.9 + 0.25 * 1/3 + 0.25 * 2/3 (each term floor-divided)
    assert formulas.score_ppm(params, 900_000, 1, 3, 2, 3) == 450_000 + 83_333 + 166_666
    assert formulas.score_ppm(params, 900_000, 0, 0, 0, 0) == 450_000  # empty totals: terms are 0


# ---------------------------------------------------------------- params


def test_default_params_are_valid_and_stored():
    validate_params(default_params())
    store, keepers = setup()
    assert keepers.reputation.get_params(store) == default_params()
    assert store.get(keys.PARAMS_KEY) == default_params().SerializeToString()


@pytest.mark.parametrize("field, value, message", [
    ("min_validation_ppm", PPM + 1, "min_validation_ppm"),
    ("low_volume", 10_000, "low_volume"),
    ("success_alpha_ppm", PPM + 1, "success_alpha_ppm"),
    ("expired_rating_ppm", PPM + 1, "expired_rating_ppm"),
    ("stake_weight_ppm", 1, "sum"),
    ("inactivity_epochs", 0, "inactivity_epochs"),
])
def test_bad_params_are_rejected(field, value, message):
    params = default_params()
    setattr(params, field, value)
    with pytest.raises(ErrInvalidRequest, match=message):
        validate_params(params)


# ---------------------------------------------------------------- keeper


def test_request_volume_is_the_max_of_previous_and_current_epoch():
    store, keepers = setup()
    rep = keepers.reputation
    for _ in range(3):
        rep.record_request(store, 4)
    rep.record_request(store, 5)
    assert (rep.requests(store, 4), rep.requests(store, 5)) == (3, 1)
    assert (rep.volume(store, 4), rep.volume(store, 5), rep.volume(store, 6), rep.volume(store, 7)) == (3, 3, 1, 0)
    assert rep.volume(store, 0) == 0
    assert store.get(keys.requests_key(4)) == (3).to_bytes(8, "big")


def test_record_job_first_rating_then_ema_and_counters():
    store, keepers = setup()
    rep = keepers.reputation
    rep.record_job(store, A, 2, 500_000, 0)  # expired first: sets the EMA, no work value
    got = rep.get(store, A)
    assert (got.success_rate_ppm, got.work_value_ema, got.jobs_completed, got.jobs_expired,
            got.last_active_epoch) == (500_000, 0, 0, 1, 2)
    rep.record_job(store, A, 3, PPM, 1_000)  # completed: EMA 0.2*1 + 0.8*0.5; first work value sets it
    got = rep.get(store, A)
    assert (got.success_rate_ppm, got.work_value_ema, got.jobs_completed) == (600_000, 1_000, 1)
    rep.record_job(store, A, 1, PPM, 2_000)  # an older epoch does not move last_active back
    got = rep.get(store, A)
    assert (got.success_rate_ppm, got.work_value_ema, got.last_active_epoch) == (680_000, 1_200, 3)
    assert got.host == KEYS[0].bech32 and not got.has_record and got.validation_ppm == 0  # derived not stored


def test_record_fraud_resets_reputation_and_emits():
    store, keepers = setup()
    rep = keepers.reputation
    rep.record_job(store, A, 1, PPM, 10)
    ctx = ctx_at(store)
    rep.end_epoch(ctx, 1, [A], [])
    rep.end_epoch(ctx, 2, [A], [])
    assert rep.get(store, A).honest_epochs == 2
    rep.record_fraud(ctx, A)
    got = rep.get(store, A)
    assert (got.honest_epochs, got.success_rate_ppm, got.frauds) == (0, 800_000, 1)
    assert [dict(e.attributes) for e in ctx.events if e.type == "reputation_reset"] == \
        [{"host": KEYS[0].bech32, "frauds": "1", "success_rate_ppm": "800000"}]
    rep.record_fraud(ctx, B)  # no record yet: created with r = 0
    assert (rep.get(store, B).frauds, rep.get(store, B).success_rate_ppm) == (1, 0)


def test_record_duties_accumulates():
    store, keepers = setup()
    rep = keepers.reputation
    rep.record_duties(store, A, 0, 0)
    assert rep.get(store, A) is None  # nothing to record
    rep.record_duties(store, A, 3, 1)
    rep.record_duties(store, A, 2, 0)
    assert (rep.get(store, A).duties_done, rep.get(store, A).duties_missed) == (5, 1)


def test_end_epoch_counts_honest_epochs_skips_caught_and_expires_inactive():
    store, keepers = setup(reputation={"params": {"inactivity_epochs": "2"}})
    rep = keepers.reputation
    ctx = ctx_at(store)
    rep.end_epoch(ctx, 1, [B, A, A], [])
    rep.end_epoch(ctx, 2, [A, B], [B])
    assert (rep.get(store, A).honest_epochs, rep.get(store, B).honest_epochs) == (2, 0)
    rep.record_job(store, C, 2, PPM, 5)
    rep.end_epoch(ctx, 4, [A], [])  # B last active at 2: 4 - 2 = 2, kept
    assert rep.get(store, B) is not None
    rep.end_epoch(ctx, 5, [A], [])  # 5 - 2 > 2: B and C deleted
    assert (rep.get(store, B), rep.get(store, C)) == (None, None) and rep.get(store, A).honest_epochs == 4
    expired = [dict(e.attributes)["host"] for e in ctx.events if e.type == "reputation_expired"]
    assert sorted(expired) == sorted([KEYS[1].bech32, KEYS[2].bech32])
    assert [dict(e.attributes) for e in ctx.events if e.type == "reputation_epoch"][-1] == \
        {"epoch": "5", "active": "1", "caught": "0", "expired": "2"}


def test_validation_ppm_uses_honest_epochs_and_volume():
    store, keepers = setup(reputation={"params": {"full_reputation_epochs": "4", "low_volume": "1",
                                                  "high_volume": "3", "min_validation_ppm": 100_000}})
    rep = keepers.reputation
    assert rep.validation_ppm(store, A, 0) == PPM  # no record
    ctx = ctx_at(store)
    for epoch in range(2):
        rep.end_epoch(ctx, epoch, [A], [])
    assert rep.validation_ppm(store, A, 0) == PPM  # volume 0 <= low: always checked
    for _ in range(3):
        rep.record_request(store, 0)
    assert rep.validation_ppm(store, A, 0) == PPM - 900_000 * 2 // 4
    assert rep.validation_ppm(store, A, 1) == PPM - 900_000 * 2 // 4  # previous epoch's volume counts
    assert rep.validation_ppm(store, A, 2) == PPM  # volume gone


def test_score_combines_success_log_work_and_stake_share():
    store, keepers = setup(hosts=3, bonds={KEYS[0].bech32: 3_000, KEYS[1].bech32: 1_000})
    rep = keepers.reputation
    rep.record_job(store, A, 0, PPM, 1)  # L = log2(2) = 65536
    rep.record_job(store, B, 0, 500_000, 0, completed=True)  # L = log2(1) = 0, success 0.5
    rep.record_job(store, B, 0, PPM, 3)  # success 0.6, work EMA 0.2*3 = 0 (floor) -> stays 0
    assert rep.get(store, B).work_value_ema == 0
    score_a = 500_000 + 250_000 * 65536 // 65536 + 250_000 * 3_000 // 4_000
    score_b = 500_000 * 600_000 // PPM + 0 + 250_000 * 1_000 // 4_000
    assert rep.score_ppm(store, A) == score_a == 937_500
    assert rep.score_ppm(store, B) == score_b == 362_500
    assert rep.score_ppm(store, C) == 0  # no record, no bond
    assert rep.scores(store) == {A: score_a, B: score_b, C: 0}
    view = rep.view(store, C, 0)
    assert (view.has_record, view.host, view.validation_ppm, view.score_ppm) == (False, KEYS[2].bech32, PPM, 0)
    assert rep.view(store, A, 0).has_record


def test_level_feeds_staking():
    store, keepers = setup(reputation={"params": {"full_reputation_epochs": "7"}})
    assert keepers.reputation.level(store, A) == (0, 7)
    keepers.reputation.end_epoch(ctx_at(store), 0, [A], [])
    assert keepers.reputation.level(store, A) == (1, 7)


# ---------------------------------------------------------------- genesis


def test_genesis_round_trip():
    record = {"host": KEYS[1].bech32, "honest_epochs": "3", "last_active_epoch": "9", "success_rate_ppm": 950000,
              "work_value_ema": "1234", "jobs_completed": "10", "jobs_expired": "1", "frauds": "1",
              "duties_done": "4", "duties_missed": "2"}
    state = {"params": {"full_reputation_epochs": "6"}, "hosts": [record]}
    store, keepers = setup(reputation=state)
    exported = reputation_genesis.export_genesis(store, keepers.reputation)
    assert exported["hosts"] == [record] and exported["params"]["full_reputation_epochs"] == "6"
    again, keepers2 = setup(reputation=exported)
    assert reputation_genesis.export_genesis(again, keepers2.reputation) == exported
    ignored = dict(record, validation_ppm=5, score_ppm=6, has_record=True)  # derived: not stored
    third, keepers3 = setup(reputation={"hosts": [ignored]})
    assert keepers3.reputation.get(third, B) == HostReputation(**{**record, "honest_epochs": 3,
                                                                  "last_active_epoch": 9, "work_value_ema": 1234,
                                                                  "jobs_completed": 10, "jobs_expired": 1,
                                                                  "frauds": 1, "duties_done": 4, "duties_missed": 2})


@pytest.mark.parametrize("state, message", [
    ({"hosts": [{"host": "sprint1bad"}]}, "hosts\\[0\\]: host"),
    ({"hosts": [{"host": KEYS[0].bech32}, {"host": KEYS[0].bech32}]}, "also hosts\\[0\\]"),
    ({"hosts": [{"host": KEYS[0].bech32, "success_rate_ppm": PPM + 1}]}, "success_rate_ppm"),
    ({"params": {"success_weight_ppm": 1}}, "sum"),
    ({"nope": 1}, "reputation genesis"),
])
def test_bad_genesis_is_rejected(state, message):
    with pytest.raises(ErrInvalidRequest, match=message):
        reputation_genesis.validate_genesis(state)


def test_registry_exports_and_defaults_include_reputation():
    store, keepers = setup()
    assert "reputation" in registry.export_genesis(store, keepers)
    assert registry.default_app_state()["reputation"] == reputation_genesis.default_genesis()


# ---------------------------------------------------------------- queries


def test_queries():
    store, keepers = setup(hosts=2, bonds={KEYS[0].bech32: 1_000})
    keepers.reputation.record_job(store, A, 0, PPM, 100)
    router = registry.build_query_router()

    def ask(method, request, response):
        return response.FromString(router.query_bytes("/sprint.reputation.v1.Query/" + method,
                                                      request.SerializeToString(), store, keepers))

    assert ask("Params", query_pb2.QueryParamsRequest(), query_pb2.QueryParamsResponse).params == default_params()
    got = ask("Host", query_pb2.QueryHostRequest(host=KEYS[0].bech32), query_pb2.QueryHostResponse)
    assert (got.reputation.has_record, got.reputation.jobs_completed, got.reputation.validation_ppm,
            got.volume) == (True, 1, PPM, 0)
    assert got.reputation.score_ppm == keepers.reputation.score_ppm(store, A) == 500_000 + 250_000 + 250_000
    none = ask("Host", query_pb2.QueryHostRequest(host=KEYS[1].bech32), query_pb2.QueryHostResponse)
    assert (none.reputation.has_record, none.reputation.host, none.reputation.score_ppm) == \
        (False, KEYS[1].bech32, 0)
    listed = ask("Hosts", query_pb2.QueryHostsRequest(), query_pb2.QueryHostsResponse)
    assert sorted(h.host for h in listed.hosts) == sorted([KEYS[0].bech32, KEYS[1].bech32])
    with pytest.raises(QueryError, match="not a registered host"):
        router.query_bytes("/sprint.reputation.v1.Query/Host",
                           query_pb2.QueryHostRequest(host=KEYS[3].bech32).SerializeToString(), store, keepers)
    with pytest.raises(QueryError, match="invalid"):
        router.query_bytes("/sprint.reputation.v1.Query/Host",
                           query_pb2.QueryHostRequest(host="nope").SerializeToString(), store, keepers)
