"""Inference benchmark: verification overhead, jobs/s the chain records, detection vs audit rate.

    python bench/inference.py [--jobs 2000] [--batch 100] [--no-localnet] [--detect-jobs 200]

1. Verification overhead = validator compute / executor compute, measured on the genesis tiny-lm
   (teacher-forced check vs autoregressive generation of the same jobs), times the validation
   probability: 1.0 at reputation 0, and at full reputation with >= 10,000 requests/epoch the
   minimum 0.01. The probability itself is measured with the chain's duty draw (chain/modules/
   inference/duties.py) over 10,000 jobs and random secrets, not assumed.
2. Jobs/s recorded by a real 4-validator localnet (CometBFT + sprintd, no workers): users submit
   --jobs inferences in multi-message txs, then the drawn executors' worker keys post the results
   (computed off the clock with the real executor) in multi-message txs. Rate = jobs / (submit time
   + result time), each phase timed from the first broadcast to the last commit. Reference: a
   one-tx-per-inference design tops out near 277 jobs/s (Gonka).
3. Detection vs audit rate for each cheat mode: the per-check detection d is measured by running
   the cheat and the honest checker; a cheated job is caught with probability p x d at audit rate p,
   and at least one of n cheated jobs in an epoch with 1 - (1 - p d)^n.
   Plus the honest false-positive rate of bf16 execution checked in fp32.

Prints what one run measured; nothing here is a test or a threshold. Everything it starts is stopped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

# A bench module named like a top-level package (e.g. `sprint`) would shadow it: drop bench/ from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

import cosmpy.protos  # noqa: E402,F401

GAS_PER_MSG = 95_000  # a result message measured ~82k gas
AUDIT_RATES = (1.0, 0.5, 0.2, 0.1, 0.05, 0.01)


# ------------------------------------------------------------------ 1. verification overhead

def compute_ratio(n_jobs: int, max_tokens: int) -> dict:
    """Seconds to execute n jobs vs to check them (fp32, batched as the worker does)."""
    from worker.inference.checker import check
    from worker.inference.executor import execute_batch
    from worker.inference.tolerance import for_checker, load_tiny_lm, workload

    model, tol = load_tiny_lm("fp32"), for_checker("fp32")
    jobs = workload(n_jobs, max_tokens=max_tokens, tag="bench")
    t0 = time.perf_counter()
    results = execute_batch(model, jobs)
    t_exec = time.perf_counter() - t0
    t0 = time.perf_counter()
    valid = sum(check(model, j.prompt_tokens, r, j.sampling, j.sampling_seed, tol, j.top_logprobs).verdict_valid
                for j, r in zip(jobs, results))
    t_check = time.perf_counter() - t0
    return {"jobs": n_jobs, "tokens": max_tokens, "exec_s": t_exec, "check_s": t_check, "valid": valid}


def measured_checks_per_job(validation_ppm: int, n_jobs: int = 10_000, hosts: int = 4) -> float:
    """Mean number of hosts the chain's duty draw selects per job (random secrets and seed)."""
    from chain.modules.inference import duties

    weights = [(bytes([i]) * 20, 10 + 5 * i) for i in range(hosts)]
    executor = weights[0][0]
    secrets = {op: hashlib.sha256(b"bench-secret" + op).digest() for op, _ in weights}
    seed = hashlib.sha256(b"bench-seed").digest()
    thresholds = {op: duties.host_threshold(weights, executor, op, validation_ppm) for op, _ in weights[1:]}
    drawn = sum(duties.is_drawn(secrets[op], seed, j, thresholds[op]) for j in range(n_jobs) for op in thresholds)
    return drawn / n_jobs


def validation_ppm(honest_epochs: int, volume: int) -> int:
    """The check probability (docs/protocol.md §4) with the chain's default reputation params (same formula as the keeper)."""
    from chain.modules.reputation.params import default_params

    p = default_params()
    low, high, vmin_floor, n = p.low_volume, p.high_volume, p.min_validation_ppm, p.full_reputation_epochs
    if volume <= low:
        vmin = 10**6
    elif volume >= high:
        vmin = vmin_floor
    else:
        vmin = 10**6 - (10**6 - vmin_floor) * (volume - low) // (high - low)
    return 10**6 - (10**6 - vmin) * min(honest_epochs, n) // n


