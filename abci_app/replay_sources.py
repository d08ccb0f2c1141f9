"""Where a replay reads blocks from: the `Block` it needs and the two `BlockSource`s.

`RpcBlockSource` reads a running CometBFT's RPC; `StoreBlockSource` reads CometBFT's LevelDB block
store (`data/blockstore.db`, CometBFT stopped). `abci_app.replay` re-exports every public name.
"""

from __future__ import annotations

import base64
import calendar
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import cosmpy.protos  # noqa: F401
from google.protobuf.timestamp_pb2 import Timestamp
from tendermint.abci import types_pb2 as abci
from tendermint.types import block_pb2, types_pb2


class ReplayError(Exception):
    """The block source cannot be replayed (pruned, unreachable, malformed); the message says why."""


@dataclass
class Block:
    """What FinalizeBlock needs from one block, plus the hashes its header records for the previous one."""

    height: int
    time: Timestamp
    hash: bytes
    proposer_address: bytes
    txs: list[bytes]
    app_hash: bytes  # app hash after height-1 (after InitChain for the first block)
    last_results_hash: bytes
    validators_hash: bytes
    next_validators_hash: bytes
    commit_round: int = 0
    commit_votes: list[tuple[bytes, int]] = field(default_factory=list)  # (validator address, block_id_flag)
    misbehavior: list = field(default_factory=list)  # abci.Misbehavior


class BlockSource(Protocol):
    def genesis(self) -> dict: ...
    def base_and_height(self) -> tuple[int, int]: ...
    def block(self, height: int) -> Block: ...
    def validator_powers(self, height: int) -> dict[bytes, int]: ...


def parse_rfc3339(text: str) -> Timestamp:
    """CometBFT's RFC 3339 UTC time ("2026-12-01T22:20:56.46156654Z") with nanosecond precision."""
    import datetime as _dt

    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1]
    base, _, fraction = text.partition(".")
    when = _dt.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    nanos = int((fraction + "000000000")[:9]) if fraction else 0
    return Timestamp(seconds=calendar.timegm(when.timetuple()), nanos=nanos)


def genesis_powers(genesis: dict) -> dict[bytes, int]:
    return {bytes.fromhex(v["address"]): int(v["power"]) for v in genesis.get("validators") or [] if v.get("address")}


def _hex(text: str | None) -> bytes:
    return bytes.fromhex(text or "")


def _misbehavior_from_json(evidence: dict) -> list:
    """abci.Misbehavior entries for one evidence item of CometBFT's JSON."""
    kind, value = evidence.get("type", ""), evidence.get("value") or {}
    when = parse_rfc3339(value["timestamp"]) if value.get("timestamp") else Timestamp()
    total = int(value.get("total_voting_power", 0))
    if kind.endswith("DuplicateVoteEvidence"):
        vote = value.get("vote_a") or {}
        return [abci.Misbehavior(type=abci.DUPLICATE_VOTE, validator=abci.Validator(
            address=_hex(vote.get("validator_address")), power=int(value.get("validator_power", 0))),
            height=int(vote.get("height", 0)), time=when, total_voting_power=total)]
    return [abci.Misbehavior(type=abci.LIGHT_CLIENT_ATTACK, validator=abci.Validator(
        address=_hex(v.get("address")), power=int(v.get("voting_power", 0))),
        height=int(value.get("common_height", 0)), time=when, total_voting_power=total)
        for v in value.get("byzantine_validators") or []]


def block_from_rpc(result: dict) -> Block:
    """A Block from CometBFT's `/block` RPC result."""
    header, data = result["block"]["header"], result["block"]
    commit = data.get("last_commit") or {}
    evidence = (data.get("evidence") or {}).get("evidence") or []
    return Block(
        height=int(header["height"]), time=parse_rfc3339(header["time"]), hash=_hex(result["block_id"]["hash"]),
        proposer_address=_hex(header["proposer_address"]),
        txs=[base64.b64decode(tx) for tx in (data.get("data") or {}).get("txs") or []],
        app_hash=_hex(header["app_hash"]), last_results_hash=_hex(header["last_results_hash"]),
        validators_hash=_hex(header["validators_hash"]), next_validators_hash=_hex(header["next_validators_hash"]),
        commit_round=int(commit.get("round", 0) or 0),
        commit_votes=[(_hex(s.get("validator_address")), int(s.get("block_id_flag", 0)))
                      for s in commit.get("signatures") or []],
        misbehavior=[m for ev in evidence for m in _misbehavior_from_json(ev)],
    )


