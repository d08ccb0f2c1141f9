"""DilocoCompute: the torch side of the DilocoAgent (runs in its background lanes).

    inner(job, rnd, worker)      a worker's k inner steps of an OPEN round from the agreed theta_u and
                                 its own optimizer state; Delta and end optimizer uploaded (and kept
                                 locally) before the MsgCommitDilocoRound is handed back
    outer(job, rnd)              the exact outer step over the round's Delta blobs in rank order;
                                 theta_{u+1} and m_{u+1} uploaded before the MsgCommitDilocoOuter
    check(job, rnd)              a committee member's re-execution of the checked contribution and
                                 its distance (MsgVoteDilocoRound): all k inner steps, or in the
                                 sampled-interval mode each sampled interval from its revealed start
    reveal(job, rnd)             the checked worker's reveal of its sampled intervals (their state
                                 blobs uploaded first; MsgRevealDilocoRound)

Every input is a blob by hash: the job's folder of the DilocoStore first (kept across restarts),
then the node (which fetches from peers); what a host makes is uploaded and kept there too. The
dataset cache and the base model come from the TrainingCompute. With `--data-parallel N` (a
DataParallel plan) the inner steps run over N local DDP processes (worker/diloco/ddp.py); a failed
or timed-out DDP round raises, and the agent logs it and misses the round.
"""

from __future__ import annotations

from typing import Callable

from sprint.training.v1 import training_pb2 as tpb
from sprint.training.v1 import tx_pb2 as ttx

from worker.agent import diloco_plan as plan
from worker.agent.data_parallel import DataParallel
from worker.agent.training_plan import verdict


