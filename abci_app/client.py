"""gRPC client for a sprintd node (the Cosmos SDK services on :9090) and a sign-and-broadcast helper.

Used by the CLI (`sprintd tx ...`, `sprintd q ...`), tests and tooling. Every call has a deadline;
every gRPC failure becomes a `NodeError` whose message is one line saying what went wrong:

    UNAVAILABLE        -> "cannot reach node gRPC at ADDR; is `sprintd start` running?"
    DEADLINE_EXCEEDED  -> "node gRPC at ADDR did not answer METHOD within Ns"
    INVALID_ARGUMENT   -> the node's details (e.g. "simulation failed: insufficient funds ...")
    UNIMPLEMENTED      -> "node at ADDR does not serve METHOD ..."

`account` and `get_tx` answer None for NOT_FOUND instead of raising.

Fee math is integer-only: a gas price is a fraction (numerator, denominator) of usprint per gas unit,
so 0.025 usprint/gas is (25, 1000) and fee = ceil(gas * 25 / 1000).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import grpc

import cosmpy.protos  # noqa: F401  (puts cosmos/tendermint generated packages on sys.path)
from cosmos.auth.v1beta1 import auth_pb2
from cosmos.auth.v1beta1 import query_pb2 as auth_query_pb2
from cosmos.auth.v1beta1 import query_pb2_grpc as auth_query_grpc
from cosmos.bank.v1beta1 import query_pb2 as bank_query_pb2
from cosmos.bank.v1beta1 import query_pb2_grpc as bank_query_grpc
from cosmos.base.query.v1beta1 import pagination_pb2
from cosmos.consensus.v1 import query_pb2 as consensus_query_pb2
from cosmos.consensus.v1 import query_pb2_grpc as consensus_query_grpc
from cosmos.crypto.secp256k1 import keys_pb2 as secp256k1_pb2
from cosmos.tx.v1beta1 import service_pb2 as tx_service_pb2
from cosmos.tx.v1beta1 import service_pb2_grpc as tx_service_grpc

from chain.modules.bank.metadata import BASE_DENOM
from chain.tx.builder import TxSpec, build_signed_tx, tx_hash
from chain.tx.crypto import SigningKey

DEFAULT_GRPC_ADDRESS = "127.0.0.1:9090"
DEFAULT_DENOM = BASE_DENOM
DEFAULT_GAS_PRICE = (25, 1000)  # 0.025 usprint per gas unit
DEFAULT_GAS_ADJUSTMENT = 1.3
BASE_ACCOUNT_URL = "/" + auth_pb2.BaseAccount.DESCRIPTOR.full_name  # "/cosmos.auth.v1beta1.BaseAccount"
SECP256K1_PUBKEY_URL = "/" + secp256k1_pb2.PubKey.DESCRIPTOR.full_name  # "/cosmos.crypto.secp256k1.PubKey"
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
_MAX_BALANCE_PAGES = 1000

_HASH_RE = re.compile(r"[0-9A-Fa-f]{64}")
_DEC_RE = re.compile(r"(\d+)(?:\.(\d+))?")
_COIN_RE = re.compile(r"(\d+(?:\.\d+)?)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})")


class NodeError(Exception):
    """A gRPC call to the node failed; str() is one line. `code` is the grpc.StatusCode (or None)."""

    def __init__(self, message: str, code: grpc.StatusCode | None = None, details: str = ""):
        super().__init__(message)
        self.code = code
        self.details = details


class TxTimeoutError(NodeError):
    """`wait_for_tx` gave up: the tx was not committed (and indexed) in time."""


class AccountInfo(NamedTuple):
    account_number: int
    sequence: int
    pubkey: bytes | None  # 33-byte compressed secp256k1 key, None before the first signed tx


def normalize_grpc_address(address: str) -> str:
    """"host:port" from "host:port", "http://host:port", "grpc://host:port" or "tcp://host:port"."""
    text = (address or "").strip()
    if not text:
        raise ValueError("empty gRPC address")
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme.lower() not in ("http", "grpc", "tcp"):
            raise ValueError(f"unsupported gRPC address {address!r}: use host:port (TLS is not supported)")
        text = rest.rstrip("/")
    if "/" in text:
        raise ValueError(f"invalid gRPC address {address!r}: use host:port")
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"invalid gRPC address {address!r}: use host:port, e.g. 127.0.0.1:9090")
    if host == "0.0.0.0":  # a listen address; connect locally
        host = "127.0.0.1"
    return f"{host}:{port}"


def normalize_tx_hash(text: str) -> str:
    """Upper-case 64-hex tx hash, accepting an optional 0x prefix; ValueError otherwise."""
    value = (text or "").strip()
    if value[:2] in ("0x", "0X"):
        value = value[2:]
    if not _HASH_RE.fullmatch(value):
        raise ValueError(f"invalid tx hash {text!r}: expected 64 hex characters")
    return value.upper()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class NodeClient:
    """The Cosmos SDK gRPC services of one sprintd node (thread-safe, like the grpc channel)."""

    def __init__(self, grpc_address: str = DEFAULT_GRPC_ADDRESS, timeout: float = 10.0):
        self.address = normalize_grpc_address(grpc_address)
        self.timeout = float(timeout)
        self._channel = grpc.insecure_channel(
            self.address,
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.enable_http_proxy", 0),
            ],
        )
        self._bank = bank_query_grpc.QueryStub(self._channel)
        self._auth = auth_query_grpc.QueryStub(self._channel)
        self._tx = tx_service_grpc.ServiceStub(self._channel)
        self._consensus = consensus_query_grpc.QueryStub(self._channel)

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "NodeClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NodeClient({self.address!r})"

    @property
    def channel(self) -> grpc.Channel:
        """The underlying channel, for stubs of other services (e.g. sprint.* queries)."""
        return self._channel

    def _call(self, method: str, rpc, request, timeout: float | None = None):
        limit = self.timeout if timeout is None else timeout
        try:
            return rpc(request, timeout=limit)
        except grpc.RpcError as err:
            raise self._error(method, err, limit) from None

    def _error(self, method: str, err: grpc.RpcError, limit: float) -> NodeError:
        code = err.code() if hasattr(err, "code") else None
        details = _one_line(err.details() or "") if hasattr(err, "details") else ""
        if code == grpc.StatusCode.UNAVAILABLE:
            message = f"cannot reach node gRPC at {self.address}; is `sprintd start` running?"
        elif code == grpc.StatusCode.DEADLINE_EXCEEDED:
            message = f"node gRPC at {self.address} did not answer {method} within {limit:g}s"
        elif code == grpc.StatusCode.UNIMPLEMENTED:
            message = (f"node at {self.address} does not serve {method}"
                       " (is --node the gRPC port of a sprintd node?)")
        elif code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND,
                      grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.OUT_OF_RANGE):
            message = details or f"{method}: {code.name.lower()}"
        else:
            name = code.name if code is not None else "error"
            message = f"{method} failed ({name}): {details or 'no details'}"
        return NodeError(message, code, details)

    def subscribe_blocks(self, from_height: int = 0):
        """Iterator of sprint.node.v1.BlockCommitted, one per new commit, pushed by the node.
        Raises NodeError when the stream breaks (e.g. the node restarts): resubscribe then."""
        from sprint.node.v1 import query_pb2 as node_pb2, query_pb2_grpc as node_grpc

        stream = node_grpc.EventsStub(self._channel).SubscribeBlocks(
            node_pb2.SubscribeBlocksRequest(from_height=from_height))
        try:
            yield from stream
        except grpc.RpcError as err:
            raise self._error("SubscribeBlocks", err, self.timeout) from None
        finally:
            stream.cancel()

    # ------------------------------------------------------------------ bank / auth

    def balance(self, address: str, denom: str = DEFAULT_DENOM) -> int:
        """Balance of `address` in `denom` (0 when it holds none)."""
        resp = self._call("cosmos.bank.v1beta1.Query/Balance", self._bank.Balance,
                          bank_query_pb2.QueryBalanceRequest(address=address, denom=denom))
        if not resp.HasField("balance") or not resp.balance.amount:
            return 0
        return int(resp.balance.amount)

    def all_balances(self, address: str) -> list[tuple[str, int]]:
        """Every (denom, amount) held by `address`, following pagination, in the node's order."""
        out: list[tuple[str, int]] = []
        next_key = b""
        for _ in range(_MAX_BALANCE_PAGES):
            request = bank_query_pb2.QueryAllBalancesRequest(address=address)
            if next_key:
                request.pagination.CopyFrom(pagination_pb2.PageRequest(key=next_key))
            resp = self._call("cosmos.bank.v1beta1.Query/AllBalances", self._bank.AllBalances, request)
            out.extend((coin.denom, int(coin.amount or 0)) for coin in resp.balances)
            next_key = resp.pagination.next_key if resp.HasField("pagination") else b""
            if not next_key:
                break
        return out

    def account(self, address: str) -> AccountInfo | None:
        """(account_number, sequence, pubkey|None) of `address`, or None if it has no account yet."""
        try:
            resp = self._call("cosmos.auth.v1beta1.Query/Account", self._auth.Account,
                              auth_query_pb2.QueryAccountRequest(address=address))
        except NodeError as err:
            if err.code == grpc.StatusCode.NOT_FOUND:
                return None
            raise
        if not resp.HasField("account"):
            return None
        if resp.account.type_url != BASE_ACCOUNT_URL:
            raise NodeError(f"account {address} has unsupported type {resp.account.type_url!r}")
        base = auth_pb2.BaseAccount()
        base.ParseFromString(resp.account.value)
        pubkey = None
        if base.HasField("pub_key") and base.pub_key.value:
            if base.pub_key.type_url != SECP256K1_PUBKEY_URL:
                raise NodeError(f"account {address} has unsupported key type {base.pub_key.type_url!r}")
            key = secp256k1_pb2.PubKey()
            key.ParseFromString(base.pub_key.value)
            pubkey = bytes(key.key) or None
        return AccountInfo(int(base.account_number), int(base.sequence), pubkey)

    def status(self):
        """`sprint.node.v1.QueryStatusResponse`: last committed height, app hash, chain id."""
        from sprint.node.v1 import query_pb2 as node_query_pb2, query_pb2_grpc as node_query_grpc

        stub = node_query_grpc.QueryStub(self.channel)
        return self._call("sprint.node.v1.Query/Status", stub.Status, node_query_pb2.QueryStatusRequest())

    def latest_height(self) -> int:
        return int(self.status().height)

    def consensus_params(self):
        """CometBFT consensus params (`tendermint.types.ConsensusParams`) as stored by the app."""
        resp = self._call("cosmos.consensus.v1.Query/Params", self._consensus.Params,
                          consensus_query_pb2.QueryParamsRequest())
        return resp.params

    # ------------------------------------------------------------------ txs

    def simulate(self, tx_bytes: bytes) -> int:
        """Gas the node measures for a signed tx (raises NodeError "simulation failed: ..." if it fails)."""
        try:
            resp = self._call("cosmos.tx.v1beta1.Service/Simulate", self._tx.Simulate,
                              tx_service_pb2.SimulateRequest(tx_bytes=tx_bytes))
        except NodeError as err:
            if err.code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION,
                            grpc.StatusCode.UNKNOWN, grpc.StatusCode.NOT_FOUND):
                text = str(err)
                if not text.lower().startswith("simulation failed"):
                    text = f"simulation failed: {text}"
                raise NodeError(text, err.code, err.details) from None
            raise
        return int(resp.gas_info.gas_used)

    def broadcast(self, tx_bytes: bytes, mode: int = tx_service_pb2.BROADCAST_MODE_SYNC):
        """Broadcast signed tx bytes; returns `cosmos.base.abci.v1beta1.TxResponse` (CheckTx result)."""
        resp = self._call("cosmos.tx.v1beta1.Service/BroadcastTx", self._tx.BroadcastTx,
                          tx_service_pb2.BroadcastTxRequest(tx_bytes=tx_bytes, mode=mode))
        return resp.tx_response

    def get_tx(self, hash: str):
        """`GetTxResponse` of a committed, indexed tx, or None while the node does not know it."""
        try:
            return self._call("cosmos.tx.v1beta1.Service/GetTx", self._tx.GetTx,
                              tx_service_pb2.GetTxRequest(hash=normalize_tx_hash(hash)))
        except NodeError as err:
            if err.code == grpc.StatusCode.NOT_FOUND:
                return None
            raise

    def wait_for_tx(self, hash: str, timeout: float = 30.0, poll_interval: float = 0.5):
        """Poll GetTx until the tx is committed; returns its GetTxResponse or raises TxTimeoutError."""
        txhash = normalize_tx_hash(hash)
        deadline = time.monotonic() + max(0.0, float(timeout))
        interval = max(0.05, float(poll_interval))
        while True:
            remaining = deadline - time.monotonic()
            resp = self.get_tx(txhash) if remaining <= 0 else self._get_tx_bounded(txhash, remaining)
            if resp is not None:
                return resp
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TxTimeoutError(
                    f"tx {txhash} was not committed within {float(timeout):g}s "
                    f"(still in the mempool, dropped, or wrong --node); check later with `sprintd q tx {txhash}`"
                )
            time.sleep(min(interval, remaining))

    def _get_tx_bounded(self, txhash: str, remaining: float):
        try:
            return self._call("cosmos.tx.v1beta1.Service/GetTx", self._tx.GetTx,
                              tx_service_pb2.GetTxRequest(hash=txhash),
                              timeout=min(self.timeout, max(remaining, 0.5)))
        except NodeError as err:
            if err.code == grpc.StatusCode.NOT_FOUND:
                return None
            raise


