"""The rewards mapping of the source paper's worked example (docs/economics.md §4) as a test vector,
and the chain's implemented split of one block against it."""

from __future__ import annotations

from chain.modules.bank.keys import FEE_COLLECTOR, module_address
from chain.modules.mint.mapping import Actor, fee_reward, inflation_reward, total_reward
from chain.modules.rewards.keeper import proportional_shares
from tests.unit.chain.modules.test_rewards import DENOM, World

V_T, GAMMA_CP, GAMMA_V, FEES, Q = 10_000, 700_000, 300_000, 2_000, 500_000
A = Actor("A", rep_ppm=900_000, flops=10**12, stake_ppm=500_000)  # a third of 3 x 10^12 FLOPs
B = Actor("B", rep_ppm=600_000, flops=10**12, stake_ppm=300_000)
C = Actor("C", rep_ppm=800_000, flops=10**12, stake_ppm=200_000)


def test_paper_worked_example_provider_a():
    # Rep x Contribution x Stake = 0.9 x 1/3 x 0.5 = 0.15, and the example divides by 0.15: A is the
    # whole compute-provider set. R_infl = 0.7 x 10,000 x 0.15 / 0.15; F_t = 0.5 x 2,000 = 1,000.
    assert A.rep_ppm * A.stake_ppm * 1 // 3 == 150_000 * 10**6  # 0.15 in ppm^2 x 1/3 of the FLOPs
    assert inflation_reward(V_T, GAMMA_CP, A, [A]) == 7_000
    assert fee_reward(FEES, Q, A, [A]) == 1_000
    assert total_reward(V_T, GAMMA_CP, FEES, Q, A, [A]) == 8_000


def test_worked_example_with_the_other_two_thirds_held_by_b_and_c():
    # weights 0.45 : 0.18 : 0.16 (x 1/3 each, which cancels): A gets 45/79 of each pool, floored
    actors = [A, B, C]
    assert [inflation_reward(V_T, GAMMA_CP, x, actors) for x in actors] == [3_987, 1_594, 1_417]
    assert [fee_reward(FEES, Q, x, actors) for x in actors] == [569, 227, 202]
    assert total_reward(V_T, GAMMA_CP, FEES, Q, A, actors) == 4_556
    assert inflation_reward(V_T, GAMMA_V, A, actors) == 1_708  # the verifier share, same weights


def test_the_chain_shares_a_pool_by_the_same_proportional_rule():
    # rewards settlement shares the executor pool with proportional_shares(pool, weights): with
    # weight = Rep x Contribution x Stake it gives the paper's R_infl exactly
    pool = V_T * GAMMA_CP // 1_000_000
    shares = proportional_shares(pool, [(x.name.encode(), x.weight) for x in (A, B, C)])
    assert [amount for _, amount in shares] == [inflation_reward(V_T, GAMMA_CP, x, [A, B, C]) for x in (A, B, C)]


def test_one_block_of_the_example_through_the_rewards_keeper():
    # gamma_CP = 0.7, gamma_V = 0.3, gamma_B = 0 (rewards params); v_t = 10,000; fees 2,000; q = 0.5
    w = World()
    ctx = w.ctx(height=5)
    w.set_reward(ctx.store, V_T, executor_bps=7_000, validator_bps=3_000, proposer_bps=0)
    mint = w.keepers.mint
    params = mint.get_params(ctx.store)
    params.fee_reward_ppm = Q
    mint.set_params(ctx.store, params)
    w.bank.send_to_module(ctx, w.address(0), FEE_COLLECTOR, [(DENOM, FEES)])
    vault = w.balance(ctx.store, module_address("community_vault"))
    w.rewards.end_block(ctx, w.keepers)
    pool = w.rewards.get_pool(ctx.store, 0)
    # the chain splits v_t + F_t = 11,000 by gamma (the paper splits F_t over CP and V by weight)
    assert (pool.issued, pool.gas_fees, pool.vault_fees) == (10_000, 2_000, 1_000)
    assert (pool.executor_pool, pool.validator_pool) == (7_700, 3_300)
    assert w.balance(ctx.store, module_address("community_vault")) - vault == 1_000  # (1 - q) x 2,000
