"""Helpers for the inference verification tests: secrets, spot checks, votes, reports, and secrets
ground so that a host is (or is not) drawn for a job.

    net = VerifyNet(4)
    block, job_id = net.submit(0)                         # block 1: executor drawn at its end
    secret = net.grind(host=1, job_id=job_id, drawn=True)  # host 1 must check the job
    net.run((1, net.commit_secret(1, secret)))            # block 2 (commit phase)

With no sprint reveals the sprint seed of epoch e is randomness.sprint_seed(hash of its last reveal
block, []), so tests can predict S_e before committing.
"""

from __future__ import annotations

import hashlib

from sprint.inference.v1 import query_pb2
from sprint.inference.v1.inference_pb2 import VERDICT_INVALID, VERDICT_VALID
from sprint.inference.v1.tx_pb2 import (
    MsgCommitValidationSecret, MsgReportInference, MsgRevealValidationSecret, MsgValidateInference,
)

from chain.modules.inference import duties, verification
from chain.modules.sprint import randomness
from chain.store.memory import MemoryDB
from chain.tx.builder import pack_any
from tests.helpers.chain import new_app
from tests.helpers.inference import InferenceNet, inference_state
from tests.helpers.sprint import block_hash_at

PPM = 1_000_000


class VerifyNet(InferenceNet):
    """InferenceNet plus the verification messages and queries; `honest_epochs` gives every host a
    genesis reputation record with that many honest epochs."""

    def __init__(self, n: int = 4, users: int = 2, weights=None, inference_params: dict | None = None,
                 honest_epochs: int = 0):
        from chain.modules.sprint.genesis import parse_params

        self.app_state, self.hosts, self.outsider, self.users = inference_state(n, users, weights, inference_params)
        if honest_epochs:
            self.app_state["reputation"] = {"hosts": [{"host": h.bech32, "honest_epochs": str(honest_epochs)}
                                                      for h in self.hosts]}
        self.outsider_account = 2 * n
        self.app = new_app(MemoryDB(), self.app_state)
        self.params = parse_params(self.app_state["sprint"]["params"])

    def store(self):
        return self.app.committed_store()

    # --- secrets -------------------------------------------------------------------------------

    def predicted_seed(self, epoch: int = 0) -> bytes:
        return randomness.sprint_seed(block_hash_at(self.bounds(epoch).reveal_end), [])

    def grind(self, host: int, job_id: int, drawn: bool, epoch: int = 0, executor: int | None = None,
              ppm: int = PPM) -> bytes:
        """A secret for which `host` is drawn (or not) for `job_id` of audit epoch `epoch`, with the
        genesis weights as the snapshot and `executor` (default: the job's drawn executor)."""
        executor = self.executor_index(self.job(job_id)) if executor is None else executor
        snapshot = [(h.address, int(e["weight"])) for h, e in zip(self.hosts, self.app_state["hosts"]["hosts"])]
        threshold = duties.host_threshold(snapshot, self.hosts[executor].address, self.hosts[host].address, ppm)
        seed = self.predicted_seed(epoch)
        for counter in range(10_000):
            secret = hashlib.sha256(b"grind|%d|%d|%d" % (host, job_id, counter)).digest()
            if duties.is_drawn(secret, seed, job_id, threshold) == drawn:
                return secret
        raise AssertionError("no secret found")

    def commit_secret(self, i: int, secret: bytes, epoch: int = 0, commitment: bytes | None = None):
        value = duties.commitment(epoch, self.hosts[i].address, secret) if commitment is None else commitment
        return pack_any(MsgCommitValidationSecret(worker=self.worker_of(i), epoch=epoch, commitment=value),
                        verification.MSG_COMMIT_SECRET_URL)

    def reveal_secret(self, i: int, secret: bytes, epoch: int = 0):
        return pack_any(MsgRevealValidationSecret(worker=self.worker_of(i), epoch=epoch, secret=secret),
                        verification.MSG_REVEAL_SECRET_URL)

    # --- checks and reports --------------------------------------------------------------------

    def check(self, i: int, job_id: int, valid: bool = True, verdict: int | None = None, worker: str | None = None):
        verdict = (VERDICT_VALID if valid else VERDICT_INVALID) if verdict is None else verdict
        msg = MsgValidateInference(worker=self.worker_of(i) if worker is None else worker, job_id=job_id,
                                   verdict=verdict, max_logprob_diff_micro=12, mismatched_tokens=0)
        return pack_any(msg, verification.MSG_VALIDATE_URL)

    def report(self, user, job_id: int, reason: str = "looks wrong"):
        key = self.users[user] if isinstance(user, int) else user
        return pack_any(MsgReportInference(requester=key.bech32, job_id=job_id, reason=reason),
                        verification.MSG_REPORT_URL)

    # --- queries -------------------------------------------------------------------------------

    def audit(self, epoch: int) -> query_pb2.QueryAuditResponse:
        return self.iquery("Audit", query_pb2.QueryAuditRequest(epoch=epoch), query_pb2.QueryAuditResponse)

    def outcome(self, epoch: int, i: int):
        return self.app.keepers.rewards.get_outcome(self.store(), epoch, self.hosts[i].address)

    def reputation(self, i: int):
        return self.app.keepers.reputation.get(self.store(), self.hosts[i].address)

    def others(self, job_id: int) -> list[int]:
        executor = self.executor_index(self.job(job_id))
        return [h.index for h in self.hosts if h.index != executor]


def end_events(block, event_type: str) -> list[dict]:
    """Attributes (as dicts) of one event type emitted by the block's end-of-block work."""
    return [{a.key: a.value for a in e.attributes} for e in block.response.events if e.type == event_type]
