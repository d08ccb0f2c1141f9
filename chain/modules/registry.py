"""The app's modules, in order: keepers are built once, each from the keepers it depends on
(constructor injection), then one AppModule per module. App init, genesis, message routing,
queries and end block all iterate the same ordered list.

Order: MODULES is the genesis order (a module's genesis may read the state of the ones before
it: sprint reads the hosts; training re-locks its jobs' collateral with staking). END_BLOCK_ORDER is
the end-of-block order: staking releases, hosts lift bans, sprint settles weights, inference draws,
expires and settles, training handles deadlines, verification, completion and scheduling, rewards
runs last (after every module that accrues or settles)."""

from __future__ import annotations

from dataclasses import dataclass

from chain import node_query
from chain.modules.auth.keeper import AccountKeeper
from chain.modules.auth.module import AuthModule
from chain.modules.bank.keeper import BankKeeper
from chain.modules.bank.module import BankModule
from chain.modules.gov.expected_keepers import GovDeps, TrainingGrant, param_space
from chain.modules.gov.keeper import GovKeeper
from chain.modules.gov.keys import TRAINING_FUND_MODULE
from chain.modules.gov.module import GovModule
from chain.modules.hosts.expected_keepers import HostsDeps
from chain.modules.hosts.keeper import HostsKeeper
from chain.modules.hosts.module import HostsModule
from chain.modules.inference.expected_keepers import InferenceDeps
from chain.modules.inference.keeper import InferenceKeeper
from chain.modules.inference.module import InferenceModule
from chain.modules.mint.expected_keepers import MintDeps
from chain.modules.mint.keeper import MintKeeper
from chain.modules.mint.module import MintModule
from chain.modules.module import AppModule
from chain.modules.reputation.keeper import ReputationKeeper, ReputationLevels
from chain.modules.reputation.module import ReputationModule
from chain.modules.rewards.expected_keepers import RewardsDeps
from chain.modules.rewards.keeper import RewardsKeeper
from chain.modules.rewards.module import RewardsModule
from chain.modules.sprint.expected_keepers import SprintDeps
from chain.modules.sprint.keeper import SprintKeeper
from chain.modules.sprint.module import SprintModule
from chain.modules.staking.keeper import StakingKeeper
from chain.modules.staking.module import StakingModule
from chain.modules.stakingview.expected_keepers import StakingViewDeps
from chain.modules.stakingview.module import StakingViewModule
from chain.modules.training.expected_keepers import TrainingDeps
from chain.modules.training.keeper import TrainingKeeper
from chain.modules.training.module import TrainingModule
from chain.modules.training.msg_server import submit_from_module
from chain.query import QueryRouter
from chain.tx.router import Router

# gov runs first: a change enacted at height H governs every other module's end block of H.
# GOV_PARAM_MODULES: the modules whose params a gov param-change proposal may set (validate_params).
GOV_PARAM_MODULES = ("auth", "staking", "sprint", "inference", "reputation", "rewards", "gov", "mint",
                     "training")
END_BLOCK_ORDER = ("gov", "staking", "hosts", "sprint", "inference", "training", "mint", "rewards")


@dataclass(frozen=True)
class Keepers:
    """Every keeper of the app, for the ante handler, queries, invariants and tests. Message
    handlers and block hooks never see this: each module gets only the keepers it declares."""

    auth: AccountKeeper
    bank: BankKeeper
    hosts: HostsKeeper
    staking: StakingKeeper
    sprint: SprintKeeper
    inference: InferenceKeeper
    rewards: RewardsKeeper
    reputation: ReputationKeeper
    gov: GovKeeper
    mint: MintKeeper
    training: TrainingKeeper


def build_keepers() -> Keepers:
    """Construct every keeper from its dependencies. Staking reads reputation levels through the
    dependency-free ReputationLevels view, so no keeper is wired after construction."""
    auth = AccountKeeper()
    bank, hosts = BankKeeper(auth), HostsKeeper()
    staking = StakingKeeper(bank, ReputationLevels())
    reputation = ReputationKeeper(staking, hosts)
    sprint = SprintKeeper()
    return Keepers(auth=auth, bank=bank, hosts=hosts, staking=staking, sprint=sprint,
                   inference=InferenceKeeper(), rewards=RewardsKeeper(bank, hosts, reputation),
                   reputation=reputation, gov=GovKeeper(), mint=MintKeeper(bank, sprint), training=TrainingKeeper())


