"""`sprintd tx inference submit|report|register-model` and `sprintd q inference job|jobs|models|params`.

    sprintd tx inference submit --model tiny-lm --prompt TEXT | --prompt-file F [--max-tokens 64]
        [--max-fee AMOUNTusprint (default: the job's maximum cost)] [--temperature 0.7] [--top-k 0]
        [--wait [--timeout 120]] --from KEY
    sprintd tx inference report ID [--reason TEXT] --from KEY
    sprintd tx inference register-model --name NAME (--config-json JSON|FILE | --d-model N --n-layers N
        --n-heads N --d-ff N --max-seq-len N [--vocab-size 256]) --weights-file F --price-per-token N --from KEY
    sprintd q inference job ID | jobs [--executor A --requester A --status S --epoch N] | models | params

`submit` always waits for its tx to be committed (it prints the job id from the tx's events); with
--wait it then polls the job until it is COMPLETED, SETTLED, FRAUD or EXPIRED and prints the output.
A prompt longer than the chain's max_inline_prompt_bytes is put on the node's blob service first and
submitted by hash. Reputation, rewards and blobs commands live in their own modules.
"""

from __future__ import annotations

from pathlib import Path

import click
from sprint.inference.v1.inference_pb2 import JobStatus

from abci_app.cli.blobs_cmd import signed_put
from abci_app.cli.common import CliError, emit
from abci_app.cli.framework import call_query, pack, proto_dict, query_command, tx_command
from abci_app.cli.inference_input import (  # noqa: F401 - parse_temperature and read_prompt re-exported
    CONFIG_FIELDS,
    check_safetensors,
    parse_model_config,
    parse_temperature,
    read_prompt,
    submit_message,
)
from abci_app.cli.inference_view import (  # noqa: F401 - wait_for_job re-exported
    fetch_job,
    fetch_params,
    job_dict,
    job_lines,
    job_result,
    status_name,
    wait_for_job,
)
from abci_app.cli.txargs import parse_optional_amount
from abci_app.cli.txflow import committed_or_fail
from abci_app.client import NodeClient, tx_response_dict

DEFAULT_MAX_TOKENS = 64
DEFAULT_RESULT_TIMEOUT = 120.0
DEFAULT_VOCAB_SIZE = 256  # byte tokens
STATUS_NAMES = tuple(name.removeprefix("JOB_STATUS_").lower() for name in JobStatus.keys()
                     if name != "JOB_STATUS_UNSPECIFIED")  # --status choices, from the proto enum
FROM_HELP = "Keyring key (name or address) that signs and pays."


def _event_value(tx: dict, event_type: str, key: str) -> str | None:
    for event in tx.get("events") or []:
        if event.get("type") == event_type:
            for attr in event.get("attributes", []):
                if attr.get("key") == key:
                    return attr.get("value")
    return None


def _print_job_end(client: NodeClient, node: str, data: dict, result_timeout: float, output: str) -> None:
    job_id = data["job_id"]
    if output == "text":
        click.echo(f"job id: {job_id}")
        click.echo(f"waiting up to {result_timeout:g}s for the result...", err=True)
    job = wait_for_job(client, int(job_id), result_timeout)
    result = job_result(job, node)
    data.update(status=status_name(job), job=job_dict(job),
                output_text=result.output_text if result is not None else None)
    if output == "json":
        emit(data, output)
    elif result is not None:
        click.echo(result.output_text)
    else:
        click.echo(f"job {job_id} ended {status_name(job)} without a result "
                   f"(max_fee refunded: see `sprintd q inference job {job_id}`)")


def _submit_finish(node: str, wait: bool, wait_timeout: float, result_timeout: float, output: str):
    def finish(client: NodeClient, response) -> None:
        committed = committed_or_fail(client, response, wait_timeout)
        job_id = _event_value(tx_response_dict(committed), "inference_submitted", "job_id")
        if job_id is None:
            raise CliError(f"tx {committed.txhash} was committed but has no inference_submitted event; "
                           "is the node running the inference module?")
        data = {"job_id": job_id, "txhash": committed.txhash, "height": str(committed.height)}
        if not wait:
            emit(data, output, [f"job id: {job_id}", f"txhash: {committed.txhash}"])
            return
        _print_job_end(client, node, data, result_timeout, output)

    return finish


