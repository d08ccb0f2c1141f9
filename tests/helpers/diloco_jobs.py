"""Helpers for DiLoCo-job tests (docs/diloco.md): TrainingNet with short round windows and the three
DiLoCo messages with fake but consistent hashes.

    net = DilocoNet(7)
    _, job_id = net.submit(0, workers=3, inner_steps=8)   # 40 steps: 5 rounds of 8 inner steps
    net.round(job_id)                                       # every worker contributes, all agree

Fake hashes: worker h's round-u delta sha256("d|job|u|h|salt"), its optimizer end sha256("o|..."),
the outer result sha256("t|job|u|salt") / sha256("m|job|u|salt").
"""

from __future__ import annotations

import hashlib

from sprint.inference.v1.inference_pb2 import VERDICT_INVALID, VERDICT_VALID
from sprint.training.v1.tx_pb2 import MsgCommitDilocoOuter, MsgCommitDilocoRound, MsgVoteDilocoRound

from chain.modules.training import msg_server
from chain.modules.training.diloco_state import current_round, live_round, live_rounds
from chain.tx.builder import pack_any
from tests.helpers.training_jobs import TrainingNet

DILOCO_PARAMS = {"round_blocks": "4", "outer_blocks": "3", "outer_vote_blocks": "3", "reverify_blocks": "3",
                 "outer_sample_ppm": "0"}
ROOT = b"\x11" * 32


def h(*parts) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


class DilocoNet(TrainingNet):
    """TrainingNet whose hosts act as DiLoCo workers, committees and re-verifiers."""

    def __init__(self, n: int = 7, training_params: dict | None = None, **kwargs):
        super().__init__(n, training_params=dict(DILOCO_PARAMS, **(training_params or {})), **kwargs)

    def submit_diloco(self, user=0, workers: int = 3, inner_steps: int = 8, **kwargs):
        return self.submit(user, workers=workers, inner_steps=inner_steps, **kwargs)

    def workers(self, job_id: int, active: bool = True) -> list[int]:
        """Host indices of the job's (active) workers, ascending rank."""
        rows = sorted(self.job(job_id).diloco.workers, key=lambda w: w.rank)
        return [self.index_of(w.host) for w in rows if w.active or not active]

    def round_index(self, job_id: int) -> int:
        return self.job(job_id).diloco.current_round

    def current(self, job_id: int):
        return current_round(self.job(job_id))

    def live(self, job_id: int, index: int):
        return live_round(self.job(job_id), index)

    # --- messages ------------------------------------------------------------------------------

    def round_msg(self, job_id: int, host: int, round_index: int | None = None, salt: str = "", **overrides):
        u = self.round_index(job_id) if round_index is None else round_index
        fields = dict(worker=self.worker_of(host), job_id=job_id, round=u, delta_sha256=h("d", job_id, u, host, salt),
                      delta_size=1000, end_optim_sha256=h("o", job_id, u, host, salt), end_optim_size=2000,
                      root=ROOT, losses_micro=[1_000_000] * 4)
        fields.update(overrides)
        return pack_any(MsgCommitDilocoRound(**fields), msg_server.MSG_COMMIT_ROUND_URL)

    def outer_msg(self, job_id: int, host: int, round_index: int | None = None, salt: str = "", **overrides):
        u = self.round_index(job_id) if round_index is None else round_index
        fields = dict(worker=self.worker_of(host), job_id=job_id, round=u, weights_sha256=h("t", job_id, u, salt),
                      momentum_sha256=h("m", job_id, u, salt), weights_size=1000)
        fields.update(overrides)
        return pack_any(MsgCommitDilocoOuter(**fields), msg_server.MSG_COMMIT_OUTER_URL)

    def vote_round_msg(self, job_id: int, round_index: int, voter: int, valid: bool = True):
        msg = MsgVoteDilocoRound(worker=self.worker_of(voter), job_id=job_id, round=round_index,
                                 verdict=VERDICT_VALID if valid else VERDICT_INVALID,
                                 distance_ppm=1_000 if valid else 900_000)
        return pack_any(msg, msg_server.MSG_VOTE_ROUND_URL)

    # --- phases --------------------------------------------------------------------------------

    def contribute(self, job_id: int, hosts=None):
        """One block in which `hosts` (default: every expected worker) contribute to the current round."""
        hosts = self.expected(job_id) if hosts is None else hosts
        block = self.run(*[(i, self.round_msg(job_id, i)) for i in hosts])
        assert block.codes == [0] * len(hosts), [r.log for r in block.results]
        return block

    def expected(self, job_id: int) -> list[int]:
        job = self.job(job_id)
        u = job.diloco.current_round
        rows = sorted((w for w in job.diloco.workers if w.active and w.joined_round <= u), key=lambda w: w.rank)
        return [self.index_of(w.host) for w in rows]

    def commit_outer(self, job_id: int, hosts=None, salts: dict | None = None):
        """One block of outer commits by `hosts` (default: the round's contributors)."""
        rnd = self.current(job_id)
        hosts = [self.index_of(c.host) for c in rnd.contributions] if hosts is None else hosts
        salts = salts or {}
        block = self.run(*[(i, self.outer_msg(job_id, i, salt=salts.get(i, ""))) for i in hosts])
        assert block.codes == [0] * len(hosts), [r.log for r in block.results]
        return block

    def round(self, job_id: int, hosts=None):
        """Contribute (barrier closes the round at the end of that block), then every contributor
        commits the same outer pair (agreed at the end of that block)."""
        self.contribute(job_id, hosts)
        return self.commit_outer(job_id)

    def pass_checks(self, job_id: int) -> None:
        """Every committee member votes VALID on every live round whose check is VOTING."""
        from sprint.training.v1.training_pb2 import ROUND_CHECK_VOTING
        entries = []
        for rnd in live_rounds(self.job(job_id)):
            if rnd.check == ROUND_CHECK_VOTING:
                entries += [(self.index_of(m), self.vote_round_msg(job_id, rnd.index, self.index_of(m)))
                            for m in rnd.committee]
        if entries:
            block = self.run(*entries)
            assert block.codes == [0] * len(entries), [r.log for r in block.results]