def build_modules(k: Keepers) -> list[AppModule]:
    """One AppModule per chain module, in genesis order."""
    training = TrainingDeps(training=k.training, bank=k.bank, hosts=k.hosts, staking=k.staking, sprint=k.sprint,
                            reputation=k.reputation, rewards=k.rewards, inference=k.inference)
    return [
        AuthModule(k.auth),
        BankModule(k.bank),
        StakingModule(k.staking, k.hosts),
        HostsModule(HostsDeps(hosts=k.hosts, staking=k.staking)),
        SprintModule(SprintDeps(sprint=k.sprint, hosts=k.hosts, staking=k.staking)),
        InferenceModule(InferenceDeps(inference=k.inference, bank=k.bank, hosts=k.hosts, staking=k.staking,
                                      sprint=k.sprint, reputation=k.reputation, rewards=k.rewards)),
        ReputationModule(k.reputation),
        TrainingModule(training),
        RewardsModule(RewardsDeps(rewards=k.rewards, bank=k.bank, sprint=k.sprint, reputation=k.reputation,
                                  inference=k.inference, mint=k.mint)),
        MintModule(MintDeps(mint=k.mint, bank=k.bank, sprint=k.sprint, reputation=k.reputation, rewards=k.rewards,
                            inference=k.inference, hosts=k.hosts, training=k.training)),
        StakingViewModule(StakingViewDeps(hosts=k.hosts, staking=k.staking, sprint=k.sprint)),
        GovModule(GovDeps(gov=k.gov, bank=k.bank, staking=k.staking, reputation=k.reputation,
                          spaces={name: param_space(name, getattr(k, name)) for name in GOV_PARAM_MODULES},
                          training_grant=training_grant(k, training))),
    ]


def training_grant(k: Keepers, training: TrainingDeps) -> TrainingGrant:
    """Gov's hook for training-fund grants: the training module's submit_from_module, paid by the
    "training_fund" module account."""
    return TrainingGrant(submit=lambda ctx, msg: submit_from_module(ctx, training, msg, TRAINING_FUND_MODULE),
                         fee_denom=lambda store: k.training.get_params(store).fee_denom)


class ModuleManager:
    """The ordered modules of one app, and the steps that iterate them."""

    def __init__(self, keepers: Keepers):
        self.keepers = keepers
        self.modules = build_modules(keepers)
        self.by_name = {module.name: module for module in self.modules}
        self.end_blockers = [self.by_name[name] for name in END_BLOCK_ORDER]

    def router(self) -> Router:
        router = Router()
        for module in self.modules:
            for type_url, route in module.routes():
                router.register(type_url, route)
        return router

    def query_router(self) -> QueryRouter:
        router = QueryRouter()
        for method in node_query.METHODS + [m for module in self.modules for m in module.query_methods()]:
            router.register(method)
        return router

    def init_genesis(self, store, app_state: dict) -> None:
        """Initialise every module from its app_state section in order, then the cross-module checks."""
        for module in self.modules:
            module.init_genesis(store, app_state.get(module.name, {}))
        for module in self.modules:
            module.check_genesis(store, app_state)

    def check_genesis_validators(self, store, validators: list[tuple[bytes, int]]) -> None:
        self.by_name["hosts"].check_validators(store, validators)

    def begin_block(self, ctx) -> None:
        for module in self.modules:
            module.begin_block(ctx)

    def end_block(self, ctx) -> list[tuple[bytes, int]]:
        """Every module's end-of-block hook in END_BLOCK_ORDER; the CometBFT validator updates."""
        updates: list[tuple[bytes, int]] = []
        for module in self.end_blockers:
            updates.extend(module.end_block(ctx))
        return updates

    def export_genesis(self, store) -> dict:
        sections = ((module.name, module.export_genesis(store)) for module in self.modules)
        return {name: section for name, section in sections if section is not None}

    def default_app_state(self) -> dict:
        sections = ((module.name, module.default_genesis()) for module in self.modules)
        return {name: section for name, section in sections if section is not None}


# --- functions over a fresh manager (tests and tools build keepers without an App) -------------------


def build_router() -> Router:
    return ModuleManager(build_keepers()).router()


def build_query_router() -> QueryRouter:
    return ModuleManager(build_keepers()).query_router()


def init_genesis(store, keepers: Keepers, app_state: dict) -> None:
    """Initialise every module from app_state, in genesis order, then the cross-module checks (with a
    "staking" section, every genesis host holding power must be bonded with at least min_collateral)."""
    ModuleManager(keepers).init_genesis(store, app_state)


def end_block(ctx, keepers: Keepers) -> list[tuple[bytes, int]]:
    return ModuleManager(keepers).end_block(ctx)


def check_genesis_validators(store, keepers: Keepers, validators: list[tuple[bytes, int]]) -> None:
    ModuleManager(keepers).check_genesis_validators(store, validators)


def export_genesis(store, keepers: Keepers) -> dict:
    return ModuleManager(keepers).export_genesis(store)


def default_app_state() -> dict:
    return ModuleManager(build_keepers()).default_app_state()
