"""Reading training jobs for the CLI: fetching jobs and params (not-found as one sentence), progress
numbers, the loss curve (text sparkline and a matplotlib picture) and the JSON and text shapes of a
job. Fixed-point fields are shown as decimals: *_nano / 10^9, *_ppm / 10^6, loss_micro / 10^6."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from abci_app.cli.common import CliError
from abci_app.cli.framework import call_query, is_not_found, proto_dict
from abci_app.client import NodeClient, NodeError

FINAL_STATUSES = ("TRAINING_JOB_STATUS_COMPLETED", "TRAINING_JOB_STATUS_FAILED")
SPARK = "▁▂▃▄▅▆▇█"
TABLE_POINTS = 8  # rows of the compact loss table


def fetch_job(client: NodeClient, job_id: int):
    """Training job `job_id`; CliError `job N not found` when it does not exist."""
    from sprint.training.v1 import query_pb2

    try:
        return call_query(client, "Job", query_pb2.QueryJobRequest(id=job_id)).job
    except NodeError as err:
        if is_not_found(err):
            raise CliError(f"job {job_id} not found (list training jobs with `sprintd q training jobs`)") from None
        raise


def fetch_params(client: NodeClient):
    """The chain's training params (its bounds are checked before a job is submitted)."""
    from sprint.training.v1 import query_pb2

    return call_query(client, "Params", query_pb2.QueryParamsRequest()).params


def status_name(job) -> str:
    """TRAINING_JOB_STATUS_... of a job."""
    from sprint.training.v1.training_pb2 import TrainingJobStatus

    return TrainingJobStatus.Name(job.status)


def segment_status(segment) -> str:
    """PASSED, SAMPLED, ... of a segment."""
    from sprint.training.v1.training_pb2 import SegmentStatus

    return SegmentStatus.Name(segment.status).removeprefix("SEGMENT_STATUS_")


def _short(status: str) -> str:
    return status.removeprefix("TRAINING_JOB_STATUS_")


def _dec(value: int, scale: int) -> str:
    return f"{Decimal(value) / scale:g}"


@dataclass
class LossPoint:
    """One interval's mean loss: `step` is the global step count at the interval's end."""

    step: int
    loss: float
    host: str
    voided: bool


def loss_points(job) -> list[LossPoint]:
    """Every committed interval's loss in commit order (voided segments included, flagged)."""
    interval = job.hyper.checkpoint_interval or 1
    points = []
    for seg in job.segments_log:
        voided = segment_status(seg) == "VOIDED"
        for i, loss in enumerate(seg.losses_micro):
            points.append(LossPoint((seg.first_interval + i + 1) * interval, loss / 1e6, seg.host, voided))
    return points


def reassignment_steps(job) -> list[tuple[int, str]]:
    """(step, new host) where a segment was committed by another host than the segment before it,
    or restarts earlier than where the previous one ended (a re-assignment resumed there)."""
    interval = job.hyper.checkpoint_interval or 1
    marks, previous = [], None
    for seg in job.segments_log:
        if previous is not None and (seg.host != previous.host or seg.first_interval <= previous.first_interval):
            marks.append((seg.first_interval * interval, seg.host))
        previous = seg
    return marks


@dataclass
class Progress:
    """Where a job stands: steps done (by live committed segments), verified segments, latest loss."""

    steps_done: int
    total_steps: int
    verified: int
    segments: int
    latest_loss: float | None


def diloco_progress(job) -> Progress:
    """Progress of a DiLoCo job: steps of its agreed (CLOSED) live rounds per worker, verified rounds of
    all rounds, the mean last loss of the latest agreed round's contributions."""
    from sprint.training.v1.training_pb2 import (
        ROUND_CHECK_PASSED, ROUND_CHECK_UNCHECKED, ROUND_STATUS_CLOSED,
    )

    d = job.diloco
    closed = [r for r in d.rounds_log if r.status == ROUND_STATUS_CLOSED]
    verified = sum(1 for r in closed if r.check in (ROUND_CHECK_PASSED, ROUND_CHECK_UNCHECKED))
    last = [c.losses_micro[-1] for r in closed[-1:] for c in r.contributions if c.losses_micro]
    return Progress(min(len(closed) * d.inner_steps, job.hyper.total_steps), job.hyper.total_steps, verified,
                    d.rounds, sum(last) / len(last) / 1e6 if last else None)


