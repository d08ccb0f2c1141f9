"""worker/agent/duties.py (the worker's copy) equals chain/modules/inference/duties.py on random
inputs: a worker that disagrees with the chain would check the wrong jobs and miss its duties."""

from __future__ import annotations

import random

from chain.modules.inference import duties as chain_duties
from tests.helpers.chain import make_keys
from worker.agent import duties

HOSTS = [k.bech32 for k in make_keys(6)]
RAW = {h: k.address for h, k in zip(HOSTS, make_keys(6))}


def test_commitment_and_draw_value_match():
    rng = random.Random(5)
    for _ in range(200):
        epoch, secret, seed = rng.randrange(2**40), rng.randbytes(32), rng.randbytes(32)
        operator, job_id = rng.randbytes(20), rng.randrange(2**63)
        assert duties.commitment(epoch, operator, secret) == chain_duties.commitment(epoch, operator, secret)
        assert duties.draw_value(secret, seed, job_id) == chain_duties.draw_value(secret, seed, job_id)


def test_thresholds_and_draws_match_on_random_snapshots():
    rng = random.Random(9)
    for _ in range(300):
        weights = {h: rng.choice([0, 1, rng.randrange(1, 10**6), rng.randrange(1, 10**12)])
                   for h in rng.sample(HOSTS, rng.randrange(1, 7))}
        chain_weights = sorted((RAW[h], w) for h, w in weights.items())
        executor, host = rng.choice(HOSTS), rng.choice(HOSTS)
        ppm = rng.choice([0, 1, 10_000, rng.randrange(10**6), 10**6])
        mine = duties.host_threshold(weights, executor, host, ppm)
        assert mine == chain_duties.host_threshold(chain_weights, RAW[executor], RAW[host], ppm)
        assert duties.others_weight(weights, executor) == chain_duties.others_weight(chain_weights, RAW[executor])
        secret, seed, job_id = rng.randbytes(32), rng.randbytes(32), rng.randrange(1, 10**9)
        assert duties.is_drawn(secret, seed, job_id, mine) == chain_duties.is_drawn(secret, seed, job_id, mine)
        assert duties.expected_duties(mine * 3) == chain_duties.expected_duties(mine * 3)


def test_full_probability_draws_every_job_for_the_only_other_host():
    weights = {HOSTS[0]: 5, HOSTS[1]: 7}
    threshold = duties.host_threshold(weights, HOSTS[1], HOSTS[0], 10**6)
    assert threshold == 2**64 and all(duties.is_drawn(bytes(32), b"s" * 32, j, threshold) for j in range(50))
    assert duties.host_threshold(weights, HOSTS[1], HOSTS[1], 10**6) == 0  # never its own job
