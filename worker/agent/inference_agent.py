"""InferenceAgent: a host worker's inference duties, one step per block (docs/inference.md).

    secrets     commit phase of epoch e: draw a 32-byte validation secret (saved first), commit it;
                settlement phase of e: reveal it
    execute     the PENDING jobs drawn to this host, earliest deadline first; every result of the
                block in ONE tx (several MsgInferenceResult), results over the inline limit as blobs
    votes       every REVERIFYING job of another executor: recompute, vote (one tx per vote: a
                vote landing after the tally closed fails and must not sink other messages)
    spot checks COMPLETED jobs of the current audit epoch (seed known) that this host's secret
                draws (worker/agent/duties.py mirrors the chain): recompute, MsgValidateInference;
                all checks of the block in one tx

Phase rules apply to the block a tx lands in (the one after the block just seen): the secret is
committed while the next block is in the commit phase, checks are sent while it is in the sprint,
proof or validation phase of the jobs' audit epoch, the reveal while it is in the settlement phase.

What is about to be broadcast is written to the inference state file first, and the chain is the
authority afterwards: a job counts as done when the chain shows its result or this host's check,
as in flight for a few blocks after its tx was broadcast, and is retried (alone, if its batch
failed) at most MAX_ATTEMPTS times.

The torch work is behind `Runtime` (TorchRuntime: models loaded once per (weights, dtype) from the
node's blob service, sha256-checked); the decision functions are pure and tested on their own.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sprint.inference.v1 import inference_pb2 as ipb, tx_pb2 as itx
from sprint.sprint.v1 import sprint_pb2

from abci_app.client import NodeError
from chain.tx.crypto import decode_address
from worker.agent import duties
from worker.agent.inference_state import MAX_ATTEMPTS, InferenceState, SecretState, Sent
from worker.agent.state import InFlight
from worker.metrics import WorkerMetrics

log = logging.getLogger("sprint.worker.inference")

# A job message (result, check, vote) counts as in flight for this many blocks after its broadcast.
# Long enough for a loaded node: resending while the first tx still waits in a mempool puts the same
# job into two txs, and the later one fails whole.
IN_FLIGHT_BLOCKS = 10
# Secrets must land within their (short) commit/reveal phase: retry a lost one sooner.
SECRET_IN_FLIGHT_BLOCKS = 4
MAX_MESSAGES_PER_TX = 64
EXECUTE_BATCH = 16  # jobs generated together (one batched forward per token step)
CHECK_PHASES = (sprint_pb2.PHASE_SPRINT, sprint_pb2.PHASE_PROOF, sprint_pb2.PHASE_VALIDATION)
VERDICT_NAME = {ipb.VERDICT_VALID: "VALID", ipb.VERDICT_INVALID: "INVALID"}


@dataclass(frozen=True)
class Outcome:
    """A checker's verdict on one job."""

    valid: bool
    max_logprob_diff_micro: int = 0
    mismatched_tokens: int = 0
    reason: str = ""


# ---------------------------------------------------------------------- pure decisions


def secret_action(phase: int, on_chain: ipb.ValidationSecret | None, st: SecretState, height: int) -> str | None:
    """"commit", "reveal" or None for this block, from the phase, the chain's record of this host's
    secret (None when it has none) and the local state."""
    if phase == sprint_pb2.PHASE_COMMIT:
        if on_chain is not None and on_chain.commitment:
            return None
        return None if _recent(st.commit_tx, height) else "commit"
    if phase == sprint_pb2.PHASE_SETTLEMENT:
        if on_chain is None or not on_chain.commitment or on_chain.secret or not st.secret:
            return None
        return None if _recent(st.reveal_tx, height) else "reveal"
    return None