def overhead_section(n_jobs: int, max_tokens: int) -> None:
    torch.set_num_threads(1)
    r = compute_ratio(n_jobs, max_tokens)
    ratio = r["check_s"] / r["exec_s"]
    print(f"\n== verification overhead (tiny-lm, fp32, 1 thread, {n_jobs} jobs x {max_tokens} tokens)")
    print(f"execute: {r['exec_s']:.2f}s   check (teacher-forced): {r['check_s']:.2f}s   "
          f"check/execute per job = {ratio:.3f}   honest checks passed {r['valid']}/{n_jobs}")
    for label, epochs, volume in (("reputation 0, 50 requests/epoch", 0, 50),
                                  ("reputation 0, 10,000 requests/epoch", 0, 10_000),
                                  ("full reputation (30 epochs), 5,000 requests/epoch", 30, 5_000),
                                  ("full reputation (30 epochs), 10,000 requests/epoch", 30, 10_000)):
        ppm = validation_ppm(epochs, volume)
        per_job = measured_checks_per_job(ppm)
        print(f"{label:52s} p = {ppm / 1e6:.4f}  measured checks/job {per_job:.4f}  "
              f"overhead = {100 * per_job * ratio:.3f}% of executor compute")


# ------------------------------------------------------------------ 2. jobs/s on the localnet

def start_localnet(workdir: Path, expiry: int):
    from abci_app.localnet_runner import Localnet
    from abci_app.ports import find_port_range
    from genesis.testnet import init_testnet

    ips = [f"127.0.0.{i + 1}" for i in range(4)]
    base = find_port_range(ips)
    if base is None:
        raise SystemExit("no free port range on 127.0.0.1-4")
    init_testnet(workdir, validators=4, base_port=base, grpc_port=base + 3, timeout_commit="500ms",
                 seed="bench-inference", epoch_length=3000)
    for path in sorted(workdir.glob("node*/config/genesis.json")):
        genesis = json.loads(path.read_text())
        genesis["app_state"]["inference"].setdefault("params", {}).update(
            {"expiry_blocks": str(expiry), "max_tokens_limit": 256})
        path.write_text(json.dumps(genesis, indent=2))
    net = Localnet(workdir)
    net.start(workers=False, ready_timeout=90)
    return net


def send_all(net, node: int, key_name: str, batches: list[list]) -> list[str]:
    """Sign and broadcast the batches in sequence order with an explicit gas limit (no simulation
    round trip per tx, as a loaded client would)."""
    from abci_app.client import NodeClient, sign_and_broadcast
    from abci_app.keyring import Keyring
    from chain.tx.builder import pack_any

    key = Keyring(net.home(node), backend="test").signing_key(key_name)
    client = NodeClient(net.grpc_address(node), timeout=60)
    account = client.account(key.bech32)
    hashes = []
    for n, msgs in enumerate(batches):
        resp = sign_and_broadcast(client, key, [pack_any(m) for m in msgs], net.info["chain_id"],
                                  gas=min(9_900_000, GAS_PER_MSG * len(msgs)),
                                  account_number=account.account_number, sequence=account.sequence + n)
        if resp.code != 0:
            raise SystemExit(f"node {node} {key_name}: tx refused: {resp.raw_log}")
        hashes.append(resp.txhash)
    return hashes


def parallel(net, work: dict[tuple[int, str], list[list]]) -> float:
    """Broadcast every (node, key) batch list from its own thread; seconds until all committed."""
    from abci_app.client import NodeClient

    t0, hashes, errors = time.perf_counter(), {}, []

    def run(node, key_name, batches):
        try:
            hashes[(node, key_name)] = send_all(net, node, key_name, batches)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(n, k, b)) for (n, k), b in work.items() if b]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    for (node, _), txs in hashes.items():
        client = NodeClient(net.grpc_address(node), timeout=60)
        for txhash in txs:
            resp = client.wait_for_tx(txhash, timeout=300)
            if resp.tx_response.code != 0:
                raise SystemExit(f"tx {txhash} failed: {resp.tx_response.raw_log}")
    return time.perf_counter() - t0


def submit_batches(net, n_jobs: int, batch: int, max_tokens: int) -> dict:
    from abci_app.keyring import Keyring
    from sprint.inference.v1 import inference_pb2, tx_pb2

    work, per_user = {}, n_jobs // 4
    for i in range(4):
        user = Keyring(net.home(i), backend="test").signing_key("operator").bech32
        msgs = [tx_pb2.MsgSubmitInference(
            requester=user, model="tiny-lm", prompt=f"bench job {i}-{j}: the answer is".encode(),
            max_tokens=max_tokens, sampling=inference_pb2.SamplingParams(temperature_milli=700),
            max_fee=100 * (40 + max_tokens)) for j in range(per_user)]
        work[(i, "operator")] = [msgs[k:k + batch] for k in range(0, len(msgs), batch)]
    return work


def pending_jobs(net) -> list:
    from abci_app.client import NodeClient
    from sprint.inference.v1 import query_pb2, query_pb2_grpc

    stub = query_pb2_grpc.QueryStub(NodeClient(net.grpc_address(0)).channel)
    jobs, start = [], 0
    while True:
        resp = stub.Jobs(query_pb2.QueryJobsRequest(start_after=start, limit=1000), timeout=30)
        jobs.extend(resp.jobs)
        if not resp.next:
            return jobs
        start = resp.next