# ---------------------------------------------------------------------- fee math (integers only)


def parse_decimal(text: str) -> tuple[int, int]:
    """"0.025" -> (25, 1000), "2" -> (2, 1): an exact non-negative fraction, no floats involved."""
    match = _DEC_RE.fullmatch((text or "").strip())
    if not match:
        raise ValueError(f"invalid decimal {text!r}: use digits with an optional '.' (e.g. 0.025)")
    whole, frac = match.group(1), match.group(2) or ""
    return int(whole + frac), 10 ** len(frac)


def parse_dec_coin(text: str) -> tuple[int, int, str]:
    """"0.025usprint" -> (25, 1000, "usprint"): a decimal amount per unit and its denom."""
    match = _COIN_RE.fullmatch((text or "").strip())
    if not match:
        raise ValueError(f"invalid decimal coin {text!r}: use AMOUNTDENOM, e.g. 0.025usprint")
    numerator, denominator = parse_decimal(match.group(1))
    return numerator, denominator, match.group(2)


def parse_gas(gas) -> int | None:
    """None for "auto", else the gas limit as a positive int (from an int or a digit string)."""
    if isinstance(gas, str):
        text = gas.strip().lower()
        if text == "auto":
            return None
        if not text.isdigit():
            raise ValueError(f"invalid gas {gas!r}: use 'auto' or a positive integer")
        gas = int(text)
    if isinstance(gas, bool) or not isinstance(gas, int) or gas <= 0:
        raise ValueError(f"invalid gas {gas!r}: use 'auto' or a positive integer")
    return gas


