"""`sprintd tx training submit` and `sprintd q training job|jobs|params|maintenance`.

    sprintd tx training submit --model tiny-lm --dataset-file FILE --steps N --batch-size B --lr LR
        --output-model NAME [--max-fee AMOUNTusprint (default: the job's cost)] [--seq-len S]
        [--checkpoint-interval C] [--beta1 0.9 --beta2 0.999 --eps 1e-8 --weight-decay 0.01]
        [--sample-ppm P --committee-size M --tolerance-ppm T] [--workers N --inner-steps K
        [--outer-lr 0.7 --outer-momentum 0.9]] [--wait [--timeout 3600]] --from KEY
    sprintd q training job ID [--plot loss.png] | jobs [--host A --submitter A --status S --limit N]
        | params | maintenance HOST

`submit` checks the job against the chain's training params and the base model, refuses a --max-fee
below the job's cost, puts the dataset file on the node's blob service unless the node holds it
already, and waits for the tx to be committed (it prints the job id). With --wait it then follows
the job with a progress bar until it is COMPLETED or FAILED; Ctrl-C stops following, not the job.
"""

from __future__ import annotations

import click
from sprint.training.v1.training_pb2 import TrainingJobStatus

from abci_app.cli.blobs_cmd import blob_call, signed_put
from abci_app.cli.common import CliError, emit
from abci_app.cli.framework import call_query, pack, proto_dict, query_command, tx_command
from abci_app.cli.inference_view import fetch_model
from abci_app.cli.training_follow import follow_job
from abci_app.cli.training_input import (
    JobInput,
    build_hyper,
    check_dataset,
    check_diloco,
    check_output_name,
    check_verification,
    estimate_costs,
    parse_nano,
    read_dataset,
)
from abci_app.cli.training_view import fetch_job, fetch_params, job_dict, job_lines, plot_loss, status_name
from abci_app.cli.txargs import parse_optional_amount
from abci_app.cli.txflow import committed_or_fail
from abci_app.client import NodeClient, NodeError

DEFAULT_FOLLOW_TIMEOUT = 3600.0
STATUS_NAMES = tuple(name.removeprefix("TRAINING_JOB_STATUS_").lower() for name in TrainingJobStatus.keys()
                     if name != "TRAINING_JOB_STATUS_UNSPECIFIED")
FROM_HELP = "Keyring key (name or address) that signs, uploads the dataset and pays the budget."


def submit_message(client: NodeClient, signer: str, job: JobInput, dataset_sha256: str, max_fee: int | None):
    """The MsgSubmitTrainingJob for `job`, checked against the chain's params and the base model;
    CliError naming the fix when a bound or the budget is off."""
    from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJob

    check_output_name(job.output_model)
    params, model = fetch_params(client), fetch_model(client, job.model)
    if _model_exists(client, job.output_model):
        raise CliError(f"model {job.output_model!r} is already registered; choose another --output-model")
    hyper = build_hyper(job, params, model.config)
    check_dataset(job.dataset_size, hyper.seq_len, params)
    check_diloco(job, hyper, params)
    sample_ppm, committee = check_verification(job, params)
    load, train, verify = estimate_costs(params, model.config, hyper, sample_ppm, committee, job.workers)
    cost = train + verify
    if max_fee is None:
        max_fee = cost
    elif max_fee < cost:
        raise CliError(f"--max-fee {max_fee}usprint is below the job's cost {cost}usprint ({load} GFLOP x "
                       f"{params.price_per_gflop}usprint = {train} training + {verify} verification); "
                       f"pass --max-fee {cost}usprint")
    click.echo(f"job cost: {cost}usprint ({train} training + {verify} verification, {load} GFLOP); "
               f"budget escrowed: {max_fee}usprint", err=True)
    return MsgSubmitTrainingJob(
        submitter=signer, base_model=model.name, dataset_sha256=dataset_sha256, dataset_size=job.dataset_size,
        hyper=hyper, output_model=job.output_model, budget=max_fee, sample_ppm=job.sample_ppm,
        committee_size=job.committee_size, tolerance_ppm=job.tolerance_ppm, **_diloco_fields(job))


