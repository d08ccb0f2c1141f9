"""Helpers for training-job tests: InferenceNet (hosts, users, tiny-lm) plus the training section with
short windows, training messages with consistent fake states, and the training queries.

    net = TrainingNet(4)
    block, job_id = net.submit(0)                 # user 0; scheduled at the end of the same block
    net.commit(job_id)                            # the prover's next segment, real Merkle root
    net.pass_segment(job_id, 0)                   # drive draws, reveals and committee votes

Fake states: interval k of job j ends in weights sha256("w|j|k|salt"), optimizer sha256("o|j|k|salt"),
loss 2_000_000 - 1000 k; roots and audit paths are real (chain.modules.training.merkle).
"""

from __future__ import annotations

import hashlib

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci
from sprint.inference.v1.inference_pb2 import VERDICT_INVALID, VERDICT_VALID
from sprint.training.v1 import query_pb2
from sprint.training.v1.training_pb2 import SEGMENT_STATUS_COMMITTED, SEGMENT_STATUS_PASSED, Hyperparams, StateReveal
from sprint.training.v1.tx_pb2 import (
    MsgAnnounceMaintenance, MsgCommitTrainingSegment, MsgRevealTrainingStates, MsgSubmitTrainingJob,
    MsgVoteTrainingSegment,
)

from chain.modules.bank.keys import module_address
from chain.modules.training import merkle, msg_server
from chain.modules.training.keeper import job_layout, live_segment, next_segment_index
from chain.tx.builder import pack_any
from chain.modules.sprint.genesis import parse_params
from chain.modules.training.reveals import required_intervals
from chain.modules.training.verification import holding_segment
from chain.store.memory import MemoryDB
from tests.helpers.chain import new_app
from tests.helpers.inference import InferenceNet, inference_state

ESCROW = module_address("training")
DATASET_SHA256 = "d5" * 32
# Short windows for in-process tests.
TEST_TRAINING_PARAMS = {"segment_blocks": "5", "reveal_blocks": "3", "vote_blocks": "3", "reverify_blocks": "3",
                        "queue_blocks": "10", "maintenance_notice_blocks": "2", "max_maintenance_blocks": "20",
                        "intervals_per_segment": "5"}
# 40 steps of 4 x 32 tokens, checkpoint every 2 steps: 20 intervals, 4 segments of 5; 4 GFLOP.
HYPER = dict(lr_nano=300_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
             weight_decay_nano=0, batch_size=4, seq_len=32, total_steps=40, checkpoint_interval=2)


def state(job_id: int, k: int, salt: bytes = b"") -> tuple[str, str, int]:
    """(weights sha256, optimizer sha256, loss_micro) of the fake end state of interval k."""
    weights = hashlib.sha256(b"w|%d|%d|" % (job_id, k) + salt).hexdigest()
    optim = hashlib.sha256(b"o|%d|%d|" % (job_id, k) + salt).hexdigest()
    return weights, optim, 2_000_000 - 1000 * k


