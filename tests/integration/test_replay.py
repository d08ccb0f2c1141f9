"""`abci_app.replay` in-process: a recorded chain replays with matching hashes; a tampered record, a
double-executed block or a mismatching node hash is reported at its height; the fault hold point."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace

import cosmpy.protos  # noqa: F401
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from tendermint.abci import types_pb2 as abci

from abci_app import faults
from abci_app.abci_server import AbciServer, Dispatcher, decode_varint, frame
from abci_app.replay import (
    Block, ReplayError, compare_tx_index, finalize_request, init_chain_request, merkle_root, replay_chain,
    results_hash,
)
from chain.app import App
from chain.store.memory import MemoryDB
from tests.helpers.chain import CHAIN_ID, GENESIS_TIME, genesis_state, make_keys, make_send

KEYS = make_keys(3)
ALICE, BOB, _ = KEYS
PROPOSER = bytes(20)


class ListSource:
    """A BlockSource over blocks recorded in memory (what CometBFT's store would hold)."""

    def __init__(self, genesis: dict, blocks: list[Block]):
        self._genesis, self.blocks = genesis, blocks

    def genesis(self) -> dict:
        return self._genesis

    def base_and_height(self) -> tuple[int, int]:
        return (self.blocks[0].height if self.blocks else 1), len(self.blocks)

    def block(self, height: int) -> Block:
        return self.blocks[height - 1]

    def validator_powers(self, height: int) -> dict[bytes, int]:
        return {}


def _genesis() -> dict:
    return {"genesis_time": "2023-11-14T22:13:20.5Z", "chain_id": CHAIN_ID, "initial_height": "1",
            "consensus_params": {"block": {"max_bytes": "4194304", "max_gas": "-1"}}, "validators": [],
            "app_state": genesis_state(KEYS)}


def _block(height: int, txs: list[bytes], app_hash: bytes, results: bytes) -> Block:
    return Block(height=height, time=Timestamp(seconds=GENESIS_TIME + 5 * height), txs=txs,
                 hash=hashlib.sha256(b"block%d" % height).digest(), proposer_address=PROPOSER,
                 app_hash=app_hash, last_results_hash=results, validators_hash=b"", next_validators_hash=b"")


def _record_chain(blocks: int, finalize_twice_at: int | None = None) -> tuple[ListSource, App]:
    """Run a chain the way CometBFT would and record its blocks (block h+1's header records h).
    `finalize_twice_at`: FinalizeBlock that height twice before Commit (CometBFT's handshake replay)."""
    genesis = _genesis()
    app = App(MemoryDB(), sync_writes=False)
    app_hash, results, recorded = app.init_chain(init_chain_request(genesis)).app_hash, b"", []
    for height in range(1, blocks + 2):
        txs = [make_send(ALICE, BOB.bech32, height, sequence=height - 1)] if height <= blocks else []
        block = _block(height, txs, app_hash, results)
        recorded.append(block)
        if height > blocks:
            break
        if height == finalize_twice_at:
            app.finalize_block(finalize_request(block, {}))
        resp = app.finalize_block(finalize_request(block, {}))
        app.commit(abci.RequestCommit())
        app_hash, results = resp.app_hash, results_hash(resp.tx_results)
    return ListSource(genesis, recorded), app


def test_a_recorded_chain_replays_with_every_hash_matching():
    source, recorder = _record_chain(5)
    report = replay_chain(source, node_app_hash=(recorder.height, recorder.app_hash))
    assert report.ok, report.summary()
    assert (report.first, report.last) == (1, 6)  # the source's last block, 6, executes too
    assert report.checked == [1, 2, 3, 4, 5]  # height 6 has no successor block recording it
    assert report.node_checked == 5
    assert report.summary().startswith("replayed 1..6: all app hashes match")
    report = replay_chain(source, up_to=recorder.height, node_app_hash=(recorder.height, recorder.app_hash))
    assert report.ok and report.last == 5 and report.checked == [1, 2, 3, 4, 5]
    assert report.supply() == dict(recorder.keepers.bank.all_supply(recorder.committed))
    assert compare_tx_index(report, recorder.committed) is None


def test_up_to_stops_early_and_still_checks_the_next_header():
    source, _ = _record_chain(5)
    report = replay_chain(source, up_to=3)
    assert report.ok and report.last == 3 and report.checked == [1, 2, 3]


@pytest.mark.parametrize("field_name,what", [("app_hash", "app_hash"), ("last_results_hash", "last_results_hash")])
def test_a_tampered_header_is_the_first_divergence(field_name, what):
    source, _ = _record_chain(5)
    wrong = b"\x42" * 32
    source.blocks[3] = replace(source.blocks[3], **{field_name: wrong})  # block 4 records height 3
    report = replay_chain(source)
    assert not report.ok
    assert (report.divergence.height, report.divergence.what, report.divergence.expected) == (3, what, wrong)
    assert report.last == 3
    assert report.summary().startswith("first divergence at height 3")
    assert report.to_dict()["divergence"]["expected"] == wrong.hex().upper()


def test_a_wrong_genesis_is_a_divergence_at_height_zero():
    source, _ = _record_chain(2)
    source.blocks[0] = replace(source.blocks[0], app_hash=b"\x01" * 32)
    report = replay_chain(source)
    assert report.divergence.height == 0 and report.last == 0


def test_the_nodes_own_app_hash_is_compared():
    source, recorder = _record_chain(3)
    report = replay_chain(source, node_app_hash=(4, b"\x07" * 32))
    assert report.divergence.what == "node_app_hash" and report.divergence.height == 4


def test_a_pruned_store_cannot_be_replayed():
    source, _ = _record_chain(3)
    source.blocks = source.blocks[1:]
    with pytest.raises(ReplayError, match="pruned"):
        replay_chain(source)


def test_replay_matches_a_node_that_finalized_a_block_twice_before_commit():
    """CometBFT's handshake may replay FinalizeBlock(h) on an App that already executed h without
    committing; the committed result must be that of one execution (defect 2)."""
    once, _ = _record_chain(4)
    twice, node = _record_chain(4, finalize_twice_at=3)
    assert [b.app_hash for b in twice.blocks] == [b.app_hash for b in once.blocks]
    report = replay_chain(twice, node_app_hash=(node.height, node.app_hash))
    assert report.ok, report.summary()
    assert compare_tx_index(report, node.committed) is None


def test_merkle_root_matches_cometbft_shapes():
    leaf = lambda x: hashlib.sha256(b"\x00" + x).digest()  # noqa: E731
    inner = lambda a, b: hashlib.sha256(b"\x01" + a + b).digest()  # noqa: E731
    assert merkle_root([]) == hashlib.sha256(b"").digest()
    assert merkle_root([b"a", b"b", b"c"]) == inner(inner(leaf(b"a"), leaf(b"b")), leaf(b"c"))
    assert merkle_root([b"a"] * 5) == inner(merkle_root([b"a"] * 4), leaf(b"a"))


# --- the fault hold point -----------------------------------------------------------------------


def test_faults_are_off_without_the_environment():
    assert not faults.from_env({}).enabled
    with pytest.raises(ValueError, match="SPRINTD_FAULT_HOLD_AFTER_FINALIZE"):
        faults.from_env({"SPRINTD_FAULT_HOLD_AFTER_FINALIZE": "x"})


def test_hold_fires_once_for_its_height_and_touches_the_marker(tmp_path):
    points = faults.from_env({"SPRINTD_FAULT_HOLD_AFTER_FINALIZE": "2", "SPRINTD_FAULT_HOLD_SECONDS": "7",
                              "SPRINTD_FAULT_DIR": str(tmp_path)})
    assert points.finalize_hold(1) == 0
    assert points.finalize_hold(2) == 7 and (tmp_path / "finalized-2").exists()
    assert points.finalize_hold(2) == 0  # CometBFT's replay of the same height is not held


def test_the_server_holds_the_finalize_response_and_serves_other_connections(tmp_path):
    source, _ = _record_chain(1)
    app = App(MemoryDB(), sync_writes=False)
    app.init_chain(init_chain_request(source.genesis()))
    points = faults.Faults(hold_after_finalize=1, hold_seconds=0.6, directory=tmp_path)
    request = abci.Request(finalize_block=finalize_request(source.blocks[0], {}))
    assert asyncio.run(_finalize_while_querying(app, points, request)) == "info answered during the hold"


async def _finalize_while_querying(app: App, points, request) -> str:
    server = AbciServer(app, "127.0.0.1", 0)
    server.dispatcher = Dispatcher(app, points)
    await server.start()
    port = server._server.sockets[0].getsockname()[1]
    try:
        consensus = await asyncio.open_connection("127.0.0.1", port)
        query = await asyncio.open_connection("127.0.0.1", port)
        _send(consensus[1], request)
        await asyncio.sleep(0.2)
        assert (points.directory / "finalized-1").exists()
        _send(query[1], abci.Request(info=abci.RequestInfo()))
        info = await asyncio.wait_for(_read(query[0]), 0.3)
        assert info.info.last_block_height == 0
        assert not consensus[0].at_eof() and len(consensus[0]._buffer) == 0  # still held
        finalized = await asyncio.wait_for(_read(consensus[0]), 2)
        assert finalized.finalize_block.app_hash
        for _, writer in (consensus, query):
            writer.close()
        return "info answered during the hold"
    finally:
        await server.stop()


def _send(writer, request: abci.Request) -> None:
    writer.write(frame(request) + frame(abci.Request(flush=abci.RequestFlush())))


async def _read(reader) -> abci.Response:
    buffer = bytearray()
    while True:
        header = decode_varint(buffer, 0)
        if header and len(buffer) >= header[1] + header[0]:
            return abci.Response.FromString(bytes(buffer[header[1]:header[1] + header[0]]))
        buffer += await reader.read(1 << 16)
