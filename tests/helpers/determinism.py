"""A scripted 10-block chain used by the determinism tests.

`python -m tests.helpers.determinism DIR` runs the script on a MemoryDB and on a LevelDB under DIR and
prints {"memory": [...], "leveldb": [...], "export": {...}} as JSON: per height the app hash (hex) and the
tx result codes, plus the final exported genesis. Run it under different PYTHONHASHSEED values and
compare the outputs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from chain.app import App
from chain.store.leveldb import LevelDB
from chain.store.memory import MemoryDB
from chain.tx.builder import msg_send, pack_any
from tests.helpers.chain import (
    FEE, balance, genesis_state, init_app, make_key, make_keys, make_send, run_block, sequence, sign_messages,
)

KEYS = make_keys(4)
NEWCOMERS = [make_key(i) for i in (10, 11, 12)]


def _flip(tx: bytes) -> bytes:
    return tx[:-1] + bytes([tx[-1] ^ 0x80])


def scripted_chain(db) -> tuple[App, list[dict]]:
    """Run the scripted blocks on `db`; return the app and one record per height (incl. genesis)."""
    app = App(db, sync_writes=False)
    init = init_app(app, genesis_state(KEYS, balance=50_000_000))
    records = [{"height": 0, "app_hash": init.app_hash.hex(), "codes": []}]
    for height, make_txs in enumerate(_scripted_blocks(app), start=1):
        txs = make_txs()
        block = run_block(app, txs, height=height, time=1_700_000_000 + 7 * height)
        records.append({"height": height, "app_hash": block.app_hash.hex(), "codes": block.codes})
    return app, records


def _scripted_blocks(app: App) -> list:
    """One callable per height returning its txs; each is called just before its block runs, so
    sequences and balances are read from the state the earlier blocks left."""
    a, b, c, d = KEYS

    def number(key) -> int:
        return app.keepers.auth.get_account(app.committed_store(), key.address).account_number

    def seq(key) -> int:
        return sequence(app, key.address)

    def send(key, to, amount, **kw):
        return make_send(key, to.bech32, amount, sequence=seq(key), account_number=number(key), **kw)

    blocks = []
    first = make_send(a, b.bech32, 100, sequence=0)
    blocks.append(lambda: [first, make_send(b, NEWCOMERS[0].bech32, 1_000_000, sequence=0)])
    blocks.append(lambda: [
        make_send(c, NEWCOMERS[1].bech32, 2_000_000, sequence=0),
        first,  # replay: wrong sequence
        make_send(d, a.bech32, 10**12, sequence=0),  # insufficient funds: fee kept, sequence advances
    ])
    blocks.append(lambda: [
        _flip(send(a, c, 7)),  # bad signature
        send(a, c, 7),
        make_send(a, d.bech32, 8, sequence=seq(a) + 1, account_number=0),
    ])
    blocks.append(lambda: [])
    blocks.append(lambda: [send(b, b, 3, memo="to myself"), send(c, NEWCOMERS[2], 5_000_000, fee=FEE * 3)])
    blocks.append(lambda: [send(NEWCOMERS[0], NEWCOMERS[1], 123_456), b"\x00junk\xff",
                           sign_messages(d, [pack_any(msg_send(d.bech32, a.bech32, 1), "/sprint.nope.v1.Msg")],
                                         sequence=seq(d), account_number=number(d))])
    # Spend everything but the fee: the balance entry is deleted from the store.
    blocks.append(lambda: [send(NEWCOMERS[2], a, balance(app, NEWCOMERS[2].address) - FEE)])
    blocks.append(lambda: [send(a, NEWCOMERS[2], 42), send(d, NEWCOMERS[2], 43),
                           send(NEWCOMERS[1], NEWCOMERS[0], 10, gas_limit=1_000, fee=25)])  # out of gas
    blocks.append(lambda: [send(k, KEYS[(i + 1) % 4], 1 + i) for i, k in enumerate(KEYS)])
    blocks.append(lambda: [send(NEWCOMERS[0], c, 1), send(NEWCOMERS[1], c, 2), make_send(a, b.bech32, 1, sequence=0)])
    return blocks


def run_all(directory: str | Path) -> dict:
    mem_app, memory = scripted_chain(MemoryDB())
    level_db = LevelDB(Path(directory) / "leveldb")
    try:
        _, leveldb = scripted_chain(level_db)
    finally:
        level_db.close()
    return {"memory": memory, "leveldb": leveldb, "export": mem_app.export_genesis()}


if __name__ == "__main__":
    print(json.dumps(run_all(sys.argv[1]), sort_keys=True))
