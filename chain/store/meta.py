"""App metadata kept beside module state under prefix 0x00 (not part of the app hash).

key: 0x00 0x01 | value: last committed height, u64 big-endian
key: 0x00 0x02 | value: last committed app hash (32 bytes)
key: 0x00 0x03 | value: chain id (utf-8)
key: 0x00 0x04 | tx hash(32) | value: tendermint.abci.TxResult (height, index, tx, result)
key: 0x00 0x05 | height u64be | value: block time, unix seconds u64be
key: 0x00 0x06 | value: tendermint.types.ConsensusParams given at InitChain
"""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci

HEIGHT_KEY = b"\x00\x01"
APP_HASH_KEY = b"\x00\x02"
CHAIN_ID_KEY = b"\x00\x03"
TX_INDEX_PREFIX = b"\x00\x04"
BLOCK_TIME_PREFIX = b"\x00\x05"
CONSENSUS_PARAMS_KEY = b"\x00\x06"


def read_height(store) -> int:
    raw = store.get(HEIGHT_KEY)
    return int.from_bytes(raw, "big") if raw else 0


def read_app_hash(store) -> bytes:
    return store.get(APP_HASH_KEY) or b""


def read_chain_id(store) -> str:
    raw = store.get(CHAIN_ID_KEY)
    return raw.decode() if raw else ""


def commit_entries(height: int, app_hash: bytes, time_seconds: int, index: list[tuple[bytes, bytes]]) -> dict:
    """The metadata writes that go into a block's commit batch."""
    entries = {
        HEIGHT_KEY: height.to_bytes(8, "big"),
        APP_HASH_KEY: app_hash,
        BLOCK_TIME_PREFIX + height.to_bytes(8, "big"): max(time_seconds, 0).to_bytes(8, "big"),
    }
    for tx_hash, tx_result in index:
        entries[TX_INDEX_PREFIX + tx_hash] = tx_result
    return entries


def read_tx(store, tx_hash: bytes) -> tuple[abci.TxResult, int] | None:
    raw = store.get(TX_INDEX_PREFIX + tx_hash)
    if raw is None:
        return None
    result = abci.TxResult.FromString(raw)
    time_raw = store.get(BLOCK_TIME_PREFIX + result.height.to_bytes(8, "big"))
    return result, int.from_bytes(time_raw, "big") if time_raw else 0