def _diloco_fields(job: JobInput) -> dict:
    """The DiLoCo fields of the submission (none for a single-prover job)."""
    if job.workers <= 1:
        return {}
    return dict(workers=job.workers, inner_steps=job.inner_steps, outer_lr_nano=job.outer_lr_nano,
                outer_momentum_nano=job.outer_momentum_nano)


def _model_exists(client: NodeClient, name: str) -> bool:
    try:
        fetch_model(client, name)
    except CliError:
        return False
    return True


def _ensure_dataset(node: str, data: bytes, sha256: str, put) -> None:
    """Put the dataset on the node's blob service unless it holds it already."""
    from abci_app.blobs.client import stat_blob

    if blob_call(stat_blob, node, sha256) == len(data):
        click.echo(f"dataset blob {sha256} is already on the node", err=True)
        return
    put(data)
    click.echo(f"uploaded dataset blob {sha256} ({len(data)} bytes)", err=True)


def submitted_job_id(committed) -> str | None:
    """The job id from the committed tx: its training_submitted event, else its message response."""
    for event in committed.events:
        if event.type == "training_submitted":
            for attr in event.attributes:
                if attr.key == "job_id":
                    return attr.value
    from cosmos.base.abci.v1beta1.abci_pb2 import TxMsgData
    from google.protobuf.message import DecodeError
    from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJobResponse

    try:
        responses = TxMsgData.FromString(bytes.fromhex(committed.data)).msg_responses
        return str(MsgSubmitTrainingJobResponse.FromString(responses[0].value).job_id) if responses else None
    except (ValueError, DecodeError):
        return None


def _print_end(job, data: dict, output: str) -> None:
    """The followed job's end: the output model, or a one-line error for a FAILED job."""
    data.update(status=status_name(job), output_model=job.output_model, job=job_dict(job))
    completed = status_name(job) == "TRAINING_JOB_STATUS_COMPLETED"
    if output == "json":
        emit(data, output)
    elif completed:
        click.echo(f"job {job.id} COMPLETED: output model {job.output_model} (weights {job.output_weights_sha256}); "
                   f"try it with `sprintd tx inference submit --model {job.output_model} --prompt TEXT`")
    if not completed:
        raise CliError(f"job {job.id} FAILED: {job.fail_reason or 'see the job'}; {job.refunded}usprint refunded "
                       f"(details: `sprintd q training job {job.id}`)")


def _submit_finish(wait: bool, wait_timeout: float, follow_timeout: float, output: str):
    def finish(client: NodeClient, response) -> None:
        committed = committed_or_fail(client, response, wait_timeout)
        job_id = submitted_job_id(committed)
        if job_id is None:
            raise CliError(f"tx {committed.txhash} was committed but names no training job; is the node running "
                           "the training module?")
        data = {"job_id": job_id, "txhash": committed.txhash, "height": str(committed.height)}
        if not wait:
            emit(data, output, [f"job id: {job_id}", f"txhash: {committed.txhash}",
                                f"follow it with: sprintd q training job {job_id}"])
            return
        if output == "text":
            click.echo(f"job id: {job_id}")
        job = follow_job(client, int(job_id), follow_timeout, quiet=output == "json")
        if job is not None:
            _print_end(job, data, output)

    return finish


@click.group("training")
def training_tx() -> None:
    """Submit verified fine-tuning jobs."""


@tx_command(training_tx, "submit", from_help=FROM_HELP)
@click.option("--model", required=True, help="Registered base model (see `sprintd q inference models`).")
@click.option("--dataset-file", required=True, type=click.Path(dir_okay=False), help="Training text (bytes = tokens).")
@click.option("--steps", type=int, required=True, help="Total optimizer steps.")
@click.option("--batch-size", type=int, required=True)
@click.option("--lr", required=True, help="AdamW learning rate, e.g. 3e-4.")
@click.option("--output-model", required=True, help="Name the trained model is registered under.")
@click.option("--max-fee", default=None, metavar="AMOUNTusprint", help="Budget escrowed [default: the job's cost].")
@click.option("--seq-len", type=int, default=None, help="Tokens per row [default: min(64, model max_seq_len)].")
@click.option("--checkpoint-interval", type=int, default=None,
              help="Steps per checkpoint interval; must divide --steps [default: at most 16 intervals].")