@click.group("inference")
def inference_tx() -> None:
    """Submit inference jobs, report results, register models."""


@tx_command(inference_tx, "submit", from_help=FROM_HELP)
@click.option("--model", required=True, help="Registered model name (see `sprintd q inference models`).")
@click.option("--prompt", default=None, help="Prompt text (UTF-8).")
@click.option("--prompt-file", default=None, type=click.Path(dir_okay=False), help="Read the prompt from FILE.")
@click.option("--max-tokens", type=click.IntRange(min=1), default=DEFAULT_MAX_TOKENS, show_default=True)
@click.option("--max-fee", default=None, metavar="AMOUNTusprint",
              help="Most you pay, escrowed until the result [default: price x (prompt + max tokens)].")
@click.option("--temperature", default="0.7", show_default=True, help="Sampling temperature; 0 = greedy.")
@click.option("--top-k", type=click.IntRange(min=0), default=0, show_default=True, help="0 = all tokens.")
@click.option("--timeout", "result_timeout", type=float, default=DEFAULT_RESULT_TIMEOUT, show_default=True,
              help="Seconds --wait waits for the result.")
def submit_cmd(ctx, model, prompt, prompt_file, max_tokens, max_fee, temperature, top_k, result_timeout):
    """Submit an inference job and print its id; with --wait, print the output when it arrives."""
    data = read_prompt(prompt, prompt_file)
    temperature_milli = parse_temperature(temperature)
    fee = parse_optional_amount(max_fee, "--max-fee")
    if result_timeout <= 0:
        raise CliError("--timeout must be positive (seconds)")
    node = ctx.node_address()

    def put(blob: bytes) -> tuple[str, bool]:
        return signed_put(node, blob, ctx.from_key, ctx.home, ctx.keyring_backend, ctx.chain_id)

    def messages_for(signer: str):
        with ctx.client(node) as client:
            return [pack(submit_message(client, put, signer, model, data, max_tokens, temperature_milli, top_k,
                                        fee))]

    return messages_for, _submit_finish(node, ctx.wait, ctx.wait_timeout, result_timeout, ctx.output)


@tx_command(inference_tx, "report", from_help=FROM_HELP)
@click.argument("job_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--reason", default="", help="Why the result looks wrong (stored with the report).")
def report_cmd(ctx, job_id: int, reason: str):
    """Pay the report fee to have job ID's result re-verified (requester only, before it settles)."""
    from sprint.inference.v1.tx_pb2 import MsgReportInference

    def messages_for(signer: str):
        with ctx.client() as client:
            job, params = fetch_job(client, job_id), fetch_params(client)
        if job.requester != signer:
            raise CliError(f"only the requester {job.requester} can report job {job_id}; sign with that key")
        if status_name(job) != "JOB_STATUS_COMPLETED":
            raise CliError(f"job {job_id} is {status_name(job)}: only a COMPLETED job, before it settles, "
                           "can be reported")
        click.echo(f"report fee: {params.report_fee}{params.fee_denom} (returned if fraud is confirmed)", err=True)
        return [pack(MsgReportInference(requester=signer, job_id=job_id, reason=reason))]

    return messages_for


def _read_weights(weights_file: str) -> bytes:
    try:
        weights = Path(weights_file).read_bytes()
    except OSError as err:
        raise CliError(f"cannot read --weights-file {weights_file}: {err.strerror or err}") from None
    check_safetensors(weights, weights_file)
    return weights


@tx_command(inference_tx, "register-model", from_help=FROM_HELP)
@click.option("--name", required=True, help="Unique model name, [a-z0-9._-]{1,64}.")
@click.option("--config-json", default=None, metavar="JSON|FILE", help="The ModelConfig as JSON, or a JSON file.")
@click.option("--vocab-size", type=int, default=None,
              help=f"Vocabulary size [default: {DEFAULT_VOCAB_SIZE}, byte tokens].")
