"""Re-execute a node's CometBFT block store from genesis in a fresh in-memory App and compare.

CometBFT records the app hash of height h in block h+1's header (`app_hash`) and the hash of
block h's deterministic tx results in block h+1's `last_results_hash`. `replay_chain` drives a new
`App(MemoryDB())` exactly as CometBFT does (InitChain from the genesis document, then per block
FinalizeBlock + Commit), checks both hashes for every height it can, optionally checks the node's
own committed app hash, and reports the first height where they differ.

Blocks come from a `BlockSource`: `RpcBlockSource` (a running CometBFT's RPC) or
`StoreBlockSource` (CometBFT's LevelDB block store, `data/blockstore.db`, CometBFT stopped); both
live in `abci_app.replay_sources` and are importable from here.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci
from tendermint.crypto.keys_pb2 import PublicKey
from tendermint.types.params_pb2 import ConsensusParams

from abci_app.replay_sources import (  # noqa: F401 - re-exported: callers import every name from here
    Block, BlockSource, ReplayError, RpcBlockSource, StoreBlockSource, block_from_proto, block_from_rpc,
    genesis_powers, parse_rfc3339,
)
from chain.app import App
from chain.store import meta
from chain.store.memory import MemoryDB


@dataclass
class Mismatch:
    height: int
    what: str  # "app_hash" | "last_results_hash" | "node_app_hash" | "tx_index"
    expected: bytes
    got: bytes

    def to_dict(self) -> dict:
        return {"height": self.height, "what": self.what, "expected": self.expected.hex().upper(),
                "got": self.got.hex().upper()}


@dataclass
class ReplayReport:
    first: int
    last: int  # last height executed (first - 1 when none)
    checked: list[int] = field(default_factory=list)  # heights compared with CometBFT's headers
    node_checked: int | None = None  # height compared with the node's own committed app hash
    divergence: Mismatch | None = None
    app: App | None = None
    app_hashes: dict[int, bytes] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.divergence is None

    def supply(self) -> dict[str, int]:
        """Total supply per denom in the replayed state at `last`."""
        return dict(self.app.keepers.bank.all_supply(self.app.committed)) if self.app else {}

    def summary(self) -> str:
        if self.last < self.first and self.divergence is None:
            return "no blocks to replay yet (the chain has not committed a block)"
        if self.divergence is not None:
            d = self.divergence
            return (f"first divergence at height {d.height} ({d.what}): expected {d.expected.hex().upper()} "
                    f"got {d.got.hex().upper()}")
        node = f"; height {self.node_checked} also matches sprintd's own" if self.node_checked else ""
        return (f"replayed {self.first}..{self.last}: all app hashes match "
                f"({len(self.checked)} heights checked against CometBFT's headers{node})")

    def to_dict(self) -> dict:
        return {
            "first_height": self.first, "last_height": self.last, "ok": self.ok,
            "checked_heights": len(self.checked), "node_checked_height": self.node_checked,
            "divergence": self.divergence.to_dict() if self.divergence else None,
            "app_hash": self.app_hashes.get(self.last, b"").hex().upper(),
            "supply": {denom: str(amount) for denom, amount in self.supply().items()},
            "summary": self.summary(),
        }


# --- genesis -> InitChain ---------------------------------------------------------------------

def consensus_params_proto(params: dict) -> ConsensusParams:
    """genesis.json `consensus_params` (CometBFT's JSON: int64 as strings, durations in ns)."""
    out = ConsensusParams()
    block, evidence = params.get("block") or {}, params.get("evidence") or {}
    out.block.max_bytes = int(block.get("max_bytes", 0))
    out.block.max_gas = int(block.get("max_gas", 0))
    out.evidence.max_age_num_blocks = int(evidence.get("max_age_num_blocks", 0))
    duration = int(evidence.get("max_age_duration", 0))
    out.evidence.max_age_duration.seconds, out.evidence.max_age_duration.nanos = divmod(duration, 10**9)
    out.evidence.max_bytes = int(evidence.get("max_bytes", 0))
    out.validator.pub_key_types.extend((params.get("validator") or {}).get("pub_key_types") or [])
    out.version.app = int((params.get("version") or {}).get("app", 0))
    out.abci.vote_extensions_enable_height = int((params.get("abci") or {}).get("vote_extensions_enable_height", 0))
    return out


def _pubkey(key: dict) -> PublicKey:
    raw = base64.b64decode(key["value"])
    if key.get("type", "").endswith("PubKeySecp256k1"):
        return PublicKey(secp256k1=raw)
    return PublicKey(ed25519=raw)


def init_chain_request(genesis: dict) -> abci.RequestInitChain:
    """The RequestInitChain CometBFT sends for this genesis document."""
    return abci.RequestInitChain(
        time=parse_rfc3339(genesis["genesis_time"]), chain_id=genesis["chain_id"],
        consensus_params=consensus_params_proto(genesis.get("consensus_params") or {}),
        validators=[abci.ValidatorUpdate(pub_key=_pubkey(v["pub_key"]), power=int(v["power"]))
                    for v in genesis.get("validators") or []],
        app_state_bytes=json.dumps(genesis.get("app_state") or {}).encode(),
        initial_height=initial_height(genesis),
    )


def initial_height(genesis: dict) -> int:
    """genesis `initial_height`; CometBFT reads 0 or a missing value as 1."""
    return max(1, int(genesis.get("initial_height") or 1))


# --- hashes -----------------------------------------------------------------------------------


def merkle_root(items: list[bytes]) -> bytes:
    """CometBFT's RFC 6962 Merkle root (crypto/merkle.HashFromByteSlices)."""
    if not items:
        return hashlib.sha256(b"").digest()
    if len(items) == 1:
        return hashlib.sha256(b"\x00" + items[0]).digest()
    split = 1 << ((len(items) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + merkle_root(items[:split]) + merkle_root(items[split:])).digest()


def results_hash(tx_results) -> bytes:
    """`last_results_hash`: Merkle root of each result's deterministic part (code, data, gas)."""
    return merkle_root([abci.ExecTxResult(code=r.code, data=r.data, gas_wanted=r.gas_wanted,
                                          gas_used=r.gas_used).SerializeToString() for r in tx_results])


# --- the replay -------------------------------------------------------------------------------


def finalize_request(block: Block, powers: dict[bytes, int]) -> abci.RequestFinalizeBlock:
    """The RequestFinalizeBlock CometBFT builds for `block` (validator powers of height-1)."""
    votes = [abci.VoteInfo(validator=abci.Validator(address=address, power=powers.get(address, 0)),
                           block_id_flag=flag) for address, flag in block.commit_votes]
    return abci.RequestFinalizeBlock(
        txs=block.txs, decided_last_commit=abci.CommitInfo(round=block.commit_round, votes=votes),
        misbehavior=block.misbehavior, hash=block.hash, height=block.height, time=block.time,
        next_validators_hash=block.next_validators_hash, proposer_address=block.proposer_address)


class _Run:
    """State of one replay: the App, the last hashes it produced, the report being filled."""

    def __init__(self, source: BlockSource, first: int):
        self.source = source
        self.app = App(MemoryDB(), sync_writes=False)
        self.report = ReplayReport(first=first, last=first - 1, app=self.app)
        self.prev_results: bytes | None = None

    def check_header(self, block: Block) -> bool:
        """Compare block's records of height-1 with what this replay produced; False on divergence."""
        height = block.height - 1
        got = self.report.app_hashes.get(height, b"")
        if block.app_hash != got:
            self.report.divergence = Mismatch(height, "app_hash", block.app_hash, got)
            return False
        if self.prev_results is not None and block.last_results_hash != self.prev_results:
            self.report.divergence = Mismatch(height, "last_results_hash", block.last_results_hash, self.prev_results)
            return False
        if height >= self.report.first:
            self.report.checked.append(height)
        return True

    def execute(self, block: Block) -> None:
        powers = self.source.validator_powers(block.height - 1) if block.commit_votes else {}
        resp = self.app.finalize_block(finalize_request(block, powers))
        self.app.commit(abci.RequestCommit())
        self.prev_results = results_hash(resp.tx_results)
        self.report.app_hashes[block.height] = resp.app_hash
        self.report.last = block.height


def replay_chain(source: BlockSource, up_to: int | None = None, node_app_hash: tuple[int, bytes] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> ReplayReport:
    """Replay blocks initial_height..up_to (default: the source's last block) into a fresh App.

    Height h is checked against block h+1's header when the source has it, and against
    `node_app_hash` = (height, hash) when given. Stops at the first divergence."""
    genesis = source.genesis()
    first = initial_height(genesis)
    base, latest = source.base_and_height()
    if base > first:
        raise ReplayError(f"the block store starts at height {base} (pruned); replay needs every block from {first}")
    end = latest if up_to is None else min(up_to, latest)
    run = _Run(source, first)
    run.report.app_hashes[first - 1] = run.app.init_chain(init_chain_request(genesis)).app_hash
    for height in range(first, min(end + 1, latest) + 1):
        block = source.block(height)
        if not run.check_header(block) or height > end:
            break
        run.execute(block)
        if progress is not None:
            progress(height, end)
    if run.report.ok and node_app_hash is not None:
        _check_node(run.report, *node_app_hash)
    return run.report


def _check_node(report: ReplayReport, height: int, app_hash: bytes) -> None:
    got = report.app_hashes.get(height)
    if got is None:
        return
    report.node_checked = height
    if got != app_hash:
        report.divergence = Mismatch(height, "node_app_hash", app_hash, got)


def compare_tx_index(report: ReplayReport, node_store) -> Mismatch | None:
    """First tx whose entry in the node's tx index differs from the replay's (same height only)."""
    for key, entry in report.app.committed.iterate(meta.TX_INDEX_PREFIX):
        theirs = node_store.get(key)
        if theirs != entry:
            height = abci.TxResult.FromString(entry).height
            return Mismatch(height, "tx_index", theirs or b"", entry)
    return None