def landing(epoch, height: int) -> tuple[int, int]:
    """(epoch number, phase) of block height + 1, where a tx sent after block `height` lands at the
    earliest; `epoch` is the sprint EpochInfo of `height`."""
    following = height + 1
    if following > epoch.end_height:
        return epoch.number + 1, sprint_pb2.PHASE_COMMIT
    for phase, end in ((sprint_pb2.PHASE_COMMIT, epoch.commit_end), (sprint_pb2.PHASE_REVEAL, epoch.reveal_end),
                       (sprint_pb2.PHASE_SPRINT, epoch.sprint_end), (sprint_pb2.PHASE_PROOF, epoch.proof_end),
                       (sprint_pb2.PHASE_VALIDATION, epoch.validation_end)):
        if following <= end:
            return epoch.number, phase
    return epoch.number, sprint_pb2.PHASE_SETTLEMENT


def executable_jobs(jobs: list, height: int) -> list:
    """PENDING jobs whose result can still land (deadline after this block), earliest deadline first."""
    live = [j for j in jobs if j.status == ipb.JOB_STATUS_PENDING and j.deadline_height > height]
    return sorted(live, key=lambda j: (j.deadline_height, j.id))


def checked_by(job, operator: str) -> bool:
    return any(check.validator == operator for check in job.checks)


def drawn_jobs(jobs: list, audit: ipb.EpochAudit, secret: bytes, operator: str) -> list:
    """The COMPLETED jobs of `audit`'s epoch that this host's secret draws and it has not checked."""
    if not audit.seed or not secret:
        return []
    weights = {hw.host: hw.weight for hw in audit.weights}
    picked = []
    for job in jobs:
        if job.status != ipb.JOB_STATUS_COMPLETED or job.executor == operator or checked_by(job, operator):
            continue
        threshold = duties.host_threshold(weights, job.executor, operator, job.validation_ppm)
        if duties.is_drawn(secret, bytes(audit.seed), job.id, threshold):
            picked.append(job)
    return picked


def votable_jobs(jobs: list, operator: str) -> list:
    """REVERIFYING jobs of other executors on which this host has no verdict yet, earliest deadline first."""
    open_jobs = [j for j in jobs if j.status == ipb.JOB_STATUS_REVERIFYING and j.executor != operator
                 and not checked_by(j, operator)]
    return sorted(open_jobs, key=lambda j: (j.reverification.deadline_height, j.id))


def result_message(worker: str, job, result: ipb.InferenceResult, max_inline_bytes: int,
                   put_blob: Callable[[bytes], str]) -> itx.MsgInferenceResult:
    """MsgInferenceResult for `job`: inline, or the encoded result put on the blob service when it
    exceeds `max_inline_bytes`."""
    msg = itx.MsgInferenceResult(worker=worker, job_id=job.id, sampling_seed=bytes(job.sampling_seed),
                                 output_token_count=len(result.output_tokens))
    encoded = result.SerializeToString()
    if len(encoded) > max_inline_bytes:
        msg.result_blob_sha256 = put_blob(encoded)
        msg.result_size = len(encoded)
    else:
        msg.result.CopyFrom(result)
    return msg


def verdict_message(worker: str, job_id: int, outcome: Outcome) -> itx.MsgValidateInference:
    return itx.MsgValidateInference(
        worker=worker, job_id=job_id, verdict=ipb.VERDICT_VALID if outcome.valid else ipb.VERDICT_INVALID,
        max_logprob_diff_micro=min(int(outcome.max_logprob_diff_micro), 2**32 - 1),
        mismatched_tokens=int(outcome.mismatched_tokens))


def _recent(flight: InFlight | None, height: int) -> bool:
    return flight is not None and height - flight.height < SECRET_IN_FLIGHT_BLOCKS


# ---------------------------------------------------------------------- the agent