@click.option("--beta1", default="0.9", show_default=True)
@click.option("--beta2", default="0.999", show_default=True)
@click.option("--eps", default="1e-8", show_default=True)
@click.option("--weight-decay", default="0.01", show_default=True)
@click.option("--sample-ppm", type=click.IntRange(min=0), default=0, help="Share of intervals re-executed, x10^6 "
              "[default: the chain's].")
@click.option("--committee-size", type=click.IntRange(min=0), default=0, help="[default: the chain's]")
@click.option("--tolerance-ppm", type=click.IntRange(min=0), default=0, help="[default: the chain's]")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Hosts training together with DiLoCo (docs/diloco.md); > 1 needs --inner-steps.")
@click.option("--inner-steps", type=click.IntRange(min=0), default=0, help="Inner steps per DiLoCo round.")
@click.option("--outer-lr", default="0", help="DiLoCo outer learning rate [default: the chain's, 0.7].")
@click.option("--outer-momentum", default="0", help="DiLoCo outer Nesterov momentum [default: the chain's, 0.9].")
@click.option("--timeout", "follow_timeout", type=float, default=DEFAULT_FOLLOW_TIMEOUT, show_default=True,
              help="Seconds --wait follows the job.")
def submit_cmd(ctx, model, dataset_file, steps, batch_size, lr, output_model, max_fee, seq_len, checkpoint_interval,
               beta1, beta2, eps, weight_decay, sample_ppm, committee_size, tolerance_ppm, workers, inner_steps,
               outer_lr, outer_momentum, follow_timeout):
    """Submit a fine-tuning job; with --wait, follow it to the end with a progress bar."""
    from abci_app.blobs.store import DEFAULT_MAX_BLOB_BYTES, sha256_hex

    fee = parse_optional_amount(max_fee, "--max-fee")
    job = JobInput(model, output_model, 0, steps, batch_size, seq_len, checkpoint_interval, parse_nano(lr, "--lr"),
                   parse_nano(beta1, "--beta1"), parse_nano(beta2, "--beta2"), parse_nano(eps, "--eps"),
                   parse_nano(weight_decay, "--weight-decay"), sample_ppm, committee_size, tolerance_ppm,
                   workers, inner_steps, parse_nano(outer_lr, "--outer-lr"),
                   parse_nano(outer_momentum, "--outer-momentum"))
    if follow_timeout <= 0:
        raise CliError("--timeout must be positive (seconds)")
    data = read_dataset(dataset_file, DEFAULT_MAX_BLOB_BYTES)
    job.dataset_size, sha256 = len(data), sha256_hex(data)
    node = ctx.node_address()

    def messages_for(signer: str):
        with ctx.client(node) as client:
            msg = submit_message(client, signer, job, sha256, fee)
        _ensure_dataset(node, data, sha256,
                        lambda blob: signed_put(node, blob, ctx.from_key, ctx.home, ctx.keyring_backend, ctx.chain_id))
        return [pack(msg)]

    return messages_for, _submit_finish(ctx.wait, ctx.wait_timeout, follow_timeout, ctx.output)


@tx_command(training_tx, "announce-maintenance",
            from_help="The host's worker key (it signs, as for segment commits).")
@click.option("--start", "start_height", type=click.IntRange(min=1), required=True,
              help="First block of the window (at least maintenance_notice_blocks ahead).")