class DilocoCompute:
    def __init__(self, training, models, store, remote: Callable[[str], bytes],
                 data_parallel: DataParallel | None = None):
        """`training`: the TrainingCompute (uploads, datasets, base model, device, precision, cheat);
        `models`: registry entries by name; `store`: the DilocoStore; `remote`: fetch from the node;
        `data_parallel`: the inner steps' local processes (default: one)."""
        self.training, self.models, self.store, self.remote = training, models, store, remote
        self.data_parallel = data_parallel or DataParallel()

    def _fetch(self, job, sha256: str) -> bytes:
        return self.store.fetch(job.id, sha256, self.remote)

    def _theta(self, job, rnd, info) -> bytes:
        if rnd.start_weights_sha256 == info.weights_sha256:
            return self.training.base_weights(info)
        return self._fetch(job, rnd.start_weights_sha256)

    def _upload(self, job, data: bytes) -> None:
        self.training.put_blob(data)
        self.store.keep(job.id, data)

    def _optim(self, job, sha256: str) -> bytes | None:
        return self._fetch(job, sha256) if sha256 else None

    def inner(self, job, rnd, worker) -> ttx.MsgCommitDilocoRound:
        """Run this worker's inner round; upload Delta and end optimizer; the commit message."""
        info = self.models(job.base_model)
        theta = self._theta(job, rnd, info)
        args = (info.config, theta, self._optim(job, worker.optim_sha256), self.training.dataset(job.dataset_sha256),
                bytes(job.data_seed), worker.rank, job.hyper, rnd.index, job.diloco.inner_steps)
        res = self._run_inner(job, args)
        self._upload(job, res.delta)
        self._upload(job, res.end_optim)
        self._keep_states(job, res)
        return ttx.MsgCommitDilocoRound(job_id=job.id, round=rnd.index, delta_sha256=res.delta_sha256,
                                        delta_size=len(res.delta), end_optim_sha256=res.optim_sha256,
                                        end_optim_size=len(res.end_optim), root=res.root,
                                        losses_micro=res.losses)

    def _keep_states(self, job, res) -> None:
        """Keep the round's interval states and leaves on disk for a sampled-interval reveal."""
        for weights, optim in list(res.states) + [(res.end_weights, res.end_optim)]:
            self.store.keep(job.id, weights)
            self.store.keep(job.id, optim)
        self.store.keep_leaves(job.id, bytes(res.root).hex(), [
            {"interval": leaf.interval, "weights_sha256": leaf.weights_sha256, "optim_sha256": leaf.optim_sha256,
             "loss_micro": leaf.loss_micro} for leaf in res.leaves])

    def _run_inner(self, job, args):
        """One process, or the DataParallel plan's DDP processes (a test-only cheat and a batch that
        does not split evenly over the processes run in one process)."""
        from worker.diloco.inner import run_inner_round

        dp, training = self.data_parallel, self.training
        if dp.enabled and training.cheat is None and dp.splits(job.hyper.batch_size):
            from worker.diloco.ddp import run_inner_round_ddp

            return run_inner_round_ddp(*args, local_ranks=dp.ranks, backend=dp.backend, precision=training.precision,
                                       job_id=job.id, threads_per_rank=dp.threads_per_rank, timeout_s=dp.timeout_s)
        if dp.enabled and training.cheat is None:
            training.echo(f"DiLoCo job {job.id}: batch size {job.hyper.batch_size} does not split over "
                          f"{dp.ranks} processes; inner steps in one process")
        return run_inner_round(*args, precision=training.precision, cheat=training.cheat, job_id=job.id,
                               device=training.device)

    def outer(self, job, rnd) -> ttx.MsgCommitDilocoOuter:
        """The exact outer step of the OUTER round; theta_{u+1} and m_{u+1} uploaded; the commit."""
        from worker.diloco.outer import outer_step
        from worker.training.state import sha256_hex

        info = self.models(job.base_model)
        theta = self._theta(job, rnd, info)
        momentum = self._fetch(job, rnd.start_momentum_sha256) if rnd.start_momentum_sha256 else None
        deltas = [self._fetch(job, h) for h in plan.ranked_deltas(rnd)]
        theta_next, m_next = outer_step(theta, momentum, deltas, job.diloco.outer_lr_nano,
                                        job.diloco.outer_momentum_nano, device=self.training.device)
        self._upload(job, theta_next)
        self._upload(job, m_next)
        return ttx.MsgCommitDilocoOuter(job_id=job.id, round=rnd.index, weights_sha256=sha256_hex(theta_next),
                                        momentum_sha256=sha256_hex(m_next), weights_size=len(theta_next))

    def check(self, job, rnd) -> ttx.MsgVoteDilocoRound:
        """Re-execute the checked contribution in fp32 from theta_u and its start optimizer state
        (all k steps, or each sampled interval from its revealed start); VALID when the (largest)
        distance is within the job's tolerance."""
        from worker.diloco.inner import reexecute_round, round_distance_ppm

        info = self.models(job.base_model)
        contribution = plan.checked_contribution(rnd)
        theta = self._theta(job, rnd, info)
        if rnd.sampled_intervals:
            distance = self._sampled_distance(job, rnd, info, contribution, theta)
            return ttx.MsgVoteDilocoRound(job_id=job.id, round=rnd.index,
                                          verdict=verdict([distance], job.tolerance_ppm), distance_ppm=distance)
        mine = reexecute_round(info.config, theta, self._optim(job, contribution.start_optim_sha256),
                               self.training.dataset(job.dataset_sha256), bytes(job.data_seed), contribution.rank,
                               job.hyper, rnd.index, job.diloco.inner_steps, precision="fp32",
                               device=self.training.device)
        distance = round_distance_ppm(theta, mine, self._fetch(job, contribution.delta_sha256))
        return ttx.MsgVoteDilocoRound(job_id=job.id, round=rnd.index, verdict=verdict([distance], job.tolerance_ppm),
                                      distance_ppm=distance)

    def _sampled_distance(self, job, rnd, info, contribution, theta: bytes) -> int:
        """The largest distance over the round's sampled intervals: each re-executed from its revealed
        start (the round's first from theta_u and the start optimizer) and compared with its revealed
        end (the round's last with theta_u + Delta, what entered the outer step)."""
        from worker.diloco.delta import apply_delta
        from worker.diloco.inner import interval_distance_ppm
        from worker.inference.weights import WeightsError
        from worker.training.verify import MAX_DISTANCE_PPM

        first, count = plan.round_span(job, rnd)
        revealed = {r.interval: r for r in rnd.reveals}
        data = self.training.dataset(job.dataset_sha256)
        worst = 0
        for k in rnd.sampled_intervals:
            if k == first:
                start = (theta, self._optim(job, contribution.start_optim_sha256))
            else:
                before = revealed[k - 1]
                start = (self._fetch(job, before.weights_sha256), self._fetch(job, before.optim_sha256))
            if k == first + count - 1:
                try:
                    claimed = apply_delta(theta, self._fetch(job, contribution.delta_sha256))
                except WeightsError:
                    return MAX_DISTANCE_PPM
            else:
                claimed = self._fetch(job, revealed[k].weights_sha256)
            worst = max(worst, interval_distance_ppm(info.config, start, claimed, data, bytes(job.data_seed),
                                                     contribution.rank, job.hyper, k, device=self.training.device))
        return worst

    def reveal(self, job, rnd) -> ttx.MsgRevealDilocoRound:
        """Open the sampled intervals of this host's contribution: upload their state blobs (kept on
        disk since the inner round) and prove their leaves against the contribution's root."""
        from chain.modules.training import merkle
        from chain.modules.training.diloco_reveals import required_intervals

        contribution = plan.checked_contribution(rnd)
        rows = self.store.leaves(job.id, bytes(contribution.root).hex())
        if rows is None:
            raise ValueError(f"DiLoCo job {job.id} round {rnd.index}: the contribution's leaves are not on disk")
        first, _ = plan.round_span(job, rnd)
        tree = [merkle.leaf_hash(job.id, r["interval"], r["weights_sha256"], r["optim_sha256"], r["loss_micro"])
                for r in rows]
        reveals = []
        for k in required_intervals(job, rnd):
            row = rows[k - first]
            for sha in (row["weights_sha256"], row["optim_sha256"]):
                self.training.put_blob(self._fetch(job, sha))
            reveals.append(tpb.StateReveal(interval=k, weights_sha256=row["weights_sha256"],
                                           optim_sha256=row["optim_sha256"], loss_micro=row["loss_micro"],
                                           proof=merkle.audit_path(tree, k - first)))
        return ttx.MsgRevealDilocoRound(job_id=job.id, round=rnd.index, reveals=reveals)
