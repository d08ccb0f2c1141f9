"""The mint module in an in-process App (docs/economics.md): KPIs measured from real jobs and fees,
the KPI-adaptive schedule switched on through the governance param path, both rails, the supply
cap, the community vault's (1 - q) share of gas fees and determinism. Every block also passes the
App's supply invariants (supply == balances, supply change == minted - burned)."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401  (puts tendermint on sys.path)
from sprint.mint.v1 import query_pb2 as mint_query
from sprint.rewards.v1 import query_pb2 as rewards_query
from tendermint.abci import types_pb2 as abci

from chain.modules.bank.keys import module_address
from chain.modules.gov.expected_keepers import param_space
from chain.modules.mint import flops
from chain.modules.sprint.genesis import parse_params
from chain.store.memory import MemoryDB
from tests.helpers.chain import DENOM, new_app
from tests.helpers.inference import InferenceNet, inference_state, tiny_lm_model
from tests.helpers.sprint import FEE

VAULT = module_address("community_vault")
EPOCH = 11  # blocks per epoch with the tests' sprint params


def targets(compute=1_000, providers=2, fee_growth=1_000_000, success=900_000) -> dict:
    """Flat target curves (floor = ceiling), a quarter of the weight each."""
    return {name: {"weight_ppm": 250_000, "floor": str(value), "ceiling": str(value)}
            for name, value in (("compute_target", compute), ("providers_target", providers),
                                ("fee_growth_target", fee_growth), ("success_target", success))}


class MintNet(InferenceNet):
    """InferenceNet with a mint genesis section."""

    def __init__(self, mint: dict | None = None, rewards: dict | None = None, n: int = 4,
                 sprint_params: dict | None = None, inference_params: dict | None = None):
        self.app_state, self.hosts, self.outsider, self.users = inference_state(
            n, 2, inference_params=inference_params, sprint_params=sprint_params)
        if mint is not None:
            self.app_state["mint"] = {"params": mint}
        if rewards is not None:
            self.app_state["rewards"] = {"params": rewards}
        self.outsider_account = 2 * n
        self.app = new_app(MemoryDB(), self.app_state)
        self.params = parse_params(self.app_state["sprint"]["params"])

    def store(self):
        return self.app.committed_store()

    @property
    def keepers(self):
        return self.app.keepers

    def kpis(self, epoch: int):
        return self.keepers.mint.get_kpis(self.store(), epoch)

    def supply(self) -> int:
        return self.keepers.bank.supply(self.store(), DENOM)

    def at_height(self, height: int, action) -> None:
        """Run action(ctx) inside end_block of block `height` (staking's hook, before mint and rewards)."""
        original = self.keepers.staking.end_block

        def end_block(ctx):
            original(ctx)
            if ctx.block.height == height:
                action(ctx)

        self.keepers.staking.end_block = end_block

    def module_query(self, service: str, method: str, request, response_class):
        resp = self.app.query(abci.RequestQuery(path=f"/sprint.{service}.v1.Query/{method}",
                                                data=request.SerializeToString()))
        assert resp.code == 0, resp.log
        return response_class.FromString(resp.value)


def _issued(net: MintNet, epoch: int) -> int:
    return net.keepers.rewards.get_pool(net.store(), epoch).issued


def test_kpis_are_measured_from_settled_and_expired_jobs_fees_and_the_supply():
    net = MintNet()
    _, job_id = net.submit(0)  # settles at the end of epoch 0
    _, expiring = net.submit(1)  # expires: a failed job
    net.deliver(job_id)
    net.advance_to(net.bounds(1).start + 1)
    job = net.job(job_id)
    record = net.kpis(0)
    assert (record.jobs_succeeded, record.jobs_failed) == (1, 1)
    config = net.keepers.inference.get_model(net.store(), tiny_lm_model()["name"]).config
    assert record.inference_mflop == flops.inference_flops(config, 5, 4) // 10**6 == 2 * 122_880 * 9 // 10**6 == 2
    kpi = {k.name: k for k in record.kpis}
    assert kpi["job_success_ppm"].value == 500_000
    assert kpi["verified_compute_mflop"].value == record.inference_mflop + record.sprint_mflop
    assert record.fee_revenue == job.cost + net.keepers.rewards.get_pool(net.store(), 0).gas_fees
    assert kpi["fee_growth_ppm"].value == 10_000_000  # revenue and no history: the ratio's cap
    # supply window of epoch 0: 11 blocks of the decay schedule minted, settlement burns
    assert record.minted == EPOCH * 1_000_000
    assert record.supply_end - record.supply_start == record.minted - record.burned
    assert record.net_inflation_ppm == (record.supply_end - record.supply_start) * 10**6 // record.supply_start
    answer = net.module_query("mint", "Kpis", mint_query.QueryKpisRequest(), mint_query.QueryKpisResponse)
    assert answer.kpis == record and answer.current_epoch == 1 and answer.schedule == "decay"
    assert answer.current_epoch_issuance == EPOCH * 1_000_000
    params = net.module_query("mint", "Params", mint_query.QueryParamsRequest(), mint_query.QueryParamsResponse).params
    assert params == net.keepers.mint.get_params(net.store())


def _switch_to_kpi(ctx, net: MintNet) -> None:
    """What an enacted gov param change does: the module's own validation, then set_params."""
    space = param_space("mint", net.keepers.mint)
    params = space.get(ctx.store)
    params.schedule = "kpi"
    space.validate(params)
    space.set(ctx.store, params)


def test_governance_switches_the_schedule_and_the_rate_follows_the_kpis():
    net = MintNet(mint={"min_epoch_mint": "1100", "max_epoch_mint": "5500", **targets()})
    net.at_height(5, lambda ctx: _switch_to_kpi(ctx, net))
    net.advance_to(net.bounds(2).start + 1)
    # blocks 1-4 decay (10^6 each), 5-11 the KPI schedule at rho_m (no epoch measured yet): 1100 / 11
    assert net.kpis(0).minted == 4 * 1_000_000 + 7 * 100
    record = net.kpis(0)
    # no work, no providers (distance 1 each), flat zero fees (0), no failed job (0): delta = 0.5
    assert [k.distance_ppm for k in record.kpis] == [1_000_000, 1_000_000, 0, 0]
    assert (record.distance_ppm, record.kpi_rate) == (500_000, 1_100 + 4_400 // 2)
    assert net.kpis(1).minted == 3_300  # 300 per block, the whole epoch rate
    # (the pools count by settlement: epoch 0 settles in its last block, whose issuance joins epoch 1)
    assert _issued(net, 1) == 100 + 10 * 300
    assert net.kpis(0).schedule == net.kpis(1).schedule == "kpi"  # in force when measured


def test_both_rails_hold():
    met = MintNet(mint={"schedule": "kpi", "min_epoch_mint": "1100", "max_epoch_mint": "5500",
                        **targets(compute=0, providers=0, fee_growth=0, success=0)})
    met.advance_to(met.bounds(2).start + 1)
    assert met.kpis(0).distance_ppm == 0 and met.kpis(1).minted == 5_500  # every target met: rho_M
    missed = MintNet(mint={"schedule": "kpi", "min_epoch_mint": "1100", "max_epoch_mint": "5500",
                           **targets(compute=10**9, providers=100, fee_growth=10**8, success=10**6)})
    _, job_id = missed.submit(0)  # a job that expires: success 0, every KPI missed
    missed.advance_to(missed.bounds(2).start + 1)
    record = missed.kpis(0)
    assert record.jobs_failed == 1 and record.kpis[3].value == 0
    # fees: one gas fee and no history, the ratio's cap 10^7 against a 10^8 target
    assert [k.distance_ppm for k in record.kpis] == [10**6, 10**6, 900_000, 10**6]
    # delta = (1 + 1 + 0.9 + 1) / 4 = 0.975; rho = 1100 + 4400 x 0.025 = 1210
    assert (record.distance_ppm, record.kpi_rate) == (975_000, 1_210)
    assert record.minted == 1_100 and missed.kpis(1).minted == 1_210


def test_issuance_stops_at_the_supply_cap():
    probe = MintNet()
    probe.advance_to(2)
    cap = probe.supply() - 1_000_000 + 2_500_000  # genesis + two and a half blocks of the decay schedule
    net = MintNet(mint={"supply_cap": str(cap)})
    supplies = []
    for _ in range(6):
        net.advance_to(net.next_height + 1)
        supplies.append(net.supply())
        assert net.supply() <= cap
    assert cap in supplies  # the block that reached the cap minted exactly the rest
    assert _issued(net, 0) == 2_500_000  # nothing burned before the epoch settles: 1, 1, 0.5, 0, ...


def test_the_community_vault_receives_exactly_one_minus_q_of_the_gas_fees():
    net = MintNet(mint={"fee_reward_ppm": "300000"})
    vault_before = net.keepers.bank.balance(net.store(), VAULT, DENOM)
    for user in (0, 1, 0):
        net.submit(user)  # one tx paying FEE per block
    share = FEE - FEE * 300_000 // 10**6
    assert net.keepers.bank.balance(net.store(), VAULT, DENOM) - vault_before == 3 * share
    pool = net.keepers.rewards.get_pool(net.store(), 0)
    assert (pool.gas_fees, pool.vault_fees) == (3 * FEE, 3 * share)
    answer = net.module_query("rewards", "Vault", rewards_query.QueryVaultRequest(), rewards_query.QueryVaultResponse)
    assert answer.balance == 3 * share and answer.denom == DENOM


def _scripted_run() -> list[bytes]:
    net = MintNet(mint={"min_epoch_mint": "1100", "max_epoch_mint": "5500", "fee_reward_ppm": "500000", **targets()})
    net.at_height(3, lambda ctx: _switch_to_kpi(ctx, net))
    hashes = []
    _, job_id = net.submit(0)
    net.deliver(job_id)
    for _ in range(2 * EPOCH):
        net.advance_to(net.next_height + 1)
        hashes.append(net.app.app_hash)
    return hashes


def test_two_runs_of_the_same_blocks_give_the_same_app_hashes():
    assert _scripted_run() == _scripted_run()



def _block_supply_change(block) -> int:
    """The supply change of DENOM that a block's mint and burn events report."""
    from chain.context import Event
    from chain.invariants import minted_minus_burned

    events = [e for r in block.results for e in r.events] + list(block.response.events)
    return minted_minus_burned([Event(e.type, [(a.key, a.value) for a in e.attributes]) for e in events]).get(DENOM, 0)


def test_supply_moves_only_by_mint_and_burn_events_with_the_new_mint_and_sinks():
    from chain.invariants import check_supply

    net = MintNet(mint={"schedule": "kpi", "min_epoch_mint": "110000", "max_epoch_mint": "550000",
                        "fee_reward_ppm": "400000",
                        "dummy_max_jobs_per_epoch": "3", "dummy_max_tokens": "4", "dummy_budget_bps": "10000",
                        **targets()})
    _, job_id = net.submit(0)
    net.deliver(job_id)
    while net.next_height <= net.bounds(2).start + 1:
        before = net.supply()
        block = net.submit(net.next_height % 2)[0] if net.next_height % 4 == 0 else net.run()
        assert net.supply() - before == _block_supply_change(block)
        check_supply(net.store(), net.keepers.bank)  # sum of balances == supply (vault, dummy_tasks included)
    record = net.kpis(1)
    assert record.supply_end - record.supply_start == record.minted - record.burned
    assert net.keepers.bank.balance(net.store(), VAULT, DENOM) > 0 and record.dummy_jobs == 3
