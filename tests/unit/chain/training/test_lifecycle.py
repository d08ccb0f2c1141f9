"""training lifecycle units on real keepers over a memory store (no App): params validation, the
keeper's indexes (status, host, submitter, deadline, output-name reservation), maintenance windows,
genesis validation and round trip, a training grant paid by a module account (submit_from_module) and
refunded to it, and re-assignment from the longest PASSED prefix."""

from __future__ import annotations

import pytest
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_COMMITTED, SEGMENT_STATUS_PASSED, SEGMENT_STATUS_VOIDED, TRAINING_JOB_STATUS_COMPLETED,
    TRAINING_JOB_STATUS_FAILED, TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING,
    TRAINING_JOB_STATUS_VERIFYING, Hyperparams, Maintenance, Segment, TrainingJob,
)
from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJob

from chain.context import BlockInfo, Context
from chain.errors import ErrInsufficientFee, ErrInvalidRequest
from chain.gas import GasMeter
from chain.invariants import check_supply
from chain.modules import registry
from chain.modules.bank.keys import module_address
from chain.modules.rewards.expected_keepers import SettlementSources
from chain.modules.training import abci, faults, genesis, msg_server
from chain.modules.training.expected_keepers import TrainingDeps
from chain.modules.training.keeper import TrainingKeeper, live_segments, next_segment_index
from chain.modules.training.params import default_params, validate_params
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from chain.tx.crypto import encode_address
from tests.helpers.chain import DENOM, make_key
from tests.helpers.inference import inference_state

GRANTS = "training_fund"
A, B = make_key(1), make_key(2)


def job(job_id: int, status: int = TRAINING_JOB_STATUS_QUEUED, host: str = "", deadline: int = 0,
        output: str = "out") -> TrainingJob:
    return TrainingJob(id=job_id, submitter=A.bech32, status=status, host=host, segment_deadline=deadline,
                       output_model=output)


# --- params ---------------------------------------------------------------------------------------


def test_default_params_are_valid():
    validate_params(default_params())


@pytest.mark.parametrize("field,value,words", [
    ("segment_blocks", 0, "segment_blocks must be >= 1"),
    ("bounty_bps", 10_001, "bounty_bps must be <= 10000"),
    ("default_sample_ppm", 5_000, "min_sample_ppm <= default_sample_ppm"),
    ("max_committee_size", 65, "max_committee_size <= 64"),
    ("intervals_per_segment", 2_000, "intervals_per_segment must be <= max_intervals"),
    ("fault_success_drop_ppm", 1_000_001, "fault_success_drop_ppm must be <= 1000000"),
    ("fraud_tau_milli", 0, "fraud_tau_milli must be within"),
    ("fee_denom", "", "fee_denom must not be empty"),
])
def test_out_of_range_params_are_refused(field, value, words):
    params = default_params()
    setattr(params, field, value)
    with pytest.raises(ErrInvalidRequest, match=words):
        validate_params(params)


# --- keeper indexes -------------------------------------------------------------------------------


def test_set_job_keeps_every_index_in_step():
    store, keeper = CacheStore(MemoryDB().snapshot()), TrainingKeeper()
    keeper.set_job(store, job(1, deadline=30))
    keeper.set_job(store, job(2, TRAINING_JOB_STATUS_TRAINING, B.bech32, deadline=20, output="other"))
    assert keeper.jobs_by_status(store, TRAINING_JOB_STATUS_QUEUED) == [1]
    assert keeper.due_jobs(store, 25) == [2] and keeper.due_jobs(store, 30) == [2, 1]
    assert keeper.active_job_ids(store) == [2] and keeper.jobs_by_host(store, B.address) == [2]
    assert keeper.output_reserved_by(store, "out") == 1
    keeper.set_job(store, job(2, TRAINING_JOB_STATUS_VERIFYING, B.bech32, output="other"))
    assert keeper.due_jobs(store, 100) == [1] and keeper.active_job_ids(store) == [2]
    keeper.set_job(store, job(1, TRAINING_JOB_STATUS_FAILED))
    keeper.set_job(store, job(2, TRAINING_JOB_STATUS_COMPLETED, B.bech32, output="other"))
    assert keeper.output_reserved_by(store, "out") is None and keeper.output_reserved_by(store, "other") is None
    assert keeper.due_jobs(store, 100) == [] and keeper.active_job_ids(store) == []
    assert [j.id for j in keeper.iterate_jobs(store, submitter=A.address)] == [1, 2]
    assert [j.id for j in keeper.iterate_jobs(store, host=B.address, status=TRAINING_JOB_STATUS_COMPLETED)] == [2]
    assert [j.id for j in keeper.iterate_jobs(store, start_after=1)] == [2]
    assert keeper.count_status(store, TRAINING_JOB_STATUS_FAILED, 10) == 1