class InferenceAgent:
    """Per-block inference work of one host. `runtime` executes and checks jobs (TorchRuntime)."""

    def __init__(self, view, sender, operator: str, worker: str, state: InferenceState, runtime, *,
                 put_blob: Callable[[bytes], str] | None = None, echo=print, metrics: WorkerMetrics | None = None):
        self.view, self.sender, self.operator, self.worker = view, sender, operator, worker
        self.metrics = metrics if metrics is not None else WorkerMetrics()
        self.state, self.runtime, self.echo = state, runtime, echo
        self.put_blob = put_blob
        self.new_secret: Callable[[], bytes] = lambda: os.urandom(32)
        self._params = None
        self._tx_status: dict[str, bool | None] = {}
        self.waiting = False  # work left over for the next block
        self.executed = self.checked = self.voted = 0

    @property
    def params(self):
        if self._params is None:
            self._params = self.view.inference_params()
        return self._params

    def step(self, height: int, epoch, done: Callable[[], bool] = lambda: False) -> None:
        """This block's inference work after block `height` (sprint EpochInfo `epoch` of that height;
        phase rules apply to the block the txs land in, height + 1); stops early when `done()` (the
        rest waits for the next block, `waiting` says so)."""
        self._tx_status = {}
        self.waiting = False
        number, phase = landing(epoch, height)
        audit, secrets = self.view.audit(number)
        self._secret(number, phase, height, audit, secrets)
        self._execute(height, done)
        votes = self._votes(height, audit, done)
        # one tx per vote: a vote that arrives after the tally closed fails, and must not sink others
        self._send_batch(votes, height, "votes", alone=True)
        if phase in CHECK_PHASES and audit is not None:
            self._send_batch(self._spot_checks(number, height, audit, done, budget=len(votes)), height, "checks")

    # ------------------------------------------------------------------ validation secret

    def _secret(self, number: int, phase: int, height: int, audit, secrets) -> None:
        mine = next((s for s in secrets if s.host == self.operator), None)
        st = self.state.secret(number)
        action = secret_action(phase, mine, st, height)
        if action == "commit":
            if audit is not None and not any(hw.host == self.operator for hw in audit.weights):
                return  # not in this epoch's snapshot: no duties, nothing to commit
            if not st.secret:
                st.secret = self.new_secret().hex()
                self.state.save()  # the secret must survive a crash before the commit goes out
            commitment = duties.commitment(number, decode_address(self.operator), bytes.fromhex(st.secret))
            msg = itx.MsgCommitValidationSecret(worker=self.worker, epoch=number, commitment=commitment)
            st.commit_tx = self._send_one(msg, height, f"epoch {number}: validation secret commit")
            self.state.save()
        elif action == "reveal":
            msg = itx.MsgRevealValidationSecret(worker=self.worker, epoch=number, secret=bytes.fromhex(st.secret))
            st.reveal_tx = self._send_one(msg, height, f"epoch {number}: validation secret reveal")
            self.state.save()

    # ------------------------------------------------------------------ executing jobs

    def _execute(self, height: int, done) -> None:
        jobs = executable_jobs(self.view.jobs(executor=self.operator, status=ipb.JOB_STATUS_PENDING), height)
        due = [j for j in jobs if self._due(j.id, "result", height)]
        messages = []
        for start in range(0, len(due), EXECUTE_BATCH):
            if messages and done():
                self.waiting = True
                break
            messages += self._execute_batch(due[start:start + EXECUTE_BATCH])
        self._send_batch(messages, height, "results")

    def _execute_batch(self, jobs: list) -> list:
        """(job id, "result", MsgInferenceResult) for each job it could run, one generation per model."""
        by_model: dict[str, list] = {}
        for job in jobs:
            by_model.setdefault(job.model, []).append(job)
        out = []
        for name, group in by_model.items():
            started = time.monotonic()
            try:
                results = self.runtime.execute_many(group, self.runtime.model_info(self.view, name),
                                                    self.params.top_logprobs)
            except Exception as err:  # a bad prompt blob or model: report, try again next block
                self.echo(f"jobs {[j.id for j in group]}: cannot execute ({err})")
                self.metrics.job("execute", ok=False, count=len(group))
                continue
            elapsed = (time.monotonic() - started) / len(group)
            for job, result in zip(group, results):
                self.executed += 1
                self.metrics.job("execute")
                self.echo(f"job {job.id} executed in {elapsed:.2f}s, {len(result.output_tokens)} tokens")
                out.append((job.id, "result", result_message(self.worker, job, result,
                                                             self.params.max_inline_result_bytes, self._put_blob)))
        return out

    def _put_blob(self, data: bytes) -> str:
        if self.put_blob is None:
            raise RuntimeError("no blob service configured for results over the inline limit")
        return self.put_blob(data)

    # ------------------------------------------------------------------ verdicts

    def _votes(self, height: int, audit, done) -> list:
        if audit is not None and not any(hw.host == self.operator and hw.weight for hw in audit.weights):
            return []  # not an eligible host this epoch
        out = []
        for job in votable_jobs(self.view.jobs(status=ipb.JOB_STATUS_REVERIFYING), self.operator):
            if not self._due(job.id, "vote", height):
                continue
            if out and done():
                self.waiting = True
                break
            outcome = self._check(job, "vote")
            if outcome is not None:
                self.voted += 1
                self.echo(f"re-verified job {job.id} of {job.executor}: {_verdict(outcome)}")
                out.append((job.id, "vote", verdict_message(self.worker, job.id, outcome)))
        return out

    def _spot_checks(self, epoch: int, height: int, audit, done, budget: int = 0) -> list:
        st = self.state.secrets.get(epoch)
        if st is None or not st.secret or not audit.seed:
            return []
        if not any(hw.host == self.operator and hw.weight for hw in audit.weights):
            return []  # not in the epoch's snapshot: no duties
        jobs = self.view.jobs(audit_epoch=epoch, status=ipb.JOB_STATUS_COMPLETED)
        out = []
        for job in drawn_jobs(jobs, audit, bytes.fromhex(st.secret), self.operator):
            if not self._due(job.id, "check", height):
                continue
            if (out or budget) and done():
                self.waiting = True
                break
            outcome = self._check(job)
            if outcome is not None:
                self.checked += 1
                self.echo(f"checked job {job.id} of {job.executor}: {_verdict(outcome)}")
                out.append((job.id, "check", verdict_message(self.worker, job.id, outcome)))
        return out

    def _check(self, job, action: str = "check") -> Outcome | None:
        try:
            outcome = self.runtime.check(job, self.runtime.model_info(self.view, job.model), self.params.top_logprobs)
        except Exception as err:  # missing blob, malformed result: try again next block
            self.echo(f"job {job.id}: cannot check ({err})")
            self.metrics.job(action, ok=False)
            return None
        self.metrics.job(action)
        return outcome

    # ------------------------------------------------------------------ sending

    def _due(self, job_id: int, kind: str, height: int) -> bool:
        """Whether a `kind` message for `job_id` should be (re)sent now (the caller already knows the
        chain still waits for it)."""
        sent = self.state.sent.get(job_id)
        if sent is None or sent.kind != kind:
            return True
        if sent.attempts >= MAX_ATTEMPTS:
            return False
        landed = self._landed(sent.tx_hash)
        if landed or (landed is None and height - sent.height < IN_FLIGHT_BLOCKS):
            return False  # landed (the chain's next answer will show it) or still in flight
        sent.attempts += 1
        sent.solo = sent.solo or landed is False
        if sent.attempts >= MAX_ATTEMPTS:
            self.echo(f"job {job_id}: giving up on the {kind} after {sent.attempts} attempts")
            self.state.save()
            return False
        return True

    def _landed(self, tx_hash: str) -> bool | None:
        """True: committed OK; False: committed and failed; None: not committed (yet)."""
        if not tx_hash:
            return None
        if tx_hash not in self._tx_status:
            resp = self.view.client.get_tx(tx_hash)
            self._tx_status[tx_hash] = None if resp is None else resp.tx_response.code == 0
        return self._tx_status[tx_hash]

    def _send_batch(self, items: list, height: int, what: str, alone: bool = False) -> None:
        """Broadcast (job id, kind, msg) items: solo items (or all when `alone`) one per tx, the others
        together (chunks of MAX_MESSAGES_PER_TX); a batch refused at CheckTx is retried message by
        message."""
        if not items:
            return
        solo = [i for i in items if alone or (self.state.sent.get(i[0]) is not None and self.state.sent[i[0]].solo)]
        grouped = [i for i in items if i not in solo]
        chunks = [grouped[k:k + MAX_MESSAGES_PER_TX] for k in range(0, len(grouped), MAX_MESSAGES_PER_TX)]
        for chunk in chunks + [[i] for i in solo]:
            if not self._broadcast(chunk, height, what) and len(chunk) > 1:
                for item in chunk:
                    self._broadcast([item], height, what)

    def _broadcast(self, items: list, height: int, what: str) -> bool:
        for job_id, kind, _ in items:  # intent first: a crash right after the broadcast must not resend
            old = self.state.sent.get(job_id)
            attempts = old.attempts if old is not None and old.kind == kind else 0
            self.state.sent[job_id] = Sent(job_id, kind, "", height, attempts, old.solo if old else False)
        self.state.save()
        label = f"{len(items)} {what}" if len(items) > 1 else f"{what[:-1]} for job {items[0][0]}"
        try:
            tx_hash, code, text = self.sender.send([msg for _, _, msg in items])
        except NodeError as err:
            tx_hash, code, text = "", -1, str(err)
        if code != 0:
            self.sender.reset()
            self.echo(f"height {height}: {label}: refused ({text})")
            for job_id, _, _ in items:
                self.state.sent[job_id].height = height - IN_FLIGHT_BLOCKS  # not in flight: retry allowed
            self.state.save()
            return False
        self.echo(f"height {height}: {label}: sent {tx_hash[:12]}")
        for job_id, _, _ in items:
            self.state.sent[job_id].tx_hash = tx_hash
        self.state.save()
        return True

    def _send_one(self, msg, height: int, what: str) -> InFlight | None:
        try:
            tx_hash, code, text = self.sender.send([msg])
        except NodeError as err:
            tx_hash, code, text = "", -1, str(err)
        if code != 0:
            self.sender.reset()
            self.echo(f"{what}: refused ({text})")
            return None
        self.echo(f"{what}: sent {tx_hash[:12]}")
        return InFlight(tx_hash, height)