@click.option("--d-model", type=int, default=None)
@click.option("--n-layers", type=int, default=None)
@click.option("--n-heads", type=int, default=None)
@click.option("--d-ff", type=int, default=None)
@click.option("--max-seq-len", type=int, default=None)
@click.option("--weights-file", required=True, type=click.Path(dir_okay=False), help="safetensors weights.")
@click.option("--price-per-token", required=True, metavar="N", help="usprint per token, e.g. 100 or 100usprint.")
def register_model_cmd(ctx, name, config_json, weights_file, price_per_token, **flags):
    """Put the weights on the node's blob service, then register the model."""
    from sprint.inference.v1.tx_pb2 import MsgRegisterModel

    from abci_app.blobs.store import sha256_hex
    from chain.errors import TxError
    from chain.modules.inference.models import check_model

    config = parse_model_config(config_json, {field: flags[field] for field in CONFIG_FIELDS})
    if config_json is None and flags["vocab_size"] is None:
        config.vocab_size = DEFAULT_VOCAB_SIZE
    price = parse_optional_amount(price_per_token, "--price-per-token")
    weights = _read_weights(weights_file)
    sha256 = sha256_hex(weights)
    try:
        check_model(name, config, sha256, len(weights), price)
    except TxError as err:
        raise CliError(err.log) from None
    node = ctx.node_address()

    def messages_for(signer: str):
        signed_put(node, weights, ctx.from_key, ctx.home, ctx.keyring_backend, ctx.chain_id)
        return [pack(MsgRegisterModel(owner=signer, name=name, config=config, weights_sha256=sha256,
                                      weights_size=len(weights), price_per_token=price))]

    return messages_for


@click.group("inference")
def inference_query() -> None:
    """Inference jobs, models and params."""


@query_command(inference_query, "job")
@click.argument("job_id", metavar="ID", type=click.IntRange(min=1))
def job_query_cmd(client, job_id: int):
    """Job ID: status, prompt, executor, result, checks and re-verification."""
    job = fetch_job(client, job_id)
    result = job_result(job, client.address)
    data = {"job": job_dict(job)}
    if result is not None:
        data["output_text"] = result.output_text
    return data, job_lines(job, result)


@query_command(inference_query, "jobs", addresses={"executor": "executor address", "requester": "requester address"})
@click.option("--executor", default=None, help="Only jobs drawn to this host (operator address).")
@click.option("--requester", default=None, help="Only jobs submitted by this account.")
@click.option("--status", type=click.Choice(STATUS_NAMES, case_sensitive=False), default=None)
@click.option("--epoch", type=click.IntRange(min=0), default=None, help="Only jobs audited in this epoch.")
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=100, show_default=True)
@click.option("--start-after", type=click.IntRange(min=0), default=0, help="Continue after this job id.")
def jobs_query_cmd(client, executor, requester, status, epoch, limit, start_after):
    """Jobs by ascending id, filtered (filters combine)."""
    from sprint.inference.v1 import query_pb2

    request = query_pb2.QueryJobsRequest(executor=executor or "", requester=requester or "",
                                         start_after=start_after, limit=limit)
    if status is not None:
        request.status = JobStatus.Value(f"JOB_STATUS_{status.upper()}")
    if epoch is not None:
        request.audit_epoch = epoch
    resp = call_query(client, "Jobs", request)
    rows = [{"id": str(j.id), "status": status_name(j), "model": j.model, "requester": j.requester,
             "executor": j.executor, "cost": str(j.cost), "output_tokens": j.output_token_count} for j in resp.jobs]
    lines = [f"{r['id']}  {r['status']}  {r['model']}  executor {r['executor'] or '-'}  cost {r['cost']}usprint"
             for r in rows] or ["no jobs"]
    if resp.next:
        lines.append(f"more: pass --start-after {resp.next}")
    return {"jobs": rows, "next": str(resp.next)}, lines


@query_command(inference_query, "models")
def models_query_cmd(client):
    """Every registered model."""
    from sprint.inference.v1 import query_pb2

    models = call_query(client, "Models", query_pb2.QueryModelsRequest()).models
    lines = [f"{m.name}  {m.price_per_token}usprint/token  d_model {m.config.d_model} x {m.config.n_layers} layers  "
             f"max_seq_len {m.config.max_seq_len}  weights {m.weights_sha256}" for m in models] or ["no models"]
    return {"models": [proto_dict(m) for m in models]}, lines


@query_command(inference_query, "params")
def params_query_cmd(client):
    """The inference params (limits, expiry, report fee, training fund share...)."""
    return {"params": proto_dict(fetch_params(client))}, None


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `tx inference` and `q inference`."""
    tx_group.add_command(inference_tx)
    query_group.add_command(inference_query)


__all__ = ["register", "job_dict", "job_lines", "parse_temperature", "wait_for_job"]