def test_maintenance_windows_count_per_epoch_and_are_pruned_after_their_end():
    store, keeper = CacheStore(MemoryDB().snapshot()), TrainingKeeper()
    keeper.add_maintenance(store, A.address, Maintenance(host=A.bech32, start_height=10, end_height=12), 3)
    keeper.add_maintenance(store, A.address, Maintenance(host=A.bech32, start_height=20, end_height=20), 3)
    assert keeper.maintenance_count(store, A.address, 3) == 2 and keeper.maintenance_count(store, A.address, 4) == 0
    assert [keeper.in_maintenance(store, A.address, h) for h in (9, 10, 12, 13, 20)] == [False, True, True, False, True]
    keeper.prune_maintenance(store, 13)
    assert [(w.start_height, w.end_height) for w in keeper.maintenance_windows(store)] == [(20, 20)]
    assert not keeper.in_maintenance(store, B.address, 20)


# --- genesis --------------------------------------------------------------------------------------


@pytest.mark.parametrize("state,words", [
    ({"nope": 1}, "unknown field 'nope'"),
    ({"params": {"segment_blocks": "0"}}, "segment_blocks must be >= 1"),
    ({"jobs": [{"id": "1", "submitter": A.bech32}, {"id": "1", "submitter": A.bech32}]}, "zero or listed twice"),
    ({"jobs": [{"id": "5", "submitter": A.bech32}], "next_job_id": "3"}, "is not below next_job_id 3"),
    ({"maintenance": [{"host": A.bech32, "start_height": "9", "end_height": "2"}]}, "ends before it starts"),
    ({"unavailable": [{"host": "x", "count": 1}]}, "is not a valid address"),
])
def test_bad_genesis_is_refused(state, words):
    with pytest.raises(ErrInvalidRequest, match=words):
        genesis.validate_genesis(state)


def test_genesis_round_trips():
    store, keeper = CacheStore(MemoryDB().snapshot()), TrainingKeeper()
    state = {"jobs": [{"id": "4", "submitter": A.bech32, "status": "TRAINING_JOB_STATUS_QUEUED",
                       "segment_deadline": "9", "output_model": "m"}],
             "maintenance": [{"host": B.bech32, "start_height": "5", "end_height": "6"}],
             "unavailable": [{"host": B.bech32, "count": 2}]}
    genesis.init_genesis(store, keeper, state)
    exported = genesis.export_genesis(store, keeper)
    assert exported["next_job_id"] == "5" and keeper.due_jobs(store, 9) == [4]
    assert keeper.unavailable(store, B.address) == 2 and keeper.output_reserved_by(store, "m") == 4
    again = CacheStore(MemoryDB().snapshot())
    genesis.init_genesis(again, keeper, exported)
    assert genesis.export_genesis(again, keeper) == exported


# --- grants and re-assignment ---------------------------------------------------------------------


class Chain:
    """Real keepers over one store: 4 hosts, tiny-lm, a funded "training_fund" module account."""

    def __init__(self):
        app_state, self.hosts, _, self.users = inference_state(4)
        app_state["bank"]["balances"].append({"address": encode_address(module_address(GRANTS)),
                                              "coins": [{"denom": DENOM, "amount": "500000"}]})
        self.store = CacheStore(MemoryDB().snapshot())
        keepers = registry.build_keepers()
        registry.init_genesis(self.store, keepers, app_state)
        self.bank = keepers.bank
        self.deps = TrainingDeps(training=keepers.training, bank=keepers.bank, hosts=keepers.hosts,
                                 staking=keepers.staking, sprint=keepers.sprint, reputation=keepers.reputation,
                                 rewards=keepers.rewards, inference=keepers.inference)

    def ctx(self, height: int) -> Context:
        return Context(self.store, BlockInfo(height=height, time_seconds=0, time_nanos=0, chain_id="t",
                                             hash=b"\x07" * 32), GasMeter(None))

    def balance(self, module: str) -> int:
        return self.bank.balance(self.store, module_address(module), DENOM)


