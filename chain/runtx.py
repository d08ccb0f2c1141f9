"""Runs one transaction against a cache branch: decode -> ante -> messages, with revert on failure.

The ante branch (fee + sequence) is kept when messages fail or run out of gas; the message branch is
written only when every message succeeds. Any TxError leaves the parent store unchanged except for
that kept ante branch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum

from chain.context import BlockInfo, Context, Event
from chain.errors import TxError
from chain.gas import GasMeter, GasStore, OutOfGas
from chain.modules.auth.params import gas_cost_table
from chain.tx.ante import SignatureCache, run_ante
from chain.tx.decode import DecodedTx, decode_tx

log = logging.getLogger("sprint.tx")


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

    @property
    def ok(self) -> bool:
        return self.code == 0


def _failure(err: TxError, gas_wanted: int = 0, gas_used: int = 0, events=None, tx=None) -> TxOutcome:
    return TxOutcome(err.code, err.codespace, err.log, gas_wanted, gas_used, events or [], tx)


class TxRunner:
    """Executes transactions for the App; holds the signature cache shared by all modes."""

    def __init__(self, keepers, router):
        self.keepers = keepers
        self.router = router
        self.sig_cache = SignatureCache()

    def decode(self, raw: bytes, params) -> DecodedTx:
        return decode_tx(raw, self.router, params.max_tx_bytes)

    def run(self, parent, block: BlockInfo, raw: bytes, mode: Mode, params) -> TxOutcome:
        """Run `raw` on a branch of `parent`, writing back what the mode and outcome allow."""
        try:
            tx = self.decode(raw, params)
        except TxError as err:
            return _failure(err)
        except Exception as err:  # malformed input must never escape as an exception
            log.exception("internal error decoding tx")
            return _failure(TxError(f"internal error decoding tx: {type(err).__name__}"))
        gas_wanted = tx.auth_info.fee.gas_limit
        meter = GasMeter(None if mode is Mode.SIMULATE else gas_wanted)
        costs = gas_cost_table(params)
        ante_branch = parent.branch()
        ctx = Context(GasStore(ante_branch, meter, costs), block, meter,
                      check_tx=mode in (Mode.CHECK, Mode.RECHECK, Mode.PREPARE),
                      recheck_tx=mode is Mode.RECHECK, simulate=mode is Mode.SIMULATE)
        try:
            run_ante(ctx, self.keepers, tx, params, self.sig_cache)
        except OutOfGas as oog:
            return _failure(oog.to_tx_error(), gas_wanted, meter.consumed, tx=tx)
        except TxError as err:
            return _failure(err, gas_wanted, meter.consumed, tx=tx)
        except Exception as err:  # noqa: BLE001 - see _run_messages
            log.exception("internal error in ante handler for tx %s", tx.hash_hex)
            return _failure(TxError(f"internal error: {type(err).__name__}"), gas_wanted, meter.consumed, tx=tx)
        if mode in (Mode.RECHECK, Mode.PREPARE):
            ante_branch.write()
            return TxOutcome(gas_wanted=gas_wanted, gas_used=meter.consumed, events=ctx.events, tx=tx)
        return self._run_messages(ctx, ante_branch, tx, mode, gas_wanted)

    def _run_messages(self, ctx: Context, ante_branch, tx: DecodedTx, mode: Mode, gas_wanted: int) -> TxOutcome:
        msg_branch = ante_branch.branch()
        msg_ctx = ctx.with_store(GasStore(msg_branch, ctx.gas_meter, ctx.store.costs))
        try:
            for type_url, msg in tx.msgs:
                self.router.route(type_url).handle(msg_ctx, self.keepers, msg)
        except OutOfGas as oog:
            return self._keep_ante(ctx, ante_branch, mode, oog.to_tx_error(), gas_wanted, tx)
        except TxError as err:
            return self._keep_ante(ctx, ante_branch, mode, err, gas_wanted, tx)
        except Exception as err:  # a bug in a handler must not take the node down
            log.exception("internal error executing tx %s", tx.hash_hex)
            internal = TxError(f"internal error: {type(err).__name__}")
            return self._keep_ante(ctx, ante_branch, mode, internal, gas_wanted, tx)
        # CheckTx executes messages too (on a discarded branch) so a tx that would fail, e.g. for
        # insufficient funds, is refused before it can cost its sender a fee.
        if mode is not Mode.CHECK:
            msg_branch.write()
        ante_branch.write()
        return TxOutcome(gas_wanted=gas_wanted, gas_used=ctx.gas_meter.consumed,
                         events=ctx.events + msg_ctx.events, tx=tx)

    def _keep_ante(self, ctx, ante_branch, mode: Mode, err: TxError, gas_wanted: int, tx) -> TxOutcome:
        if mode is Mode.DELIVER:
            ante_branch.write()  # the fee is kept and the sequence advances, as in the SDK
        return _failure(err, gas_wanted, ctx.gas_meter.consumed, ctx.events, tx)