def result_batches(net, jobs: list, batch: int) -> dict:
    from abci_app.keyring import Keyring
    from sprint.inference.v1 import tx_pb2
    from worker.inference.executor import Request, execute_batch
    from worker.inference.tolerance import load_tiny_lm

    model = load_tiny_lm("fp32")
    node_of = {node["operator"]["address"]: i for i, node in enumerate(net.nodes)}
    workers = {i: Keyring(net.home(i), backend="test").signing_key("worker").bech32 for i in range(4)}
    requests = [Request(list(j.prompt), j.max_tokens, j.sampling, bytes(j.sampling_seed), 4) for j in jobs]
    results = []
    for k in range(0, len(requests), 256):
        results.extend(execute_batch(model, requests[k:k + 256]))
    by_node: dict[int, list] = {}
    for job, result in zip(jobs, results):
        i = node_of[job.executor]
        by_node.setdefault(i, []).append(tx_pb2.MsgInferenceResult(
            worker=workers[i], job_id=job.id, sampling_seed=job.sampling_seed, result=result,
            output_token_count=len(result.output_tokens)))
    return {(i, "worker"): [msgs[k:k + batch] for k in range(0, len(msgs), batch)] for i, msgs in by_node.items()}


def localnet_section(n_jobs: int, batch: int, max_tokens: int) -> None:
    print(f"\n== jobs/s recorded by a 4-validator localnet (real CometBFT, 2-core machine, "
          f"{n_jobs} jobs, {batch} msgs/tx, {max_tokens} tokens each)")
    workdir = Path(tempfile.mkdtemp(prefix="sprint-bench-inference-")) / "net"
    net = start_localnet(workdir, expiry=100_000)
    try:
        t_submit = parallel(net, submit_batches(net, n_jobs, batch, max_tokens))
        time.sleep(2)  # the draw happens at the end of each submission block
        jobs = [j for j in pending_jobs(net) if j.executor]
        t0 = time.perf_counter()
        work = result_batches(net, jobs, batch)
        t_compute = time.perf_counter() - t0
        t_result = parallel(net, work)
        done = sum(1 for j in pending_jobs(net) if j.output_token_count > 0)
        print(f"submit: {len(jobs)} jobs recorded in {t_submit:.1f}s = {len(jobs) / t_submit:.0f} jobs/s")
        print(f"results: {done} recorded in {t_result:.1f}s = {done / t_result:.0f} jobs/s "
              f"(results computed off the clock in {t_compute:.1f}s)")
        rate = done / (t_submit + t_result)
        print(f"end to end: {rate:.0f} jobs/s recorded = {rate / 277:.2f}x the one-tx-per-inference 277 jobs/s")
    finally:
        net.stop()


# ------------------------------------------------------------------ 3. detection vs audit rate

def detection_section(n_jobs: int) -> None:
    from worker.inference.cheats import CHEATS, cheat_detection
    from worker.inference.tolerance import false_positive_rate

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    print(f"\n== detection vs audit rate (fp32 checker, calibrated tolerance, {n_jobs} jobs x 32 tokens per mode)")
    header = "".join(f"  p={p:<5}" for p in AUDIT_RATES)
    for mode in CHEATS:
        d = cheat_detection(mode, n_jobs=n_jobs)["detection"]
        print(f"{mode:14s} per-check detection d = {d:.3f}")
        print(f"  {'per cheated job':24s}" + header)
        print(f"  {'':24s}" + "".join(f"  {p * d:<7.3f}" for p in AUDIT_RATES))
        for n in (10, 100):
            row = "".join(f"  {1 - (1 - p * d) ** n:<7.3f}" for p in AUDIT_RATES)
            print(f"  {'>=1 of ' + str(n) + ' cheated jobs':24s}{row}")
    fpr = false_positive_rate(n_jobs=n_jobs)
    print(f"honest bf16 execution checked in fp32: {fpr['flagged']}/{fpr['jobs']} jobs flagged "
          f"(false-positive rate {fpr['rate']:.4f}; {fpr['tokens']} tokens, largest logprob diff "
          f"{fpr['max_logprob_diff_micro'] / 1e6:.3f} nats)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000, help="jobs for the localnet run")
    parser.add_argument("--batch", type=int, default=100, help="messages per tx")
    parser.add_argument("--tokens", type=int, default=8, help="max tokens per localnet job")
    parser.add_argument("--overhead-jobs", type=int, default=100)
    parser.add_argument("--detect-jobs", type=int, default=200)
    parser.add_argument("--no-localnet", action="store_true")
    args = parser.parse_args()
    overhead_section(args.overhead_jobs, 32)
    detection_section(args.detect_jobs)
    if not args.no_localnet:
        localnet_section(args.jobs, args.batch, args.tokens)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