class TrainingNet(InferenceNet):
    """InferenceNet with the training section; host workers commit, reveal and vote."""

    def __init__(self, n: int = 4, users: int = 2, weights=None, training_params: dict | None = None,
                 inference_params: dict | None = None, sprint_params: dict | None = None, db=None, banned=()):
        self.app_state, self.hosts, self.outsider, self.users = inference_state(
            n, users, weights, inference_params, sprint_params)
        for i in banned:  # banned at genesis until height 1000
            self.app_state["hosts"]["hosts"][i].update(status="HOST_STATUS_BANNED", banned_until="1000")
        self.app_state["training"] = {"params": dict(TEST_TRAINING_PARAMS, **(training_params or {}))}
        self.outsider_account = 2 * n
        self.app = new_app(db if db is not None else MemoryDB(), self.app_state)
        self.params = parse_params(self.app_state["sprint"]["params"])

    # --- messages ------------------------------------------------------------------------------

    def submit_msg(self, user, budget: int = 1_000_000, output_model: str = "tiny-ft", base_model: str = "tiny-lm",
                   dataset_size: int = 20_000, hyper: dict | None = None, **fields):
        key = self.users[user] if isinstance(user, int) else user
        fields = dict(dict(submitter=key.bech32, base_model=base_model, dataset_sha256=DATASET_SHA256,
                           dataset_size=dataset_size, output_model=output_model, budget=budget), **fields)
        msg = MsgSubmitTrainingJob(hyper=Hyperparams(**dict(HYPER, **(hyper or {}))), **fields)
        return pack_any(msg, msg_server.MSG_SUBMIT_URL)

    def submit(self, user, **kwargs):
        """One block with one submission; returns (BlockResult, job id or None when refused)."""
        key = self.users[user] if isinstance(user, int) else user
        block = self.run((key, self.submit_msg(key, **kwargs)))
        return block, submitted_job_id(block.results[0])

    def prover(self, job_id: int) -> int:
        job = self.job(job_id)
        assert job.host, f"job {job_id} has no prover"
        return self.index_of(job.host)

    def segment_leaves(self, job, index: int, salt: bytes = b"") -> list[bytes]:
        first, count = job_layout(job)[index]
        return [merkle.leaf_hash(job.id, k, *state(job.id, k, salt)) for k in range(first, first + count)]

    def commit_msg(self, jid: int, segment: int | None = None, host: int | None = None, salt: bytes = b"",
                   **overrides):
        """MsgCommitTrainingSegment of job `jid`'s next segment (fake states, real root); `overrides`
        replace message fields (job_id included)."""
        job_id = jid
        job = self.job(job_id)
        segment = next_segment_index(job) if segment is None else segment
        layout_index = min(segment, job.segments - 1)  # a segment past the last reuses the last's layout
        first, count = job_layout(job)[layout_index]
        last = state(job_id, first + count - 1, salt)
        fields = dict(worker=self.worker_of(self.prover(job_id) if host is None else host), job_id=job_id,
                      segment=segment, root=merkle.merkle_root(self.segment_leaves(job, layout_index, salt)),
                      losses_micro=[state(job_id, k, salt)[2] for k in range(first, first + count)],
                      end_weights_sha256=last[0], end_optim_sha256=last[1], end_weights_size=1000,
                      end_optim_size=2000)
        fields.update(overrides)
        return pack_any(MsgCommitTrainingSegment(**fields), msg_server.MSG_COMMIT_URL)

    def commit(self, job_id: int, **kwargs):
        host = kwargs.get("host")
        host = self.prover(job_id) if host is None else host
        return self.run((host, self.commit_msg(job_id, **kwargs)))

    def reveal_msg(self, job_id: int, index: int, salt: bytes = b""):
        job = self.job(job_id)
        seg = live_segment(job, index)
        reveals = []
        for k in required_intervals(job, seg):
            holder = holding_segment(job, k)
            leaves = self.segment_leaves(job, holder.index, salt)
            w, o, loss = state(job_id, k, salt)
            reveals.append(StateReveal(interval=k, weights_sha256=w, optim_sha256=o, loss_micro=loss,
                                       proof=merkle.audit_path(leaves, k - holder.first_interval)))
        msg = MsgRevealTrainingStates(worker=self.worker_of(self.index_of(seg.host)), job_id=job_id, segment=index,
                                      reveals=reveals)
        return self.index_of(seg.host), pack_any(msg, msg_server.MSG_REVEAL_URL)

    def vote_msg(self, job_id: int, index: int, voter: int, valid: bool = True):
        seg = live_segment(self.job(job_id), index)
        msg = MsgVoteTrainingSegment(worker=self.worker_of(voter), job_id=job_id, segment=index,
                                     verdict=VERDICT_VALID if valid else VERDICT_INVALID,
                                     distances_ppm=[1_000] * len(seg.sampled_intervals))
        return pack_any(msg, msg_server.MSG_VOTE_URL)

    def pass_segment(self, job_id: int, index: int) -> None:
        """After the commit of segment `index`: one block for the draws, the reveal, every committee
        member's VALID vote (the segment PASSES at the end of the voting block)."""
        seg = live_segment(self.job(job_id), index)
        if seg.status == SEGMENT_STATUS_COMMITTED:  # the draw happens at the end of the next block
            self.run()
        seg = live_segment(self.job(job_id), index)
        if seg.status == SEGMENT_STATUS_PASSED:
            return
        assert self.run(self.reveal_msg(job_id, index)).codes == [0]
        seg = live_segment(self.job(job_id), index)
        block = self.run(*[(self.index_of(m), self.vote_msg(job_id, index, self.index_of(m))) for m in seg.committee])
        assert block.codes == [0] * len(seg.committee), [r.log for r in block.results]
        assert live_segment(self.job(job_id), index).status == SEGMENT_STATUS_PASSED

    def maintenance_msg(self, host: int, start: int, end: int):
        msg = MsgAnnounceMaintenance(worker=self.worker_of(host), start_height=start, end_height=end)
        return pack_any(msg, msg_server.MSG_MAINTENANCE_URL)

    # --- queries -------------------------------------------------------------------------------

    def tquery_raw(self, method: str, request) -> abci.ResponseQuery:
        return self.app.query(abci.RequestQuery(path=f"/sprint.training.v1.Query/{method}",
                                                data=request.SerializeToString()))

    def tquery(self, method: str, request, response_class):
        resp = self.tquery_raw(method, request)
        assert resp.code == 0, resp.log
        return response_class.FromString(resp.value)

    def job(self, job_id: int):
        return self.tquery("Job", query_pb2.QueryJobRequest(id=job_id), query_pb2.QueryJobResponse).job

    def jobs(self, **filters):
        return self.tquery("Jobs", query_pb2.QueryJobsRequest(**filters), query_pb2.QueryJobsResponse)

    def training_params(self):
        return self.app.keepers.training.get_params(self.app.committed_store())


def submitted_job_id(result) -> int | None:
    """Job id from a tx result's training_submitted event (None when the tx failed)."""
    for event in result.events:
        if event.type == "training_submitted":
            return int({a.key: a.value for a in event.attributes}["job_id"])
    return None