def grant_msg(submitter: str, budget: int, output: str = "granted") -> MsgSubmitTrainingJob:
    hyper = Hyperparams(lr_nano=1000, eps_nano=10, batch_size=4, seq_len=32, total_steps=40, checkpoint_interval=2)
    return MsgSubmitTrainingJob(submitter=submitter, base_model="tiny-lm", dataset_sha256="ab" * 32,
                                dataset_size=10_000, hyper=hyper, output_model=output, budget=budget)


def test_a_grant_is_paid_by_its_module_and_refunded_to_it():
    chain = Chain()
    ctx = chain.ctx(5)
    job_id = msg_server.submit_from_module(ctx, chain.deps, grant_msg(chain.users[0].bech32, 100_000), GRANTS)
    granted = chain.deps.training.get_job(chain.store, job_id)
    assert granted.payer_module == GRANTS and granted.submitter == chain.users[0].bech32
    assert chain.balance(GRANTS) == 400_000 and chain.balance("training") == 100_000
    assert faults.escrow_violation(chain.deps, chain.store) is None
    chain.bank.mint_to_module(ctx, "training", [(DENOM, 5)])
    assert faults.escrow_violation(chain.deps, chain.store) == \
        "training escrow holds 100005usprint, open jobs have 100000usprint left"
    chain.bank.burn_from_module(ctx, "training", [(DENOM, 5)])
    with pytest.raises(ErrInsufficientFee, match="below the job's cost 350usprint"):
        msg_server.submit_from_module(ctx, chain.deps, grant_msg(chain.users[0].bech32, 349, "other"), GRANTS)
    faults.fail(ctx, chain.deps, granted, "test")
    assert chain.balance(GRANTS) == 500_000 and chain.balance("training") == 0
    assert chain.deps.training.get_job(chain.store, job_id).status == TRAINING_JOB_STATUS_FAILED
    check_supply(chain.store, chain.bank)


def seg(index: int, status: int, first: int) -> Segment:
    return Segment(index=index, status=status, first_interval=first, interval_count=5, host=A.bech32,
                   end_weights_sha256=f"{index:064x}", end_optim_sha256=f"{index + 100:064x}")


def test_reassign_resumes_after_the_longest_passed_prefix_and_voids_the_rest():
    chain = Chain()
    host = chain.hosts[1]
    running = TrainingJob(id=1, submitter=A.bech32, base_model="tiny-lm", status=TRAINING_JOB_STATUS_TRAINING,
                          host=host.bech32, collateral=77, intervals=20, segments=4, intervals_per_segment=5,
                          segments_log=[seg(0, SEGMENT_STATUS_PASSED, 0), seg(1, SEGMENT_STATUS_COMMITTED, 5),
                                        seg(2, SEGMENT_STATUS_PASSED, 10)])
    chain.deps.staking.lock_job_collateral(chain.store, host.address, 1, 77)
    faults.reassign(chain.ctx(9), chain.deps, running, "test")
    job = chain.deps.training.get_job(chain.store, 1)
    assert [s.status for s in job.segments_log] == [SEGMENT_STATUS_PASSED, SEGMENT_STATUS_VOIDED,
                                                     SEGMENT_STATUS_VOIDED]
    assert [s.index for s in live_segments(job)] == [0] and next_segment_index(job) == 1
    assert (job.resume_interval, job.resume_weights_sha256, job.resume_optim_sha256) == (5, f"{0:064x}", f"{100:064x}")
    assert job.status == TRAINING_JOB_STATUS_QUEUED and job.segment_deadline == 9 + default_params().queue_blocks
    assert list(job.excluded) == [host.bech32] and job.host == "" and job.collateral == 0
    assert chain.deps.staking.job_collateral(chain.store, host.address) == 0


