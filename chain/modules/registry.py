"""Wires the modules together: keepers, message routes, query methods and genesis order."""

from __future__ import annotations

from dataclasses import dataclass, field

from chain.modules.auth import genesis as auth_genesis
from chain.modules.auth import query_server as auth_queries
from chain.modules.auth.keeper import AccountKeeper
from chain.modules.bank import genesis as bank_genesis
from chain.modules.bank import msg_server as bank_msgs
from chain.modules.bank import query_server as bank_queries
from chain.modules.bank.keeper import BankKeeper
from chain.modules.hosts import genesis as hosts_genesis
from chain.modules.hosts import msg_server as hosts_msgs
from chain.modules.hosts import query_server as hosts_queries
from chain.modules.hosts.keeper import HostsKeeper
from chain.modules.inference import end_block as inference_end_block
from chain.modules.inference import genesis as inference_genesis
from chain.modules.inference import msg_server as inference_msgs
from chain.modules.inference import query_server as inference_queries
from chain.modules.inference.keeper import InferenceKeeper
from chain.modules.reputation import genesis as reputation_genesis
from chain.modules.reputation import query_server as reputation_queries
from chain.modules.reputation.keeper import ReputationKeeper
from chain.modules.rewards import genesis as rewards_genesis
from chain.modules.rewards import query_server as rewards_queries
from chain.modules.rewards.keeper import RewardsKeeper
from chain.modules.staking import genesis as staking_genesis
from chain.modules.staking import msg_server as staking_msgs
from chain.modules.staking import query_server as staking_queries
from chain.modules.staking.keeper import StakingKeeper
from chain.modules.stakingview import query_server as stakingview_queries
from chain.modules.sprint import end_block as sprint_end_block
from chain.modules.sprint import genesis as sprint_genesis
from chain.modules.sprint import msg_server as sprint_msgs
from chain.modules.sprint import query_server as sprint_queries
from chain.modules.sprint.keeper import SprintKeeper
from chain import node_query
from chain.query import QueryRouter
from chain.tx.router import Route, Router


@dataclass
class Keepers:
    auth: AccountKeeper
    bank: BankKeeper
    hosts: HostsKeeper = field(default_factory=HostsKeeper)
    staking: StakingKeeper | None = None
    sprint: SprintKeeper = field(default_factory=SprintKeeper)
    inference: InferenceKeeper = field(default_factory=InferenceKeeper)
    rewards: RewardsKeeper | None = None
    reputation: ReputationKeeper | None = None


def build_keepers() -> Keepers:
    auth = AccountKeeper()
    bank, hosts = BankKeeper(auth), HostsKeeper()
    staking = StakingKeeper(bank, hosts)
    reputation = ReputationKeeper(staking, hosts)
    staking.reputation = reputation  # lock-up and release lengths scale with reputation
    return Keepers(auth=auth, bank=bank, hosts=hosts, staking=staking, sprint=SprintKeeper(),
                   inference=InferenceKeeper(), rewards=RewardsKeeper(bank, hosts, staking, reputation),
                   reputation=reputation)


def build_router() -> Router:
    router = Router()
    router.register(
        bank_msgs.MSG_SEND_URL,
        Route(bank_msgs.MsgSend, bank_msgs.send_signers, bank_msgs.validate_send, bank_msgs.handle_send),
    )
    router.register(staking_msgs.MSG_STAKE_URL, Route(
        staking_msgs.MsgStake, staking_msgs.signers, staking_msgs.validate, staking_msgs.handle_stake))
    router.register(staking_msgs.MSG_UNSTAKE_URL, Route(
        staking_msgs.MsgUnstake, staking_msgs.signers, staking_msgs.validate, staking_msgs.handle_unstake))
    router.register(hosts_msgs.MSG_REGISTER_HOST_URL, Route(
        hosts_msgs.MsgRegisterHost, hosts_msgs.signers, hosts_msgs.validate_register, hosts_msgs.handle_register))
    router.register(hosts_msgs.MSG_UPDATE_HOST_URL, Route(
        hosts_msgs.MsgUpdateHost, hosts_msgs.signers, hosts_msgs.validate_update, hosts_msgs.handle_update))
    for type_url, route in sprint_msgs.routes():
        router.register(type_url, route)
    for type_url, route in inference_msgs.routes():
        router.register(type_url, route)
    return router