def _verdict(outcome: Outcome) -> str:
    text = (f"{'VALID' if outcome.valid else 'INVALID'} (max logprob diff {outcome.max_logprob_diff_micro}, "
            f"{outcome.mismatched_tokens} mismatched tokens)")
    return text if outcome.valid or not outcome.reason else f"{text}: {outcome.reason}"


def state_path_for(sprint_state_path: str | Path) -> Path:
    """The inference state file next to the sprint state file."""
    path = Path(sprint_state_path)
    return path.with_name(path.stem + "-inference.json")


def attach(sprint_agent, node_address: str, sprint_state_path: str | Path, *, device: str = "cpu",
           dtype: str = "auto", cheat=None, cache_dir: str | Path | None = None, echo=print) -> InferenceAgent:
    """An InferenceAgent sharing `sprint_agent`'s chain view and tx sender (one account sequence),
    set as its per-block inference hook."""
    from worker import blob_client
    from worker.agent.inference_runtime import TorchRuntime

    runtime = TorchRuntime(lambda sha: blob_client.fetch(node_address, sha, cache_dir=cache_dir), device=device,
                           dtype=dtype, cheat=cheat, echo=echo)
    agent = InferenceAgent(sprint_agent.view, sprint_agent.sender, sprint_agent.operator, sprint_agent.worker,
                           InferenceState.load(state_path_for(sprint_state_path)), runtime,
                           put_blob=lambda data: blob_client.put(node_address, data, signer=sprint_agent.sender.key,
                                                                 chain_id=sprint_agent.sender.chain_id), echo=echo,
                           metrics=sprint_agent.metrics)
    sprint_agent.inference = agent
    return agent