def test_reassign_without_a_passed_segment_restarts_from_the_base_model():
    chain = Chain()
    running = TrainingJob(id=2, submitter=A.bech32, base_model="tiny-lm", status=TRAINING_JOB_STATUS_TRAINING,
                          host=chain.hosts[0].bech32, intervals=20, segments=4, intervals_per_segment=5,
                          resume_interval=5, segments_log=[seg(0, SEGMENT_STATUS_COMMITTED, 0)])
    faults.reassign(chain.ctx(3), chain.deps, running, "test")
    job = chain.deps.training.get_job(chain.store, 2)
    base = chain.deps.inference.get_model(chain.store, "tiny-lm")
    assert (job.resume_interval, job.resume_weights_sha256, job.resume_optim_sha256) == (0, base.weights_sha256, "")


def test_heartbeat_penalty_withholds_its_share_of_the_epoch_release():
    chain = Chain()
    rewards, ctx = chain.deps.rewards, chain.ctx(4)
    late, fine = chain.hosts[0].address, chain.hosts[1].address
    chain.bank.mint_to_module(ctx, "rewards", [(DENOM, 2_000)])
    for operator in (late, fine):
        rewards.accrue(ctx, 0, operator, "executor_fees", 1_000)
    rewards.penalize_heartbeat(ctx, 0, late, 1_000)
    rewards.penalize_heartbeat(ctx, 0, late, 1_500)  # two misses: 25% withheld
    outcomes = {o.host: o for o in rewards.settle_epoch(ctx, SettlementSources(), 0, {})}
    assert (outcomes[chain.hosts[0].bech32].released, outcomes[chain.hosts[0].bech32].withheld) == (750, 250)
    assert (outcomes[chain.hosts[1].bech32].released, outcomes[chain.hosts[1].bech32].withheld) == (1_000, 0)
    assert list(chain.store.iterate(b"\x77")) == []
    check_supply(chain.store, chain.bank)


def test_jobs_of_a_banned_prover_are_reassigned_without_a_fault():
    chain = Chain()
    host = chain.hosts[2]
    running = TrainingJob(id=3, submitter=A.bech32, base_model="tiny-lm", status=TRAINING_JOB_STATUS_VERIFYING,
                          host=host.bech32, intervals=20, segments=4, intervals_per_segment=5, collateral=5,
                          segments_log=[seg(0, SEGMENT_STATUS_PASSED, 0), seg(1, SEGMENT_STATUS_COMMITTED, 5)])
    chain.deps.training.set_job(chain.store, running)
    chain.deps.staking.lock_job_collateral(chain.store, host.address, 3, 5)
    ctx = chain.ctx(8)
    bonded = chain.deps.staking.bonded(chain.store, host.address)
    abci.handle_deadlines(ctx, chain.deps)
    assert chain.deps.training.get_job(chain.store, 3).status == TRAINING_JOB_STATUS_VERIFYING  # not banned yet
    chain.deps.hosts.ban(ctx, host.address, 100, "fraud on another job")
    abci.handle_deadlines(ctx, chain.deps)
    job = chain.deps.training.get_job(chain.store, 3)
    assert job.status == TRAINING_JOB_STATUS_QUEUED and list(job.excluded) == [host.bech32]
    assert [s.status for s in job.segments_log] == [SEGMENT_STATUS_PASSED, SEGMENT_STATUS_VOIDED]
    assert chain.deps.staking.bonded(chain.store, host.address) == bonded  # no fault slash
    assert chain.deps.training.unavailable(chain.store, host.address) == 0
    assert chain.deps.staking.job_collateral(chain.store, host.address) == 0


@pytest.mark.parametrize("intervals,ips,sample", [(20, 5, 250_000), (23, 5, 100_000), (7, 3, 500_000), (1, 5, 10_000)])
def test_required_collateral_from_distinct_segment_sizes_equals_the_full_layout(intervals, ips, sample):
    from chain.modules.training.cost import segment_layout
    from chain.modules.training.scheduling import required_job_collateral
    from chain.modules.training.stake_condition import job_delta_one, required_collateral

    job = TrainingJob(intervals=intervals, intervals_per_segment=ips, sample_ppm=sample, train_cost=123_457)
    gain = 123_457 // intervals
    full = required_collateral(job_delta_one(segment_layout(intervals, ips), sample), gain, gain, 7500)
    assert required_job_collateral(job, 7500) == full > 0