@click.option("--end", "end_height", type=click.IntRange(min=1), required=True, help="Last block of the window.")
def announce_maintenance_cmd(ctx, start_height: int, end_height: int):
    """Announce downtime: the host is not scheduled in [start, end] and a missed segment deadline
    there is excused (its job is re-assigned without penalty)."""
    from sprint.training.v1.tx_pb2 import MsgAnnounceMaintenance

    if end_height < start_height:
        raise CliError(f"--end ({end_height}) must not be before --start ({start_height})")

    def messages_for(signer: str):
        return [pack(MsgAnnounceMaintenance(worker=signer, start_height=start_height, end_height=end_height))]

    return messages_for


@click.group("training")
def training_query() -> None:
    """Training jobs, params and maintenance windows."""


@query_command(training_query, "job")
@click.argument("job_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--plot", "plot_path", default=None, type=click.Path(dir_okay=False),
              help="Also write the loss curve to this PNG file.")
def job_query_cmd(client, job_id: int, plot_path: str | None):
    """Job ID: status, host, segments with their checks and votes, loss curve, costs and pay."""
    job = fetch_job(client, job_id)
    lines = job_lines(job)
    if plot_path is not None:
        plot_loss(job, plot_path)
        lines.append(f"wrote the loss curve to {plot_path}")
    return {"job": job_dict(job)}, lines


@query_command(training_query, "jobs", addresses={"host": "host address", "submitter": "submitter address"})
@click.option("--host", default=None, help="Only jobs this host (operator address) is training or trained.")
@click.option("--submitter", default=None, help="Only jobs submitted by this account.")
@click.option("--status", type=click.Choice(STATUS_NAMES, case_sensitive=False), default=None)
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=100, show_default=True)
@click.option("--start-after", type=click.IntRange(min=0), default=0, help="Continue after this job id.")
def jobs_query_cmd(client, host, submitter, status, limit, start_after):
    """Training jobs by ascending id, filtered (filters combine)."""
    from sprint.training.v1 import query_pb2

    request = query_pb2.QueryJobsRequest(host=host or "", submitter=submitter or "", start_after=start_after,
                                         limit=limit)
    if status is not None:
        request.status = TrainingJobStatus.Value(f"TRAINING_JOB_STATUS_{status.upper()}")
    resp = call_query(client, "Jobs", request)
    rows = [_job_row(j) for j in resp.jobs]
    lines = [f"{r['id']}  {r['status']}  {r['base_model']} -> {r['output_model']}  step {r['steps_done']}/"
             f"{r['total_steps']}  host {r['host'] or '-'}  budget {r['budget']}usprint" for r in rows] or ["no jobs"]
    if resp.next:
        lines.append(f"more: pass --start-after {resp.next}")
    return {"jobs": rows, "next": str(resp.next)}, lines


def _job_row(job) -> dict:
    from abci_app.cli.training_view import progress

    now = progress(job)
    return {"id": str(job.id), "status": status_name(job).removeprefix("TRAINING_JOB_STATUS_"),
            "base_model": job.base_model, "output_model": job.output_model, "submitter": job.submitter,
            "host": job.host, "steps_done": now.steps_done, "total_steps": now.total_steps,
            "verified_segments": now.verified, "segments": now.segments, "budget": str(job.budget)}


@query_command(training_query, "params")
def params_query_cmd(client):
    """The training params (job bounds, verification defaults, deadlines, prices)."""
    return {"params": proto_dict(fetch_params(client))}, None


@query_command(training_query, "maintenance", addresses={"host": "host address"})
@click.argument("host")
def maintenance_query_cmd(client, host: str):
    """HOST's announced maintenance windows."""
    from sprint.training.v1 import query_pb2

    try:
        windows = call_query(client, "Maintenance", query_pb2.QueryMaintenanceRequest(host=host)).windows
    except NodeError as err:
        raise CliError(str(err)) from None
    lines = [f"heights {w.start_height}..{w.end_height}" for w in windows] or [f"no maintenance announced by {host}"]
    return {"windows": [proto_dict(w) for w in windows]}, lines


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `tx training` and `q training`."""
    tx_group.add_command(training_tx)
    query_group.add_command(training_query)
