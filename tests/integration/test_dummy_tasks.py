"""Dummy inference tasks (docs/economics.md §5) in an in-process App: issued at an epoch's first
block only to idle hosts and only while user demand stays low, bounded per host and per epoch,
funded from issuance (the epoch's total issuance is unchanged), executed by the ordinary result
message and settled like user jobs, and left out of every KPI."""

from __future__ import annotations

import hashlib

import pytest
from sprint.inference.v1.inference_pb2 import (
    JOB_STATUS_COMPLETED, JOB_STATUS_EXPIRED, JOB_STATUS_PENDING, JOB_STATUS_SETTLED,
)

from chain.modules.bank.keys import module_address
from chain.modules.inference.dummy import CORPUS
from chain.tx.crypto import encode_address
from tests.helpers.chain import DENOM
from tests.helpers.inference import tiny_lm_model
from tests.helpers.verification import end_events
from tests.integration.test_mint import EPOCH, MintNet

DUMMY = module_address("dummy_tasks")
PRICE = int(tiny_lm_model()["price_per_token"])


def dummy_net(**overrides) -> MintNet:
    params = {"dummy_max_jobs_per_epoch": 10, "dummy_max_jobs_per_host": 2, "dummy_idle_jobs": 1,
              "dummy_demand_requests": 5, "dummy_max_tokens": 4, "dummy_budget_bps": 10_000}
    params.update(overrides)
    return MintNet(mint={name: str(value) for name, value in params.items()})


def dummy_jobs(net: MintNet) -> list:
    return [job for job in net.jobs().jobs if job.dummy]


def test_idle_hosts_get_dummy_jobs_paid_from_issuance_and_settled_like_user_jobs():
    net = dummy_net()
    _, user_job = net.submit(0)
    net.deliver(user_job)  # the executor has user work in epoch 0: not idle
    busy = net.job(user_job).executor
    start = net.bounds(1).start
    block = net.advance_to(start + 1)[-1]
    jobs = dummy_jobs(net)
    assert sorted(job.executor for job in jobs) == sorted(h.bech32 for h in net.hosts if h.bech32 != busy)
    for job in jobs:
        assert job.requester == encode_address(DUMMY) and job.status == JOB_STATUS_PENDING
        assert job.submit_height == start and job.sampling_seed and job.max_tokens == 4
        assert all(word in CORPUS for word in job.prompt.decode().split(" "))
        assert job.max_fee == PRICE * (len(job.prompt) + 4)
    assigned = end_events(block, "inference_assigned")
    assert len(assigned) == 3 and all(event["dummy"] == "true" for event in assigned)
    store = net.store()
    assert net.keepers.bank.balance(store, DUMMY, DENOM) == 0  # topped up to exactly the escrowed fees
    assert net.keepers.mint.dummy_debt(store) == 0  # held back from the same block's issuance
    # executed like any job: the ordinary result message from the drawn host's worker
    net.deliver(jobs[0].id)
    net.advance_to(net.bounds(2).start + 1)
    assert net.job(jobs[0].id).status == JOB_STATUS_SETTLED
    assert {net.job(j.id).status for j in jobs[1:]} == {JOB_STATUS_EXPIRED}
    record = net.kpis(1)
    assert record.dummy_jobs == 3 and (record.jobs_succeeded, record.jobs_failed) == (0, 0)  # no KPI
    assert record.minted == EPOCH * 1_000_000  # the epoch's issuance, dummy funding included
    # epoch 2: still no user demand, and dummy work does not make a host busy: all four are idle
    assert len([j for j in dummy_jobs(net) if j.submit_height == net.bounds(2).start]) == 4


def test_dummy_jobs_are_bounded_per_epoch_and_stop_when_user_demand_returns():
    net = dummy_net(dummy_max_jobs_per_epoch=2, dummy_demand_requests=1)
    net.advance_to(net.bounds(1).start + 1)
    assert len(dummy_jobs(net)) == 2  # four idle hosts, at most two jobs
    net.submit(0)  # a user request in epoch 1: demand is back
    net.advance_to(net.bounds(2).start + 1)
    assert len(dummy_jobs(net)) == 2  # none issued for epoch 2
    assert net.kpis(1).dummy_jobs == 2 and net.kpis(2) is None


def test_no_dummy_jobs_by_default_or_beyond_the_budget():
    default = MintNet()
    default.advance_to(default.bounds(1).start + 1)
    assert dummy_jobs(default) == []
    tight = dummy_net(dummy_budget_bps=1)  # 0.01% of 11 x 10^6 = 1100: at most one job of ~20 tokens
    tight.advance_to(tight.bounds(1).start + 1)
    jobs = dummy_jobs(tight)
    assert len(jobs) <= 1 and sum(j.max_fee for j in jobs) <= 1_100


def test_the_unchanged_inference_worker_executes_dummy_jobs(tmp_path):
    pytest.importorskip("torch")
    from genesis.tiny_lm import generate_tiny_lm
    from tests.unit.worker.test_inference_agent_chain import SPRINT, make_agents, step_all

    data = generate_tiny_lm(5)
    net = MintNet(mint={"dummy_max_jobs_per_epoch": "4", "dummy_max_tokens": "4"}, sprint_params=SPRINT,
                  inference_params={"expiry_blocks": "6"})
    agents, senders = make_agents(net, tmp_path, {hashlib.sha256(data).hexdigest(): data})
    start = net.bounds(1).start
    net.run()  # block 1: a committed state for the agents to read
    while net.next_height <= start:  # the agents run epoch 0 (no user jobs: every host idle)
        step_all(net, agents, senders)
    jobs = dummy_jobs(net)
    assert len(jobs) == 4 and all(job.status == JOB_STATUS_PENDING for job in jobs)
    for _ in range(3):
        step_all(net, agents, senders)  # the worker's ordinary loop: execute, send MsgInferenceResult
    done = [net.job(job.id) for job in jobs]
    assert {job.status for job in done} == {JOB_STATUS_COMPLETED}
    assert all(job.output_token_count == 4 and job.cost == PRICE * (len(job.prompt) + 4) for job in done)