class RpcBlockSource:
    """Blocks from a running CometBFT's RPC; genesis from `genesis_file` when given, else `/genesis`."""

    def __init__(self, rpc, genesis_file: str | Path | None = None):
        self.rpc = rpc
        self.genesis_file = Path(genesis_file) if genesis_file else None
        self._powers: dict[int, dict[bytes, int]] = {}

    def genesis(self) -> dict:
        """The home's genesis.json when it is this chain's, else CometBFT's (chunked when large)."""
        if self.genesis_file is not None and self.genesis_file.is_file():
            local = json.loads(self.genesis_file.read_text())
            if local.get("chain_id") == self.rpc.status()["node_info"]["network"]:
                return local
        from abci_app.rpc_client import RpcError

        try:
            return self.rpc.call("genesis")["genesis"]
        except RpcError:  # over 16 MB CometBFT only serves it in chunks
            first = self.rpc.call("genesis_chunked", chunk="0")
            chunks = [first] + [self.rpc.call("genesis_chunked", chunk=str(i)) for i in range(1, int(first["total"]))]
            return json.loads(b"".join(base64.b64decode(c["data"]) for c in chunks))

    def base_and_height(self) -> tuple[int, int]:
        sync = self.rpc.status()["sync_info"]
        return int(sync.get("earliest_block_height") or 1), int(sync["latest_block_height"])

    def block(self, height: int) -> Block:
        return block_from_rpc(self.rpc.block(height))

    def validator_powers(self, height: int) -> dict[bytes, int]:
        if height not in self._powers:
            self._powers.clear()  # one height at a time: bounded memory
            self._powers[height] = {_hex(v["address"]): int(v["voting_power"]) for v in self.rpc.validators(height)}
        return self._powers[height]


def block_from_proto(meta_: types_pb2.BlockMeta, block: block_pb2.Block) -> Block:
    """A Block from the block store's BlockMeta and the Block reassembled from its parts."""
    header = block.header
    return Block(
        height=header.height, time=header.time, hash=meta_.block_id.hash, proposer_address=header.proposer_address,
        txs=list(block.data.txs), app_hash=header.app_hash, last_results_hash=header.last_results_hash,
        validators_hash=header.validators_hash, next_validators_hash=header.next_validators_hash,
        commit_round=block.last_commit.round,
        commit_votes=[(s.validator_address, s.block_id_flag) for s in block.last_commit.signatures],
        misbehavior=[m for ev in block.evidence.evidence for m in _misbehavior_from_proto(ev)],
    )


def _misbehavior_from_proto(evidence) -> list:
    if evidence.HasField("duplicate_vote_evidence"):
        dv = evidence.duplicate_vote_evidence
        return [abci.Misbehavior(type=abci.DUPLICATE_VOTE, validator=abci.Validator(
            address=dv.vote_a.validator_address, power=dv.validator_power), height=dv.vote_a.height,
            time=dv.timestamp, total_voting_power=dv.total_voting_power)]
    lca = evidence.light_client_attack_evidence
    return [abci.Misbehavior(type=abci.LIGHT_CLIENT_ATTACK, validator=abci.Validator(
        address=v.address, power=v.voting_power), height=lca.common_height, time=lca.timestamp,
        total_voting_power=lca.total_voting_power) for v in lca.byzantine_validators]


def _varint_fields(raw: bytes) -> dict[int, int]:
    """The varint fields of a flat protobuf message (enough for BlockStoreState{base, height})."""
    fields, offset = {}, 0
    while offset < len(raw):
        key, offset = _varint(raw, offset)
        value, offset = _varint(raw, offset)
        fields[key >> 3] = value
    return fields


def _varint(raw: bytes, offset: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = raw[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
        shift += 7


class StoreBlockSource:
    """Blocks read from CometBFT's LevelDB block store (`<home>/data/blockstore.db`, v0.38 key layout:
    `H:<h>` BlockMeta, `P:<h>:<i>` block parts, `blockStore` {base, height}). CometBFT must be
    stopped (LevelDB allows one process). Validator powers come from genesis (the App ignores them)."""

    def __init__(self, blockstore: str | Path, genesis_file: str | Path):
        import plyvel

        path = Path(blockstore)
        if not path.is_dir():
            raise ReplayError(f"no CometBFT block store at {path}")
        try:
            self.db = plyvel.DB(str(path), create_if_missing=False)
        except plyvel.Error as err:
            raise ReplayError(f"cannot open {path}: {err} (is cometbft still running? stop it or use --node)") from None
        self._genesis = json.loads(Path(genesis_file).read_text())

    def close(self) -> None:
        self.db.close()

    def genesis(self) -> dict:
        return self._genesis

    def base_and_height(self) -> tuple[int, int]:
        raw = self.db.get(b"blockStore")
        if raw is None:
            return 1, 0
        fields = _varint_fields(raw)
        return fields.get(1, 1), fields.get(2, 0)

    def block(self, height: int) -> Block:
        raw_meta = self.db.get(b"H:%d" % height)
        if raw_meta is None:
            raise ReplayError(f"block {height} is missing from the block store")
        block_meta = types_pb2.BlockMeta.FromString(raw_meta)
        parts = []
        for index in range(block_meta.block_id.part_set_header.total):
            raw = self.db.get(b"P:%d:%d" % (height, index))
            if raw is None:
                raise ReplayError(f"part {index} of block {height} is missing from the block store")
            parts.append(types_pb2.Part.FromString(raw).bytes)
        return block_from_proto(block_meta, block_pb2.Block.FromString(b"".join(parts)))

    def validator_powers(self, height: int) -> dict[bytes, int]:
        return genesis_powers(self._genesis)