def _as_fraction(value) -> Fraction:
    """Exact fraction of an int, a (num, den) pair, a decimal string or a float (via its repr)."""
    if isinstance(value, tuple):
        num, den = value
        return Fraction(int(num), int(den))
    if isinstance(value, bool):
        raise TypeError("expected a number")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))  # 1.3 -> 13/10, not the binary approximation
    if isinstance(value, str):
        return Fraction(*parse_decimal(value))
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def compute_fee(gas: int, gas_price=DEFAULT_GAS_PRICE) -> int:
    """ceil(gas * price); `gas_price` as (numerator, denominator), e.g. (25, 1000) for 0.025."""
    price = _as_fraction(gas_price)
    if price < 0:
        raise ValueError("gas price must not be negative")
    return _ceil_div(int(gas) * price.numerator, price.denominator)


def adjust_gas(gas_used: int, gas_adjustment=DEFAULT_GAS_ADJUSTMENT) -> int:
    """ceil(gas_used * adjustment); the adjustment is taken exactly (1.3 means 13/10)."""
    factor = _as_fraction(gas_adjustment)
    if factor <= 0:
        raise ValueError("gas adjustment must be positive")
    return _ceil_div(int(gas_used) * factor.numerator, factor.denominator)


# ---------------------------------------------------------------------- sign and broadcast