def progress(job) -> Progress:
    """Progress of `job` from its segment log (voided segments do not count); DiLoCo jobs by rounds."""
    if job.diloco.workers_wanted > 1:
        return diloco_progress(job)
    live = [s for s in job.segments_log if segment_status(s) != "VOIDED"]
    done = max((s.first_interval + s.interval_count for s in live), default=job.resume_interval)
    passed = sum(1 for s in live if segment_status(s) == "PASSED")
    last = [p for p in loss_points(job) if not p.voided]
    steps = min(done * job.hyper.checkpoint_interval, job.hyper.total_steps)
    return Progress(steps, job.hyper.total_steps, passed, job.segments, last[-1].loss if last else None)


def sparkline(values: list[float]) -> str:
    """One character per value, scaled between the smallest and largest."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARK[min(len(SPARK) - 1, int((v - low) / span * len(SPARK)))] for v in values)


def loss_lines(job) -> list[str]:
    """The loss curve: a sparkline, first/last/min, and a compact step/loss table."""
    points = [p for p in loss_points(job) if not p.voided]
    if not points:
        return ["loss: (no segment committed yet)"]
    losses = [p.loss for p in points]
    lines = [f"loss: {sparkline(losses)}  {losses[0]:.4f} -> {losses[-1]:.4f} (min {min(losses):.4f}, "
             f"{len(points)} intervals)"]
    stride = max(1, -(-len(points) // TABLE_POINTS))
    shown = points[::stride] + ([points[-1]] if (len(points) - 1) % stride else [])
    lines.append("  step  " + "  ".join(f"{p.step:>7}" for p in shown))
    lines.append("  loss  " + "  ".join(f"{p.loss:>7.4f}" for p in shown))
    return lines


def plot_loss(job, path: str) -> None:
    """Write the loss curve of `job` to `path` (x = step, y = loss; re-assignments marked)."""
    try:
        import matplotlib
    except ImportError:
        raise CliError("--plot needs matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    points = loss_points(job)
    if not points:
        raise CliError(f"job {job.id} has no committed segment yet, so no loss curve to plot; try again later")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    try:
        live = [p for p in points if not p.voided]
        voided = [p for p in points if p.voided]
        ax.plot([p.step for p in live], [p.loss for p in live], marker="o", markersize=3, label="loss")
        if voided:
            ax.plot([p.step for p in voided], [p.loss for p in voided], "x", color="grey", label="voided segments")
        for n, (step, host) in enumerate(reassignment_steps(job)):
            ax.axvline(step, color="red", linestyle="--", linewidth=1,
                       label="re-assignment" if n == 0 else None)
            ax.annotate(host[-8:], (step, ax.get_ylim()[1]), fontsize=7, color="red", rotation=90, va="top")
        ax.set(xlabel="step", ylabel="loss (nats / byte)",
               title=f"training job {job.id}: {job.base_model} -> {job.output_model} ({_short(status_name(job))})")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(path, dpi=100)
    except OSError as err:
        raise CliError(f"cannot write --plot {path}: {err.strerror or err}") from None
    finally:
        plt.close(fig)


def job_dict(job) -> dict:
    """Job as proto JSON (hashes and seeds as hex) plus its progress and loss curve."""
    data = proto_dict(job)
    if job.data_seed:
        data["data_seed"] = job.data_seed.hex()
    for seg, out in zip(job.segments_log, data.get("segments_log", [])):
        if seg.root:
            out["root"] = seg.root.hex()
        for reveal, rout in zip(seg.reveals, out.get("reveals", [])):
            rout["proof"] = [p.hex() for p in reveal.proof]
    now = progress(job)
    data["progress"] = {"steps_done": now.steps_done, "total_steps": now.total_steps,
                        "verified_segments": now.verified, "segments": now.segments, "latest_loss": now.latest_loss}
    data["loss_curve"] = [{"step": p.step, "loss": p.loss, "host": p.host, "voided": p.voided}
                          for p in loss_points(job)]
    return data


def _segment_lines(job) -> list[str]:
    from sprint.inference.v1.inference_pb2 import Verdict

    lines = []
    for seg in job.segments_log:
        last = seg.first_interval + seg.interval_count - 1
        lines.append(f"  #{seg.index} {segment_status(seg)}  host {seg.host}  intervals {seg.first_interval}-{last}"
                     f"  committed at {seg.commit_height}"
                     + (f", passed at {seg.passed_height}" if seg.passed_height else ""))
        if seg.sampled_intervals:
            lines.append(f"     sampled {list(seg.sampled_intervals)}  committee {', '.join(seg.committee) or '-'}")
        for vote in seg.votes:
            lines.append(f"     vote {vote.voter} {Verdict.Name(vote.verdict).removeprefix('VERDICT_')} "
                         f"distances {[_dec(d, 10**6) for d in vote.distances_ppm]} at {vote.height}")
        if seg.HasField("reverification"):
            rv = seg.reverification
            lines.append(f"     re-verification: valid {rv.valid_weight} / invalid {rv.invalid_weight} of "
                         f"{rv.eligible_weight}, deadline {rv.deadline_height}")
    return lines or ["  (none committed yet)"]


def _host_line(job) -> str:
    if not job.host:
        return "host: (none: queued)" if status_name(job) == "TRAINING_JOB_STATUS_QUEUED" else "host: -"
    line = f"host: {job.host}  assigned at {job.assigned_height}"
    if status_name(job) == "TRAINING_JOB_STATUS_TRAINING":
        line += f", next segment due by height {job.segment_deadline}"
    return line + (f", collateral {job.collateral}usprint locked" if job.collateral else "")


def diloco_lines(job) -> list[str]:
    """A DiLoCo job's workers and rounds (docs/diloco.md): one line per worker, two per round entry
    (status, contributions by rank with their last loss, the agreed theta hash, the check)."""
    from sprint.training.v1.training_pb2 import RoundCheck, RoundStatus

    d = job.diloco
    lines = [f"DiLoCo: {d.workers_wanted} workers x {d.inner_steps} inner steps, round {d.current_round}/{d.rounds}"
             f"  outer lr {_dec(d.outer_lr_nano, 10**9)}  momentum {_dec(d.outer_momentum_nano, 10**9)}"
             f"  rollbacks {d.rollbacks}  redone steps {d.redone_steps}"]
    for w in sorted(d.workers, key=lambda w: (w.rank, not w.active)):
        lines.append(f"  rank {w.rank} {w.host}  {'active' if w.active else 'left'}  joined round {w.joined_round}"
                     f"  accepted steps {w.accepted_steps}  missed {w.missed_rounds}")
    lines.append("rounds:")
    for rnd in d.rounds_log:
        ranks = ", ".join(f"{c.rank}:{(c.losses_micro[-1] if c.losses_micro else 0) / 1e6:.4f}"
                          for c in sorted(rnd.contributions, key=lambda c: c.rank))
        lines.append(f"  #{rnd.index} {RoundStatus.Name(rnd.status).removeprefix('ROUND_STATUS_')}  "
                     f"check {RoundCheck.Name(rnd.check).removeprefix('ROUND_CHECK_')}"
                     + (f" of {rnd.checked_host}" if rnd.checked_host else "")
                     + f"  contributions (rank:loss) [{ranks}]")
        lines.append(f"     theta {rnd.agreed_weights_sha256 or '-'}"
                     + (f"  flagged {', '.join(rnd.flagged)}" if rnd.flagged else ""))
    return lines


def job_lines(job) -> list[str]:
    """Readable lines: status, host, hyperparameters, costs and pay, segments, loss curve."""
    h, now = job.hyper, progress(job)
    lines = [
        f"job {job.id}: {_short(status_name(job))}  step {now.steps_done}/{now.total_steps}  "
        f"verified {now.verified}/{now.segments} segments",
        f"submitter: {job.submitter}",
        f"model: {job.base_model} -> {job.output_model}",
        f"dataset: {job.dataset_sha256} ({job.dataset_size} bytes)",
        f"steps {h.total_steps}  batch {h.batch_size}  seq_len {h.seq_len}  checkpoint every {h.checkpoint_interval} "
        f"steps ({job.intervals} intervals, {job.segments} segments)",
        f"AdamW lr {_dec(h.lr_nano, 10**9)}  betas ({_dec(h.beta1_nano, 10**9)}, {_dec(h.beta2_nano, 10**9)})  "
        f"eps {_dec(h.eps_nano, 10**9)}  weight_decay {_dec(h.weight_decay_nano, 10**9)}",
        f"verification: sample {_dec(job.sample_ppm, 10**4)}% of intervals  committee {job.committee_size}  "
        f"tolerance {_dec(job.tolerance_ppm, 10**6)}",
        _host_line(job),
        f"re-assignments: {job.reassignments}" + (f" (excluded: {', '.join(job.excluded)})" if job.excluded else ""),
        f"load {job.load_gflop} GFLOP  budget {job.budget}usprint  train cost {job.train_cost}usprint  "
        f"verify cost {job.verify_cost}usprint",
        f"paid: provers {job.paid_provers}usprint  verifiers {job.paid_verifiers}usprint  "
        f"bounty {job.bounty_paid}usprint  refunded {job.refunded}usprint",
    ]
    if job.finished_height:
        lines.append(f"finished at height {job.finished_height}"
                     + (f"; output weights {job.output_weights_sha256}" if job.output_weights_sha256 else ""))
    if job.fail_reason:
        lines.append(f"failed: {job.fail_reason}")
    if job.diloco.workers_wanted > 1:
        return lines + diloco_lines(job)
    return lines + ["segments:"] + _segment_lines(job) + loss_lines(job)