def build_query_router() -> QueryRouter:
    router = QueryRouter()
    for method in (auth_queries.METHODS + bank_queries.METHODS + hosts_queries.METHODS + node_query.METHODS
                   + staking_queries.METHODS + sprint_queries.METHODS + inference_queries.METHODS
                   + rewards_queries.METHODS + reputation_queries.METHODS + stakingview_queries.METHODS):
        router.register(method)
    return router


def init_genesis(store, keepers: Keepers, app_state: dict) -> None:
    """Initialise every module from app_state, in dependency order (auth, bank, staking, hosts, sprint).
    With a "staking" section, every genesis host must be bonded with at least min_collateral."""
    auth_genesis.init_genesis(store, keepers.auth, app_state.get("auth", {}))
    bank_genesis.init_genesis(store, keepers.bank, app_state.get("bank", {}))
    staking_genesis.init_genesis(store, keepers.staking, app_state.get("staking", {}))
    hosts_genesis.init_genesis(store, keepers.hosts, app_state.get("hosts", {}))
    if "staking" in app_state:
        staking_genesis.check_genesis_hosts(store, keepers.staking, keepers.hosts.all_hosts(store))
    sprint_genesis.init_genesis(store, keepers.sprint, keepers.hosts, app_state.get("sprint", {}))
    inference_genesis.init_genesis(store, keepers.inference, app_state.get("inference", {}))
    reputation_genesis.init_genesis(store, keepers.reputation, app_state.get("reputation", {}))
    rewards_genesis.init_genesis(store, keepers.rewards, app_state.get("rewards", {}))


def end_block(ctx, keepers: Keepers) -> list[tuple[bytes, int]]:
    """Run every module's end-of-block logic on the block cache, in a fixed order; returns the
    CometBFT validator updates (ed25519 pubkey, power; 0 removes) for this block."""
    updates: list[tuple[bytes, int]] = []
    keepers.staking.end_block(ctx)
    keepers.hosts.end_block(ctx, keepers.staking)  # lift bans whose banned_until has passed
    updates.extend(sprint_end_block.end_block(ctx, keepers))
    inference_end_block.end_block(ctx, keepers)
    keepers.rewards.end_block(ctx, keepers)  # last: after every module that accrues or settles
    return updates


def check_genesis_validators(store, keepers: Keepers, validators: list[tuple[bytes, int]]) -> None:
    """With registered hosts, CometBFT's genesis validators must be exactly the active hosts with
    power = weight (compute decides who signs). A chain without hosts (a devnet) keeps its own set."""
    hosts = keepers.hosts.all_hosts(store)
    if hosts:
        hosts_genesis.check_validators(hosts, validators)


def export_genesis(store, keepers: Keepers) -> dict:
    return {
        "auth": auth_genesis.export_genesis(store, keepers.auth),
        "bank": bank_genesis.export_genesis(store, keepers.bank),
        "hosts": hosts_genesis.export_genesis(store, keepers.hosts),
        "staking": staking_genesis.export_genesis(store, keepers.staking),
        "sprint": sprint_genesis.export_genesis(store, keepers.sprint),
        "inference": inference_genesis.export_genesis(store, keepers.inference),
        "reputation": reputation_genesis.export_genesis(store, keepers.reputation),
        "rewards": rewards_genesis.export_genesis(store, keepers.rewards),
    }


def default_app_state() -> dict:
    return {"auth": auth_genesis.default_genesis(), "bank": bank_genesis.default_genesis(),
            "hosts": hosts_genesis.default_genesis(), "staking": staking_genesis.default_genesis(),
            "sprint": sprint_genesis.default_genesis(), "inference": inference_genesis.default_genesis(),
            "rewards": rewards_genesis.default_genesis(), "reputation": reputation_genesis.default_genesis()}