@dataclass
class TxPlan:
    """A transaction ready to sign: account numbers, gas and fee all decided."""

    messages: list
    chain_id: str
    signer: str  # bech32 address of the key
    account_number: int
    sequence: int
    gas_limit: int
    fee_amount: int
    fee_denom: str = DEFAULT_DENOM
    memo: str = ""
    simulated_gas: int | None = None  # gas_used reported by Simulate when gas was "auto"
    timeout_height: int = 0

    def spec(self) -> TxSpec:
        return TxSpec(messages=list(self.messages), chain_id=self.chain_id,
                      account_number=self.account_number, sequence=self.sequence,
                      gas_limit=self.gas_limit, fee_amount=self.fee_amount, fee_denom=self.fee_denom,
                      memo=self.memo, timeout_height=self.timeout_height)

    def sign(self, key: SigningKey) -> bytes:
        return build_signed_tx(key, self.spec())


def plan_tx(client: NodeClient, key: SigningKey, messages: list, chain_id: str, gas="auto",
            fees: int | None = None, gas_adjustment=DEFAULT_GAS_ADJUSTMENT,
            gas_price=DEFAULT_GAS_PRICE, memo: str = "", *, fee_denom: str = DEFAULT_DENOM,
            account_number: int | None = None, sequence: int | None = None,
            timeout_height: int = 0) -> TxPlan:
    """Fetch account number/sequence (unless given), estimate gas when gas="auto", compute the fee.

    Gas "auto": the tx is signed with no fee and gas limit 0 and simulated; the limit becomes
    ceil(gas_used * gas_adjustment). Fee: `fees` when given, else ceil(gas_limit * gas_price).
    """
    if not messages:
        raise ValueError("a transaction needs at least one message")
    if not chain_id:
        raise ValueError("chain_id is required")
    # Validate everything local before any network call.
    fixed_gas = parse_gas(gas)
    compute_fee(0, gas_price)
    adjust_gas(0, gas_adjustment)
    signer = key.bech32
    account_number, sequence = _account_and_sequence(client, signer, account_number, sequence)
    simulated = None
    if fixed_gas is None:
        probe = TxSpec(messages=list(messages), chain_id=chain_id, account_number=account_number,
                       sequence=sequence, gas_limit=0, fee_amount=0, fee_denom=fee_denom,
                       memo=memo, timeout_height=timeout_height)
        simulated = client.simulate(build_signed_tx(key, probe))
        gas_limit = adjust_gas(simulated, gas_adjustment)
    else:
        gas_limit = fixed_gas
    fee_amount = _fee_amount(gas_limit, fees, gas_price)
    return TxPlan(messages=list(messages), chain_id=chain_id, signer=signer,
                  account_number=int(account_number), sequence=int(sequence), gas_limit=gas_limit,
                  fee_amount=fee_amount, fee_denom=fee_denom, memo=memo, simulated_gas=simulated,
                  timeout_height=timeout_height)


