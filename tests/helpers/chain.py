"""Reusable helpers for driving the `App` in-process: deterministic keys, a funded genesis, blocks.

Typical use::

    keys = make_keys(3)
    app = new_app(MemoryDB(), genesis_state(keys))
    tx = make_send(keys[0], keys[1].bech32, 100, sequence=0)
    block = run_block(app, [tx], height=1)
    assert block.results[0].code == 0
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import cosmpy.protos  # noqa: F401  (puts the generated tendermint/cosmos packages on sys.path)
from google.protobuf.timestamp_pb2 import Timestamp
from tendermint.abci import types_pb2 as abci

from chain.app import App
from chain.modules.auth import keys as auth_keys
from chain.modules.bank import keys as bank_keys
from chain.tx.builder import TxSpec, build_signed_tx, msg_send
from chain.tx.crypto import SigningKey

CHAIN_ID = "sprint-test-1"
DENOM = "usprint"
INITIAL_BALANCE = 1_000_000_000
GAS_LIMIT = 200_000
FEE = 5_000  # = ceil(200_000 * 0.025)
GENESIS_TIME = 1_700_000_000
BLOCK_SECONDS = 5


def make_key(index: int) -> SigningKey:
    """The `index`-th deterministic test key (same on every machine and run)."""
    return SigningKey(hashlib.sha256(b"sprintchain-test-key-%d" % index).digest())


def make_keys(n: int) -> list[SigningKey]:
    return [make_key(i) for i in range(n)]


def genesis_state(keys, balance: int = INITIAL_BALANCE, auth_params: dict | None = None) -> dict:
    """app_state with one account per key (account number = position) funded with `balance` usprint."""
    auth: dict = {"accounts": [{"address": k.bech32, "account_number": str(i), "sequence": "0"}
                               for i, k in enumerate(keys)]}
    if auth_params:
        auth["params"] = dict(auth_params)
    balances = [{"address": k.bech32, "coins": [{"denom": DENOM, "amount": str(balance)}]} for k in keys]
    return {"auth": auth, "bank": {"balances": balances}}


def timestamp(seconds: int, nanos: int = 0) -> Timestamp:
    return Timestamp(seconds=seconds, nanos=nanos)


def genesis_validators(app_state: dict) -> list:
    """CometBFT's genesis validators as the genesis tool writes them: active hosts with weight > 0,
    power = weight."""
    import base64

    from tendermint.crypto.keys_pb2 import PublicKey

    hosts = (app_state.get("hosts") or {}).get("hosts") or []
    return [abci.ValidatorUpdate(pub_key=PublicKey(ed25519=base64.b64decode(h["consensus_pubkey"])),
                                 power=int(h.get("weight", 0)))
            for h in hosts if h.get("status", "HOST_STATUS_ACTIVE") == "HOST_STATUS_ACTIVE"
            and int(h.get("weight", 0)) > 0]


def init_app(app: App, app_state: dict, chain_id: str = CHAIN_ID, validators=None) -> abci.ResponseInitChain:
    """InitChain; `validators` defaults to the ones matching the genesis hosts."""
    return app.init_chain(abci.RequestInitChain(
        chain_id=chain_id, time=timestamp(GENESIS_TIME), initial_height=1,
        app_state_bytes=json.dumps(app_state, sort_keys=True).encode(),
        validators=genesis_validators(app_state) if validators is None else validators,
    ))


def new_app(db, app_state: dict | None = None, chain_id: str = CHAIN_ID) -> App:
    """An App on `db` with InitChain done (nothing committed yet): `app_state` defaults to 4 funded keys."""
    app = App(db, sync_writes=False)
    init_app(app, genesis_state(make_keys(4)) if app_state is None else app_state, chain_id)
    return app


@dataclass
class BlockResult:
    height: int
    results: list  # abci.ExecTxResult, one per tx
    app_hash: bytes  # from FinalizeBlock
    response: abci.ResponseFinalizeBlock

    @property
    def codes(self) -> list[int]:
        return [r.code for r in self.results]


def block_time(height: int) -> int:
    return GENESIS_TIME + BLOCK_SECONDS * height


def finalize(app: App, txs, height: int | None = None, time: int | None = None) -> BlockResult:
    """FinalizeBlock only (no Commit). `height` defaults to the next height."""
    height = app.height + 1 if height is None else height
    seconds = block_time(height) if time is None else time
    resp = app.finalize_block(abci.RequestFinalizeBlock(
        txs=list(txs), height=height, time=timestamp(seconds), hash=hashlib.sha256(b"block%d" % height).digest(),
    ))
    return BlockResult(height, list(resp.tx_results), resp.app_hash, resp)


def run_block(app: App, txs=(), height: int | None = None, time: int | None = None) -> BlockResult:
    """FinalizeBlock + Commit; the returned app hash is the one now committed."""
    block = finalize(app, txs, height, time)
    app.commit(abci.RequestCommit())
    assert app.app_hash == block.app_hash
    return block


def make_send(key: SigningKey, to: str, amount, sequence: int, account_number: int | None = None,
              chain_id: str = CHAIN_ID, gas_limit: int = GAS_LIMIT, fee: int = FEE, memo: str = "",
              denom: str = DENOM, from_address: str | None = None) -> bytes:
    """A signed MsgSend tx. `account_number` defaults to the test-key index (genesis numbering)."""
    if account_number is None:
        account_number = _index_of(key)
    message = msg_send(from_address or key.bech32, to, amount, denom)
    return build_signed_tx(key, TxSpec(messages=[message], chain_id=chain_id, account_number=account_number,
                                       sequence=sequence, gas_limit=gas_limit, fee_amount=fee, memo=memo))


def sign_messages(key: SigningKey, messages, sequence: int, account_number: int | None = None,
                  chain_id: str = CHAIN_ID, gas_limit: int = GAS_LIMIT, fee: int = FEE, memo: str = "",
                  extra_fee_coins=()) -> bytes:
    """A signed tx carrying arbitrary `google.protobuf.Any` messages."""
    if account_number is None:
        account_number = _index_of(key)
    return build_signed_tx(key, TxSpec(messages=list(messages), chain_id=chain_id, account_number=account_number,
                                       sequence=sequence, gas_limit=gas_limit, fee_amount=fee, memo=memo,
                                       extra_fee_coins=list(extra_fee_coins)))


def _index_of(key: SigningKey) -> int:
    """Genesis account number of a `make_key` key (genesis_state numbers accounts by position)."""
    for i in range(256):
        if make_key(i).secret == key.secret:
            return i
    raise ValueError("not a test key: pass account_number explicitly")


def check(app: App, tx: bytes, recheck: bool = False) -> abci.ResponseCheckTx:
    kind = abci.RECHECK if recheck else abci.NEW
    return app.check_tx(abci.RequestCheckTx(tx=tx, type=kind))


def balance(app: App, address: bytes, denom: str = DENOM, store=None) -> int:
    """Balance in the last committed state (or `store`)."""
    return app.keepers.bank.balance(app.committed_store() if store is None else store, address, denom)


def sequence(app: App, address: bytes, store=None) -> int | None:
    account = app.keepers.auth.get_account(app.committed_store() if store is None else store, address)
    return None if account is None else account.sequence


AUTH_BANK_PREFIXES = auth_keys.PREFIXES + (bank_keys.BALANCE_PREFIX, bank_keys.SUPPLY_PREFIX)


def committed_state(app: App, prefixes: tuple[bytes, ...] = AUTH_BANK_PREFIXES) -> dict:
    """Every committed module-state entry (auth + bank prefixes), for before/after comparisons."""
    store = app.committed_store()
    return {key: value for prefix in prefixes for key, value in store.iterate(prefix)}


def query_balance(app: App, address: str, denom: str = DENOM) -> int:
    from cosmos.bank.v1beta1 import query_pb2 as bank_query

    resp = app.query(abci.RequestQuery(path="/cosmos.bank.v1beta1.Query/Balance",
                                       data=bank_query.QueryBalanceRequest(address=address, denom=denom)
                                       .SerializeToString()))
    assert resp.code == 0, resp.log
    return int(bank_query.QueryBalanceResponse.FromString(resp.value).balance.amount)
