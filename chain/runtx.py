"""Runs one transaction against a cache branch: decode -> ante -> messages, with revert on failure.

The ante branch (fee + sequence) is kept when messages fail or run out of gas; the message branch is
written only when every message succeeds. Any TxError leaves the parent store unchanged except for
that kept ante branch.

Exceptions are classified so that every node gives the same result for the same block:

* Protocol errors (TxError, OutOfGas) are tx results: the tx fails, the fee is kept (DELIVER).
* Node-local faults (chain.errors.is_node_local_fault: MemoryError, RecursionError, OSError/IOError,
  SystemError, StoreError from the cache layer over the database, plyvel errors) depend on this
  node's memory, stack, disk or database, not on the tx: another node would not see them. In
  DELIVER they propagate out of FinalizeBlock, so the ABCI server answers ResponseException and
  CometBFT halts this node before it commits a divergent state; a restart replays the block. In
  CHECK, RECHECK, SIMULATE and PREPARE (not consensus) they give code 1 "internal error, retry".
* Any other exception (ValueError, KeyError, ... from a handler bug) is deterministic: a crafted
  message raises it identically on every node, so it stays a failed tx with the fee kept. That is
  consistent across nodes and keeps the chain alive instead of letting one message halt it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum

import cosmpy.protos  # noqa: F401
from cosmos.base.abci.v1beta1.abci_pb2 import TxMsgData

from chain.context import BlockInfo, Context, Event
from chain.errors import TxError, is_node_local_fault
from chain.gas import GasMeter, GasStore, OutOfGas
from chain.modules.auth.params import gas_cost_table
from chain.tx.ante import SignatureCache, run_ante
from chain.tx.decode import DecodedTx, decode_tx

log = logging.getLogger("sprint.tx")

INTERNAL_RETRY_LOG = "internal error, retry"


class Mode(Enum):
    CHECK = "check"
    RECHECK = "recheck"
    SIMULATE = "simulate"
    DELIVER = "deliver"
    PREPARE = "prepare"  # ante only, to drop txs that would now fail


@dataclass
class TxOutcome:
    code: int = 0
    codespace: str = ""
    log: str = ""
    gas_wanted: int = 0
    gas_used: int = 0
    events: list[Event] = field(default_factory=list)
    tx: DecodedTx | None = None
    msg_responses: list = field(default_factory=list)  # google.protobuf.Any, one per message (success only)

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def data(self) -> bytes:
        """ExecTxResult.data as the SDK fills it: a serialized cosmos.base.abci.v1beta1.TxMsgData
        with one response Any per message; empty for a failed tx. Deterministic bytes: CometBFT's
        results hash covers them."""
        if not self.ok or not self.msg_responses:
            return b""
        return TxMsgData(msg_responses=self.msg_responses).SerializeToString(deterministic=True)


def _failure(err: TxError, gas_wanted: int = 0, gas_used: int = 0, events=None, tx=None) -> TxOutcome:
    return TxOutcome(err.code, err.codespace, err.log, gas_wanted, gas_used, events or [], tx)


def _internal(err: Exception, mode: Mode, where: str, tx_hash: str = "") -> TxError:
    """The tx error for an unexpected exception, or re-raise it when it is a node-local fault in DELIVER."""
    if is_node_local_fault(err):
        if mode is Mode.DELIVER:
            log.error("node-local fault %s %s: halting FinalizeBlock", where, tx_hash)
            raise err
        log.exception("node-local fault %s %s (%s mode)", where, tx_hash, mode.value)
        return TxError(f"{INTERNAL_RETRY_LOG}: {type(err).__name__}")
    log.exception("internal error %s %s", where, tx_hash)
    return TxError(f"internal error: {type(err).__name__}")


class TxRunner:
    """Executes transactions for the App; holds the signature cache shared by all modes."""

    def __init__(self, keepers, router, sig_cache: SignatureCache | None = None):
        self.keepers = keepers
        self.router = router
        self.sig_cache = sig_cache if sig_cache is not None else SignatureCache()

    def decode(self, raw: bytes, params, simulate: bool = False) -> DecodedTx:
        return decode_tx(raw, self.router, params.max_tx_bytes, simulate)

    def run(self, parent, block: BlockInfo, raw: bytes, mode: Mode, params) -> TxOutcome:
        """Run `raw` on a branch of `parent`, writing back what the mode and outcome allow.

        Raises a node-local fault in DELIVER mode (see the module docstring)."""
        try:
            tx = self.decode(raw, params, simulate=mode is Mode.SIMULATE)
        except TxError as err:
            return _failure(err)
        except Exception as err:  # malformed input must never escape as an exception
            return _failure(_internal(err, mode, "decoding tx"))
        gas_wanted = tx.auth_info.fee.gas_limit
        # Simulation has no gas limit of its own: it may use at most what a real tx could.
        meter = GasMeter(params.max_tx_gas if mode is Mode.SIMULATE else gas_wanted)
        ante_branch = parent.branch()
        ctx = Context(GasStore(ante_branch, meter, gas_cost_table(params)), block, meter,
                      check_tx=mode in (Mode.CHECK, Mode.RECHECK, Mode.PREPARE),
                      recheck_tx=mode is Mode.RECHECK, simulate=mode is Mode.SIMULATE)
        signatures = self.sig_cache.batch()
        try:
            run_ante(ctx, self.keepers, tx, params, signatures)
        except OutOfGas as oog:
            return _failure(oog.to_tx_error(), gas_wanted, meter.consumed, tx=tx)
        except TxError as err:
            return _failure(err, gas_wanted, meter.consumed, tx=tx)
        except Exception as err:  # noqa: BLE001 - classified by _internal
            return _failure(_internal(err, mode, "in ante handler for tx", tx.hash_hex), gas_wanted,
                            meter.consumed, tx=tx)
        if mode in (Mode.RECHECK, Mode.PREPARE):
            ante_branch.write()
            return TxOutcome(gas_wanted=gas_wanted, gas_used=meter.consumed, events=ctx.events, tx=tx)
        outcome = self._run_messages(ctx, ante_branch, tx, mode, gas_wanted)
        if mode is Mode.CHECK and outcome.ok:
            # Only a tx that passed caches its signatures: a rejected one must not fill the cache
            # for free. DELIVER only reads the cache (its txs were cached when CheckTx admitted them).
            signatures.commit()
        return outcome

    def _run_messages(self, ctx: Context, ante_branch, tx: DecodedTx, mode: Mode, gas_wanted: int) -> TxOutcome:
        msg_branch = ante_branch.branch()
        msg_ctx = ctx.with_store(GasStore(msg_branch, ctx.gas_meter, ctx.store.costs))
        try:
            responses = self._handle_messages(msg_ctx, tx)
        except OutOfGas as oog:
            return self._keep_ante(ctx, ante_branch, mode, oog.to_tx_error(), gas_wanted, tx)
        except TxError as err:
            return self._keep_ante(ctx, ante_branch, mode, err, gas_wanted, tx)
        except Exception as err:  # noqa: BLE001 - a deterministic handler bug stays a failed tx
            internal = _internal(err, mode, "executing tx", tx.hash_hex)
            return self._keep_ante(ctx, ante_branch, mode, internal, gas_wanted, tx)
        # CheckTx executes messages too (on a discarded branch) so a tx that would fail, e.g. for
        # insufficient funds, is refused before it can cost its sender a fee.
        if mode is not Mode.CHECK:
            msg_branch.write()
        ante_branch.write()
        return TxOutcome(gas_wanted=gas_wanted, gas_used=ctx.gas_meter.consumed,
                         events=ctx.events + msg_ctx.events, tx=tx, msg_responses=responses)

    def _handle_messages(self, msg_ctx: Context, tx: DecodedTx) -> list:
        """Run each message; tag the events it emitted with `msg_index` (its position, as SDK v0.50+
        does) and return the response Any of each."""
        responses = []
        for index, (type_url, msg) in enumerate(tx.msgs):
            first = len(msg_ctx.events)
            result = self.router.route(type_url).handle(msg_ctx, msg)
            for event in msg_ctx.events[first:]:
                event.attributes.append(("msg_index", str(index)))
            responses.append(self.router.response_any(type_url, result))
        return responses

    def _keep_ante(self, ctx, ante_branch, mode: Mode, err: TxError, gas_wanted: int, tx) -> TxOutcome:
        if mode is Mode.DELIVER:
            ante_branch.write()  # the fee is kept and the sequence advances, as in the SDK
        return _failure(err, gas_wanted, ctx.gas_meter.consumed, ctx.events, tx)