def _account_and_sequence(client: NodeClient, signer: str, account_number: int | None,
                          sequence: int | None) -> tuple[int, int]:
    """The given account number and sequence, the missing ones fetched from the node."""
    if account_number is not None and sequence is not None:
        return account_number, sequence
    info = client.account(signer)
    if info is None:
        raise NodeError(
            f"account {signer} not found on the chain at {client.address}: "
            "it must receive funds before it can send transactions"
        )
    account_number = info.account_number if account_number is None else account_number
    sequence = info.sequence if sequence is None else sequence
    return account_number, sequence


def _fee_amount(gas_limit: int, fees: int | None, gas_price) -> int:
    """`fees` when given (not negative), else ceil(gas_limit * gas_price)."""
    if fees is None:
        return compute_fee(gas_limit, gas_price)
    fee_amount = int(fees)
    if fee_amount < 0:
        raise ValueError("fees must not be negative")
    return fee_amount


def broadcast_plan(client: NodeClient, key: SigningKey, plan: TxPlan):
    """Sign a plan and broadcast it (SYNC); returns the TxResponse (check `.code`)."""
    return client.broadcast(plan.sign(key))


def sign_and_broadcast(client: NodeClient, key: SigningKey, messages: list, chain_id: str,
                       gas="auto", fees: int | None = None, gas_adjustment=DEFAULT_GAS_ADJUSTMENT,
                       gas_price=DEFAULT_GAS_PRICE, memo: str = "", *, fee_denom: str = DEFAULT_DENOM,
                       account_number: int | None = None, sequence: int | None = None):
    """plan_tx + sign + BroadcastTx (SYNC). Returns the TxResponse; `.code != 0` means CheckTx failed."""
    plan = plan_tx(client, key, messages, chain_id, gas=gas, fees=fees, gas_adjustment=gas_adjustment,
                   gas_price=gas_price, memo=memo, fee_denom=fee_denom,
                   account_number=account_number, sequence=sequence)
    return broadcast_plan(client, key, plan)


# ---------------------------------------------------------------------- presentation helpers


def events_to_list(events) -> list[dict]:
    """ABCI events as [{"type", "attributes": [{"key", "value", "index"}]}]."""
    return [
        {
            "type": event.type,
            "attributes": [{"key": a.key, "value": a.value, "index": bool(a.index)}
                           for a in event.attributes],
        }
        for event in events
    ]


def tx_response_dict(resp) -> dict:
    """A TxResponse as the Cosmos SDK CLI prints it (int64 fields as strings, code as a number)."""
    return {
        "height": str(resp.height),
        "txhash": resp.txhash,
        "codespace": resp.codespace,
        "code": int(resp.code),
        "data": resp.data,
        "raw_log": resp.raw_log,
        "info": resp.info,
        "gas_wanted": str(resp.gas_wanted),
        "gas_used": str(resp.gas_used),
        "timestamp": resp.timestamp,
        "events": events_to_list(resp.events),
    }


__all__ = [
    "AccountInfo", "NodeClient", "NodeError", "TxPlan", "TxTimeoutError", "adjust_gas",
    "broadcast_plan", "compute_fee", "events_to_list", "normalize_grpc_address", "normalize_tx_hash",
    "parse_dec_coin", "parse_decimal", "parse_gas", "plan_tx", "sign_and_broadcast", "tx_hash",
    "tx_response_dict",
]
