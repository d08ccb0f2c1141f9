"""KPI measurement from state and end-block events: accepted Sprint weight, PASSED training
segments, settled and expired user jobs (dummy ones left out), confirmed frauds, active
high-reputation providers."""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import Job
from sprint.reputation.v1.reputation_pb2 import HostReputation
from sprint.training.v1.training_pb2 import Segment, TrainingJob

from chain.context import BlockInfo, Context, Event
from chain.gas import GasMeter
from chain.modules.mint import flops, measure
from chain.modules.mint.expected_keepers import MintDeps
from chain.store.cache import CacheStore
from tests.integration.test_mint import MintNet

MODEL = "tiny-lm"


def _world():
    net = MintNet()
    net.advance_to(2)
    k = net.app.keepers
    deps = MintDeps(mint=k.mint, bank=k.bank, sprint=k.sprint, reputation=k.reputation, rewards=k.rewards,
                    inference=k.inference, hosts=k.hosts, training=k.training)
    ctx = Context(CacheStore(net.app.committed_store()), BlockInfo(5, 0, 0, "sprint-test-1"), GasMeter(None))
    return net, k, deps, ctx


def _job(k, ctx, job_id, executor, dummy=False):
    model = k.inference.models(ctx.store)[0]
    job = Job(id=job_id, requester=executor, model=model.name, executor=executor, prompt_size=10,
              output_token_count=6, cost=1_600, dummy=dummy)
    k.inference.set_job(ctx.store, job)
    return model


def test_events_and_state_make_the_epochs_kpis():
    net, k, deps, ctx = _world()
    a, b = net.hosts[0], net.hosts[1]
    model = _job(k, ctx, 101, a.bech32)
    _job(k, ctx, 102, b.bech32, dummy=True)
    _job(k, ctx, 103, b.bech32)
    _job(k, ctx, 104, a.bech32, dummy=True)
    k.training.set_job(ctx.store, TrainingJob(id=7, load_gflop=30, intervals=6, segments_log=[
        Segment(index=0, interval_count=4), Segment(index=1, interval_count=2)]))
    summary = k.sprint.new_summary(0, a.address)
    summary.settled_weight = 5
    k.sprint.set_summary(ctx.store, 0, a.address, summary)
    k.reputation.set(ctx.store, HostReputation(host=a.bech32, success_rate_ppm=900_000))
    k.reputation.set(ctx.store, HostReputation(host=b.bech32, success_rate_ppm=700_000))
    events = [Event("inference_settled", [("job_id", "101")]), Event("inference_settled", [("job_id", "102")]),
              Event("inference_expired", [("job_id", "103")]), Event("inference_expired", [("job_id", "104")]),
              Event("training_segment_passed", [("job_id", "7"), ("segment", "1")]), Event("mint", [])]
    acc = k.mint.open_accumulator(ctx.store, 0, "usprint")
    measure.scan_events(ctx, deps, acc, events)
    assert (acc.jobs_succeeded, acc.jobs_failed, acc.job_fees) == (1, 1, 1_600)  # dummy jobs left out
    assert acc.inference_flop == flops.inference_flops(model.config, 10, 6) == 2 * 122_880 * 16
    assert acc.training_flop == 10 * 10**9  # segment 1: 2 of 6 intervals of 30 GFLOP
    k.inference.verification.add_fraud(ctx.store, 0, b.address, 103)
    values, raw = measure.kpi_values(ctx.store, deps, 0, acc)
    sprint_flop = 5 * 900 * flops.flops_per_nonce("test")
    assert raw["sprint_mflop"] == sprint_flop // 10**6
    assert values["verified_compute_mflop"] == (sprint_flop + 2 * 122_880 * 16 + 10 * 10**9) // 10**6
    assert raw["jobs_failed"] == 2 and values["job_success_ppm"] == 333_333  # 1 settled, 1 expired, 1 fraud
    assert values["active_high_rep_providers"] == 1  # a settled a user job at 0.9; b only a dummy one
