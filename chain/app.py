"""The block pipeline: ABCI 2.0 requests in, responses out, state in a KV database.

State lives in three layers: the committed database (read through an immutable snapshot), the
block cache that FinalizeBlock writes into, and the check cache that CheckTx writes into. Commit
writes the block cache, the height, the app hash and the tx index in one atomic batch, then
resets both caches on a fresh snapshot. Nothing reaches the database before Commit.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci
from tendermint.types.params_pb2 import ConsensusParams

from chain.abci_results import (  # noqa: F401 (MAX_LOG_CHARS, QUERY_ERRORS: part of this module's API)
    MAX_LOG_CHARS, QUERY_ERRORS, bounded_log, exec_result, index_entry, query_error, to_abci_events, validator_update,
)
from chain.apphash import compute_app_hash
from chain.context import BlockInfo, Context, Event
from chain.errors import TxError, is_node_local_fault
from chain.gas import GasMeter
from chain.invariants import block_start, check_block
from chain.modules import registry
from chain.query import QueryError
from chain.runtx import Mode, TxOutcome, TxRunner
from chain.store import meta
from chain.store.cache import CacheStore
from chain.tx.ante import DEFAULT_SIG_CACHE_BYTES, SignatureCache
from chain.tx.limits import BlockGasMeter, BlockLimits, check_tx_gas, clamp_int64

log = logging.getLogger("sprint.app")

APP_NAME = "sprintchain"
APP_VERSION = 1
DEFAULT_QUERY_HISTORY = 100  # recent heights whose state queries may still read


@dataclass
class PendingCommit:
    height: int
    app_hash: bytes
    time_seconds: int
    index: list[tuple[bytes, bytes]] = field(default_factory=list)  # (tx hash, TxResult bytes)


class App:
    """The sprintchain state machine. Thread-safe: every entry point takes the app lock."""

    def __init__(self, db, sync_writes: bool = True, query_history: int = DEFAULT_QUERY_HISTORY,
                 sig_cache_bytes: int = DEFAULT_SIG_CACHE_BYTES, admission=None):
        self.db = db
        # Optional node-local check of new txs in CheckTx only (abci_app/admission.py): raw tx ->
        # raises TxError to refuse. Consensus paths never consult it.
        self.admission = admission
        self.sync_writes = sync_writes
        self.query_history = max(0, query_history)
        self._recent: OrderedDict[int, object] = OrderedDict()  # height -> snapshot, oldest first
        self.lock = threading.RLock()
        self.keepers = registry.build_keepers()
        self.modules = registry.ModuleManager(self.keepers)
        self.router = self.modules.router()
        self.queries = self.modules.query_router()
        self.runner = TxRunner(self.keepers, self.router, SignatureCache(max_bytes=sig_cache_bytes))
        # Extra ABCI query paths served by the node process (e.g. the tx service), path -> fn(data, height)
        self.node_queries: dict = {}
        self.height = meta.read_height(db)
        self.app_hash = meta.read_app_hash(db)
        self.chain_id = meta.read_chain_id(db)
        self.pending: PendingCommit | None = None
        self._genesis_writes: dict[bytes, bytes | None] = {}  # InitChain's state until block 1 commits
        self._consensus_params = self._read_consensus_params(db)
        self.commit_listeners: list = []  # called with the new height after every Commit
        self._pending_meta: dict[bytes, bytes] = {}
        self.stats = {"txs_committed": 0, "txs_failed": 0, "check_tx": 0, "check_tx_rejected": 0}
        self._reset_caches()

    # --- state layers -------------------------------------------------------------------------

    def _reset_caches(self) -> None:
        self.committed = self.db.snapshot()
        self._view = (self.committed, self.height)  # read together by queries, swapped atomically
        self.block_cache = CacheStore(self.committed)
        self.check_cache = CacheStore(self.committed)
        self._params = self._load_params(self.committed)
        self._sim_view = (self.committed, self.height, self._params)  # what Simulate reads, lock-free
        self._remember(self.height, self.committed)

    def _remember(self, height: int, snapshot) -> None:
        if height and self.query_history:
            self._recent[height] = snapshot
            while len(self._recent) > self.query_history:
                self._recent.popitem(last=False)

    def _load_params(self, store):
        try:
            return self.keepers.auth.get_params(store)
        except RuntimeError:
            return None

    def _fresh_block_cache(self) -> CacheStore:
        """A block cache over the last committed state (plus InitChain's state before block 1).

        FinalizeBlock always starts here: CometBFT may finalize a height again (its handshake replays
        the last block when it died before Commit while this process kept running), and the second
        execution must not see the first one's uncommitted writes.
        """
        cache = CacheStore(self.committed)
        if self.height == 0:
            cache.writes.update(self._genesis_writes)
        return cache

    @staticmethod
    def _read_consensus_params(store) -> ConsensusParams | None:
        raw = store.get(meta.CONSENSUS_PARAMS_KEY)
        return ConsensusParams.FromString(raw) if raw is not None else None

    def block_limits(self) -> BlockLimits:
        """Gas limits every node enforces on a block's txs (auth params + consensus block.max_gas)."""
        max_block_gas = self._consensus_params.block.max_gas if self._consensus_params is not None else -1
        return BlockLimits(max_tx_gas=self._params.max_tx_gas, max_block_gas=max_block_gas)

    def committed_store(self):
        """An immutable view of the last committed state, for queries."""
        return self.committed

    def committed_view(self):
        """(snapshot, height) of the last commit, read together."""
        return self._view

    def view_at(self, height: int):
        """(snapshot, height) at `height` (0: the latest) if it is within the query history window;
        QueryError(invalid_argument) otherwise."""
        store, latest = self._view
        if height in (0, latest):
            return store, latest
        if height > latest:
            raise QueryError("invalid_argument", f"height {height} is not committed yet (latest is {latest})")
        snapshot = self._recent.get(height)
        if snapshot is None:
            raise QueryError("invalid_argument", f"height {height} is no longer queryable: this node keeps the "
                                                 f"last {self.query_history} heights (query_history in app.toml)")
        return snapshot, height

    # --- ABCI: connection handshake -----------------------------------------------------------

    def info(self, req: abci.RequestInfo) -> abci.ResponseInfo:
        """Last committed height and app hash. Uncommitted block state is not dropped here (CometBFT's
        `abci_info` RPC also calls Info, between FinalizeBlock and Commit); FinalizeBlock ignores it."""
        with self.lock:
            return abci.ResponseInfo(
                data=APP_NAME, version="0.1.0", app_version=APP_VERSION,
                last_block_height=self.height, last_block_app_hash=self.app_hash if self.height else b"",
            )

    def init_chain(self, req: abci.RequestInitChain) -> abci.ResponseInitChain:
        """Load app_state from genesis into the block cache (committed with the first block)."""
        with self.lock:
            app_state = json.loads(req.app_state_bytes or b"{}")
            self.chain_id = req.chain_id
            self.block_cache = CacheStore(self.committed)
            self.modules.init_genesis(self.block_cache, app_state)
            self.modules.check_genesis_validators(
                self.block_cache, [(v.pub_key.ed25519, v.power) for v in req.validators])
            self._genesis_writes = dict(self.block_cache.writes)
            self._consensus_params = req.consensus_params
            self._params = self.keepers.auth.get_params(self.block_cache)
            self.app_hash = compute_app_hash(b"", 0, self.block_cache.sorted_writes())
            self._pending_meta[meta.CHAIN_ID_KEY] = req.chain_id.encode()
            self._pending_meta[meta.CONSENSUS_PARAMS_KEY] = req.consensus_params.SerializeToString()
            log.info("init_chain chain_id=%s app_hash=%s", req.chain_id, self.app_hash.hex())
            return abci.ResponseInitChain(app_hash=self.app_hash)

    # --- ABCI: mempool ------------------------------------------------------------------------

    def check_tx(self, req: abci.RequestCheckTx) -> abci.ResponseCheckTx:
        with self.lock:
            mode = Mode.RECHECK if req.type == abci.RECHECK else Mode.CHECK
            refused = self._admit(req.tx) if mode is Mode.CHECK else None
            outcome = refused or self._run(self.check_cache, self._check_block(), req.tx, mode)
            self.stats["check_tx"] += 1
            self.stats["check_tx_rejected"] += 0 if outcome.ok else 1
            return abci.ResponseCheckTx(
                code=outcome.code, codespace=outcome.codespace, log=bounded_log(outcome.log),
                gas_wanted=clamp_int64(outcome.gas_wanted), gas_used=clamp_int64(outcome.gas_used),
            )

    def _admit(self, raw: bytes) -> TxOutcome | None:
        """The node-local admission check's refusal, or None to run the tx (a failing check admits)."""
        if self.admission is None:
            return None
        try:
            self.admission(raw)
        except TxError as err:
            return TxOutcome(code=err.code, codespace=err.codespace, log=err.log)
        except Exception:  # noqa: BLE001 - an optional local check must never break CheckTx
            log.exception("admission check failed; admitting the tx")
        return None

    def simulate(self, tx_bytes: bytes) -> TxOutcome:
        """Run a tx on a throwaway branch of the last committed state, gas capped at `max_tx_gas`.

        It takes no app lock: it reads an immutable snapshot, so simulations never stall consensus.
        """
        store, height, params = self._sim_view
        if params is None:
            return TxOutcome(code=1, codespace="sdk", log="chain not initialised yet")
        block = BlockInfo(height + 1, 0, 0, self.chain_id)
        return self.runner.run(CacheStore(store), block, tx_bytes, Mode.SIMULATE, params)

    def _check_block(self) -> BlockInfo:
        return BlockInfo(self.height + 1, 0, 0, self.chain_id)

    def _run(self, store, block: BlockInfo, raw: bytes, mode: Mode) -> TxOutcome:
        if self._params is None:
            return TxOutcome(code=1, codespace="sdk", log="chain not initialised yet")
        return self.runner.run(store, block, raw, mode, self._params)

    # --- ABCI: consensus ----------------------------------------------------------------------

    def prepare_proposal(self, req: abci.RequestPrepareProposal) -> abci.ResponsePrepareProposal:
        """Keep, in order, the txs that still pass the ante checks and fit the block's bytes and gas."""
        with self.lock:
            if self._params is None:
                return abci.ResponsePrepareProposal(txs=[])
            scratch = CacheStore(self.committed)
            block = BlockInfo(req.height, req.time.seconds, req.time.nanos, self.chain_id)
            block_gas = BlockGasMeter(self.block_limits())
            chosen, size = [], 0
            for raw in req.txs:
                if size + len(raw) > req.max_tx_bytes:
                    continue
                branch = scratch.branch()  # a tx dropped for gas must not advance its sender's sequence
                outcome = self._run(branch, block, raw, Mode.PREPARE)
                if outcome.ok and block_gas.fits(outcome.tx):
                    branch.write()
                    block_gas.admit(outcome.tx)
                    chosen.append(raw)
                    size += len(raw)
            return abci.ResponsePrepareProposal(txs=chosen)

    def process_proposal(self, req: abci.RequestProcessProposal) -> abci.ResponseProcessProposal:
        """Reject a proposal carrying any tx that does not decode, breaks a stateless rule or a
        consensus limit (gas per tx, gas per block): an honest proposer never includes one."""
        with self.lock:
            if self._params is None:
                return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.ACCEPT)
            try:
                self._check_proposal_txs(req.txs)
            except TxError as err:
                log.warning("rejecting proposal at height %d: %s", req.height, err.log[:200])
                return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.REJECT)
            return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.ACCEPT)

    def _check_proposal_txs(self, txs) -> None:
        limits = self.block_limits()
        block_gas = BlockGasMeter(limits)
        for raw in txs:
            try:
                tx = self.runner.decode(raw, self._params)
            except TxError:
                raise
            except Exception as err:  # noqa: BLE001 - junk from a byzantine proposer
                if is_node_local_fault(err):
                    raise  # this node's fault, not the proposal's: halt rather than vote differently
                raise TxError(f"undecodable tx: {type(err).__name__}") from err
            check_tx_gas(tx, limits)
            block_gas.admit(tx)

    def finalize_block(self, req: abci.RequestFinalizeBlock) -> abci.ResponseFinalizeBlock:
        """Execute the block into a fresh block cache: decode -> ante -> messages for each tx, then
        end block, invariants and the app hash. Commit persists it."""
        with self.lock:
            if req.height != self.height + 1 and self.height != 0:
                raise RuntimeError(f"finalize_block height {req.height} after committed {self.height}")
            block = BlockInfo(req.height, req.time.seconds, req.time.nanos, self.chain_id, req.proposer_address,
                              req.hash)
            self.block_cache, self.pending = self._fresh_block_cache(), None
            supply_before = block_start(self.block_cache, self.keepers.bank)
            pending = PendingCommit(req.height, b"", req.time.seconds)
            self._begin_block(block)
            results, tx_events = self._deliver_txs(block, req.txs, pending)
            end_events, updates = self._end_block(block)
            self._check_invariants(supply_before, tx_events + end_events, req.height)
            pending.app_hash = self._app_hash(req.height)
            self.pending = pending
            return abci.ResponseFinalizeBlock(
                tx_results=results, app_hash=pending.app_hash, events=to_abci_events(end_events),
                validator_updates=[validator_update(pubkey, power) for pubkey, power in updates])

    # The named steps of FinalizeBlock, in order.

    def _begin_block(self, block: BlockInfo) -> None:
        """Every module's begin-block hook (events of this step are not reported: no module has one)."""
        self.modules.begin_block(Context(self.block_cache, block, GasMeter(None)))

    def _deliver_txs(self, block: BlockInfo, txs, pending: PendingCommit) -> tuple[list, list[Event]]:
        """Each tx through decode -> ante -> messages (TxRunner), indexed; the results and tx events."""
        results, tx_events = [], []
        for index, raw in enumerate(txs):
            outcome = self._run(self.block_cache, block, raw, Mode.DELIVER)
            result = exec_result(outcome)
            results.append(result)
            tx_events.extend(outcome.events)
            self.stats["txs_committed" if outcome.ok else "txs_failed"] += 1
            self._index_tx(pending, block.height, index, raw, result)
        return results, tx_events

    def _end_block(self, block: BlockInfo) -> tuple[list[Event], list[tuple[bytes, int]]]:
        """Every module's end-block hook in order; their events and the validator updates."""
        end = Context(self.block_cache, block, GasMeter(None))
        updates = self.modules.end_block(end)
        return end.events, updates

    def _check_invariants(self, supply_before, events: list[Event], height: int) -> None:
        """The supply invariant over the block's writes (raises InvariantBroken: the node halts)."""
        check_block(self.block_cache, self.keepers.bank, supply_before, events, height)

    def _app_hash(self, height: int) -> bytes:
        """The new app hash: the previous one chained with this block's sorted writes."""
        return compute_app_hash(self.app_hash, height, self.block_cache.sorted_writes())

    def _index_tx(self, pending: PendingCommit, height: int, index: int, raw: bytes, result) -> None:
        """Record a tx in the index; a failed replay never hides the earlier successful entry."""
        tx_hash, entry = index_entry(height, index, raw, result)
        if result.code != 0:
            if any(h == tx_hash and abci.TxResult.FromString(e).result.code == 0 for h, e in pending.index):
                return
            found = meta.read_tx(self.committed, tx_hash)
            if found is not None and found[0].result.code == 0:
                return
        pending.index.append((tx_hash, entry))

    def commit(self, req: abci.RequestCommit | None = None) -> abci.ResponseCommit:
        """Persist the finalized block atomically and move every view to the new state."""
        with self.lock:
            pending = self.pending
            if pending is None:
                raise RuntimeError("commit without finalize_block")
            puts = dict(self.block_cache.writes)
            puts.update(self._pending_meta)
            puts.update(meta.commit_entries(pending.height, pending.app_hash, pending.time_seconds, pending.index))
            self.db.write_batch(puts, sync=self.sync_writes)
            self.height, self.app_hash = pending.height, pending.app_hash
            self.pending, self._pending_meta = None, {}
            self._reset_caches()
        for listener in self.commit_listeners:
            listener(pending.height)
        return abci.ResponseCommit(retain_height=0)

    # --- ABCI: queries ------------------------------------------------------------------------

    def query(self, req: abci.RequestQuery) -> abci.ResponseQuery:
        """Route `path` (a gRPC method name) to its handler over the committed state at `req.height`
        (0: the latest; older heights within the query history window)."""
        height = self._view[1]
        try:
            store, height = self.view_at(req.height)
            node_query = self.node_queries.get(req.path)
            if node_query is not None:
                value = node_query(req.data, height)
            else:
                value = self.queries.query_bytes(req.path, req.data, store, self.keepers)
        except QueryError as err:
            return query_error(err, height)
        return abci.ResponseQuery(code=0, value=value, height=height)

    # --- helpers for servers ------------------------------------------------------------------

    def get_tx(self, tx_hash: bytes):
        """(TxResult, block time seconds) from the committed tx index, or None."""
        return meta.read_tx(self.committed, tx_hash)

    def consensus_params(self):
        """The consensus params recorded at InitChain, or None before the first commit."""
        return self._read_consensus_params(self.committed)

    def export_genesis(self) -> dict:
        return self.modules.export_genesis(self.committed)
