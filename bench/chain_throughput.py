"""Chain throughput: in-app tx/s vs the secp256k1 verification ceiling, and end-to-end via CometBFT.

    python bench/chain_throughput.py [--txs 4000] [--e2e-txs 3000] [--skip-e2e]

Prints ratios measured in this one run; nothing here is a test or a threshold.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cosmpy.protos  # noqa: E402,F401
from tendermint.abci import types_pb2 as abci  # noqa: E402

from abci_app.ports import free_port  # noqa: E402
from chain.app import App  # noqa: E402
from chain.store.leveldb import LevelDB  # noqa: E402
from chain.tx.builder import TxSpec, build_signed_tx, msg_send, tx_hash  # noqa: E402
from chain.tx.crypto import SigningKey, verify_signature  # noqa: E402

CHAIN_ID = "sprint-bench-1"
GAS, FEE = 100_000, 2_500


def verification_rates(n: int) -> dict[str, float]:
    """Signatures verified per second by each available secp256k1 library, same messages."""
    key = SigningKey(b"\x07" * 32)
    msgs = [os.urandom(300) for _ in range(n)]
    sigs = [key.sign(m) for m in msgs]
    rates = {"coincurve (libsecp256k1, direct cffi)": _rate(lambda m, s: verify_signature(key.pubkey, s, m), msgs, sigs)}
    rates.update(_cryptography_rate(key, msgs, sigs))
    rates.update(_ecdsa_rate(key, msgs[: max(n // 20, 50)], sigs))
    return rates


def _rate(verify, msgs, sigs) -> float:
    start = time.perf_counter()
    for m, s in zip(msgs, sigs):
        assert verify(m, s)
    return len(msgs) / (time.perf_counter() - start)


def _cryptography_rate(key, msgs, sigs) -> dict:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), key.pubkey)

    def verify(m, s):
        der = encode_dss_signature(int.from_bytes(s[:32], "big"), int.from_bytes(s[32:], "big"))
        pub.verify(der, m, ec.ECDSA(hashes.SHA256()))
        return True

    return {"cryptography (OpenSSL)": _rate(verify, msgs, sigs)}


def _ecdsa_rate(key, msgs, sigs) -> dict:
    import hashlib

    import ecdsa

    vk = ecdsa.VerifyingKey.from_string(key.pubkey, curve=ecdsa.SECP256k1)
    return {"ecdsa (pure Python)": _rate(lambda m, s: vk.verify(s, m, hashfunc=hashlib.sha256), msgs, sigs)}


def genesis(keys: list[SigningKey]) -> bytes:
    return json.dumps({
        "auth": {"accounts": [{"address": k.bech32} for k in keys]},
        "bank": {"balances": [{"address": k.bech32, "coins": [{"denom": "usprint", "amount": str(10**15)}]}
                              for k in keys]},
    }).encode()


def signed_sends(keys: list[SigningKey], per_key: int, account_numbers: dict | None = None) -> list[bytes]:
    """per_key sends from each key, interleaved so every block carries many senders."""
    sink = SigningKey(b"\xee" * 32).bech32
    txs = []
    for seq in range(per_key):
        for i, key in enumerate(keys):
            number = account_numbers[key.bech32] if account_numbers else i
            spec = TxSpec([msg_send(key.bech32, sink, 1)], CHAIN_ID, number, seq, gas_limit=GAS, fee_amount=FEE)
            txs.append(build_signed_tx(key, spec))
    return txs


def in_app(n: int, block_size: int = 500) -> dict:
    """CheckTx every tx, then FinalizeBlock + Commit in blocks, on LevelDB."""
    keys = [SigningKey(bytes([i + 1]) * 32) for i in range(50)]
    txs = signed_sends(keys, n // len(keys))
    with tempfile.TemporaryDirectory() as tmp:
        app = App(LevelDB(Path(tmp) / "db"), sync_writes=True)
        app.init_chain(abci.RequestInitChain(chain_id=CHAIN_ID, app_state_bytes=genesis(keys)))
        app.finalize_block(abci.RequestFinalizeBlock(height=1))
        app.commit()
        start = time.perf_counter()
        for tx in txs:
            assert app.check_tx(abci.RequestCheckTx(tx=tx)).code == 0
        check_s = time.perf_counter() - start
        start = time.perf_counter()
        for height, first in enumerate(range(0, len(txs), block_size), start=2):
            res = app.finalize_block(abci.RequestFinalizeBlock(height=height, txs=txs[first:first + block_size]))
            assert all(r.code == 0 for r in res.tx_results), res.tx_results[0].log
            app.commit()
        deliver_s = time.perf_counter() - start
        app.db.close()
    return {"txs": len(txs), "check_tx_per_s": len(txs) / check_s, "finalize_commit_per_s": len(txs) / deliver_s,
            "pipeline_per_s": len(txs) / (check_s + deliver_s)}



def end_to_end(n: int, senders: int = 16) -> dict:
    """Broadcast n sends to a real single-node CometBFT devnet; measure commit rate and latency."""
    from abci_app.client import NodeClient
    from abci_app.devnet_runner import DevnetProcesses
    from abci_app.keyring import Keyring
    from abci_app.rpc_client import CometRpc
    from genesis.devnet import create_devnet_home

    with tempfile.TemporaryDirectory() as tmp:
        names = [f"bench{i}" for i in range(senders)]
        info = create_devnet_home(Path(tmp) / "home", chain_id=CHAIN_ID, accounts=names, amount=10**15,
                                  p2p_port=free_port(), rpc_port=free_port(), abci_port=free_port(),
                                  grpc_port=free_port())
        keyring = Keyring(info["home"], backend="test")
        keys = [keyring.signing_key(name) for name in names]
        with DevnetProcesses(info["home"]).start() as devnet:
            client = NodeClient(devnet.grpc_address)
            numbers = {k.bech32: client.account(k.bech32).account_number for k in keys}
            per_key = n // senders
            by_sender = [[build_signed_tx(k, TxSpec([msg_send(k.bech32, keys[0].bech32, 1)], CHAIN_ID,
                                                    numbers[k.bech32], seq, gas_limit=GAS, fee_amount=FEE))
                          for seq in range(per_key)] for k in keys]
            return _drive(devnet.rpc_url, by_sender, CometRpc)


def _drive(rpc_url: str, by_sender: list[list[bytes]], rpc_class) -> dict:
    sent_at: dict[str, float] = {}
    committed_at: dict[str, float] = {}
    total = sum(len(txs) for txs in by_sender)
    done = threading.Event()
    poller = threading.Thread(target=_poll_blocks, args=(rpc_class(rpc_url), committed_at, total, done))
    poller.start()

    def send(txs):
        rpc = rpc_class(rpc_url)
        for tx in txs:
            sent_at[tx_hash(tx)] = time.perf_counter()
            result = rpc.broadcast_tx_sync(tx)
            if result["code"] != 0:
                raise RuntimeError(f"CheckTx rejected a bench tx: {result['log']}")

    start = time.perf_counter()
    threads = [threading.Thread(target=send, args=(txs,)) for txs in by_sender]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.wait(timeout=120)
    poller.join(timeout=5)
    end = max(committed_at.values()) if committed_at else time.perf_counter()
    latencies = sorted(committed_at[h] - sent_at[h] for h in committed_at if h in sent_at)
    return {"txs": total, "committed": len(committed_at), "committed_per_s": len(committed_at) / (end - start),
            "latency_p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "latency_p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None}


def _poll_blocks(rpc, committed_at: dict, total: int, done: threading.Event) -> None:
    import base64
    import hashlib

    height = int(rpc.status()["sync_info"]["latest_block_height"])
    deadline = time.perf_counter() + 300
    while len(committed_at) < total and time.perf_counter() < deadline:
        latest = int(rpc.status()["sync_info"]["latest_block_height"])
        while height < latest:
            height += 1
            block = rpc.block(height)
            now = time.perf_counter()
            for tx_b64 in block["block"]["data"]["txs"] or []:
                committed_at[hashlib.sha256(base64.b64decode(tx_b64)).hexdigest().upper()] = now
        time.sleep(0.02)
    done.set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txs", type=int, default=4000)
    parser.add_argument("--e2e-txs", type=int, default=3000)
    parser.add_argument("--skip-e2e", action="store_true")
    args = parser.parse_args()
    rates = verification_rates(min(args.txs, 5000))
    ceiling = max(rates.values())
    print("secp256k1 verification, signatures/s (same run):")
    for name, rate in sorted(rates.items(), key=lambda kv: -kv[1]):
        print(f"  {name:40s} {rate:10.0f}/s   {rate / ceiling:6.1%} of best")
    result = in_app(args.txs)
    print(f"in-app on LevelDB ({result['txs']} signed bank sends, sync commits):")
    for key in ("check_tx_per_s", "finalize_commit_per_s", "pipeline_per_s"):
        print(f"  {key:24s} {result[key]:8.0f} tx/s   ratio to verification ceiling {result[key] / ceiling:6.1%}")
    if not args.skip_e2e:
        e2e = end_to_end(args.e2e_txs)
        print(f"end-to-end, real single-node CometBFT ({e2e['committed']}/{e2e['txs']} committed):")
        print(f"  committed               {e2e['committed_per_s']:8.0f} tx/s")
        print(f"  broadcast->commit p50   {e2e['latency_p50_ms']:8.0f} ms")
        print(f"  broadcast->commit p99   {e2e['latency_p99_ms']:8.0f} ms")


if __name__ == "__main__":
    main()
