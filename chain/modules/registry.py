"""Wires the modules together: keepers, message routes, query methods and genesis order."""

from __future__ import annotations

from dataclasses import dataclass

from chain.modules.auth import genesis as auth_genesis
from chain.modules.auth import query_server as auth_queries
from chain.modules.auth.keeper import AccountKeeper
from chain.modules.bank import genesis as bank_genesis
from chain.modules.bank import msg_server as bank_msgs
from chain.modules.bank import query_server as bank_queries
from chain.modules.bank.keeper import BankKeeper
from chain import node_query
from chain.query import QueryRouter
from chain.tx.router import Route, Router


@dataclass
class Keepers:
    auth: AccountKeeper
    bank: BankKeeper


def build_keepers() -> Keepers:
    auth = AccountKeeper()
    return Keepers(auth=auth, bank=BankKeeper(auth))


def build_router() -> Router:
    router = Router()
    router.register(
        bank_msgs.MSG_SEND_URL,
        Route(bank_msgs.MsgSend, bank_msgs.send_signers, bank_msgs.validate_send, bank_msgs.handle_send),
    )
    return router


def build_query_router() -> QueryRouter:
    router = QueryRouter()
    for method in auth_queries.METHODS + bank_queries.METHODS + node_query.METHODS:
        router.register(method)
    return router


def init_genesis(store, keepers: Keepers, app_state: dict) -> None:
    """Initialise every module from app_state, in dependency order (auth before bank)."""
    auth_genesis.init_genesis(store, keepers.auth, app_state.get("auth", {}))
    bank_genesis.init_genesis(store, keepers.bank, app_state.get("bank", {}))


def export_genesis(store, keepers: Keepers) -> dict:
    return {
        "auth": auth_genesis.export_genesis(store, keepers.auth),
        "bank": bank_genesis.export_genesis(store, keepers.bank),
    }


def default_app_state() -> dict:
    return {"auth": auth_genesis.default_genesis(), "bank": bank_genesis.default_genesis()}
