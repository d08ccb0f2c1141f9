"""`sprintd tx inference ...`, `sprintd q inference|reputation|rewards ...` and `sprintd blobs ...`.

    sprintd tx inference submit --model tiny-lm --prompt TEXT | --prompt-file F [--max-tokens 64]
        [--max-fee AMOUNTusprint (default: the job's maximum cost)] [--temperature 0.7] [--top-k 0]
        [--wait [--timeout 120]] --from KEY
    sprintd tx inference report ID [--reason TEXT] --from KEY
    sprintd tx inference register-model --name NAME (--config-json JSON|FILE | --d-model N --n-layers N
        --n-heads N --d-ff N --max-seq-len N [--vocab-size 256]) --weights-file F --price-per-token N --from KEY
    sprintd q inference job ID | jobs [--executor A --requester A --status S --epoch N] | models | params
    sprintd q reputation host ADDR
    sprintd q rewards pending ADDR
    sprintd blobs put FILE --from KEY [--chain-id C] | blobs get SHA256 [-o FILE]

`submit` always waits for its tx to be committed (it prints the job id from the tx's events); with
--wait it then polls the job until it is COMPLETED, SETTLED, FRAUD or EXPIRED and prints the output.
A prompt longer than the chain's max_inline_prompt_bytes is put on the node's blob service first and
submitted by hash. Every tx command takes the usual tx options (--node, --chain-id, --fees, --gas,
--yes, --keyring-backend, --home, --output).
"""

from __future__ import annotations

import json
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
import grpc

from abci_app.cli.common import CliError, emit, home_option, keyring_backend_option, output_option
from abci_app.cli.query_cmd import check_address, node_client, node_errors, node_option, resolve_node
from abci_app.cli.tx_cmd import parse_amount, run_tx, tx_options
from abci_app.client import NodeClient, NodeError, tx_response_dict

DEFAULT_MAX_TOKENS = 64
DEFAULT_RESULT_TIMEOUT = 120.0
POLL_SECONDS = 1.0
MAX_TEMPERATURE_MILLI = 100_000
STATUS_NAMES = ("pending", "completed", "reverifying", "fraud", "expired", "settled")
FINAL_STATUSES = ("JOB_STATUS_COMPLETED", "JOB_STATUS_SETTLED", "JOB_STATUS_FRAUD", "JOB_STATUS_EXPIRED")


# ---------------------------------------------------------------------- node access


def module_query(client: NodeClient, module: str, method: str, request):
    """Call sprint.<module>.v1.Query/<method> (NodeError on failure)."""
    import importlib

    stub = importlib.import_module(f"sprint.{module}.v1.query_pb2_grpc").QueryStub(client.channel)
    return client._call(f"sprint.{module}.v1.Query/{method}", getattr(stub, method), request)  # noqa: SLF001


def _not_found(err: NodeError) -> bool:
    return err.code == grpc.StatusCode.NOT_FOUND


def fetch_job(client: NodeClient, job_id: int):
    from sprint.inference.v1 import query_pb2

    try:
        return module_query(client, "inference", "Job", query_pb2.QueryJobRequest(id=job_id)).job
    except NodeError as err:
        if _not_found(err):
            raise CliError(f"job {job_id} does not exist (list jobs with `sprintd q inference jobs`)") from None
        raise


def fetch_model(client: NodeClient, name: str):
    from sprint.inference.v1 import query_pb2

    try:
        return module_query(client, "inference", "Model", query_pb2.QueryModelRequest(name=name)).model
    except NodeError as err:
        if _not_found(err):
            raise CliError(f"model {name!r} is not registered (see `sprintd q inference models`)") from None
        raise


def fetch_params(client: NodeClient):
    from sprint.inference.v1 import query_pb2

    return module_query(client, "inference", "Params", query_pb2.QueryParamsRequest()).params


def _blob_call(func, *args, **kwargs):
    """Run a blob client call, turning its errors into one-line CliErrors."""
    from abci_app.blobs.client import BlobClientError
    from abci_app.blobs.store import BlobError

    try:
        return func(*args, **kwargs)
    except (BlobClientError, BlobError) as err:
        raise CliError(str(err)) from None


def signed_put(node: str, data: bytes, from_key: str, home: str, keyring_backend: str,
               chain_id: str | None) -> tuple[str, bool]:
    """Put `data` on the node's blob service signed by keyring key `from_key` (the node accepts
    hosts' keys and funded accounts); returns (sha256, created)."""
    from abci_app.blobs.client import put_blob
    from abci_app.cli.tx_cmd import resolve_chain_id
    from abci_app.keyring import Keyring, KeyringError

    chain = resolve_chain_id(chain_id, home)
    try:
        key = Keyring(home, backend=keyring_backend).signing_key(from_key)
    except KeyringError as err:
        raise CliError(str(err)) from None
    return _blob_call(put_blob, node, data, signer=key, chain_id=chain)


# ---------------------------------------------------------------------- formatting


def _proto_dict(message) -> dict:
    from google.protobuf import json_format

    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def job_dict(job) -> dict:
    """Job as proto JSON, with the prompt as text and the sampling seed as hex."""
    data = _proto_dict(job)
    if job.prompt:
        data["prompt"] = _text(job.prompt)
    if job.sampling_seed:
        data["sampling_seed"] = job.sampling_seed.hex()
    return data


def _status_name(job) -> str:
    from sprint.inference.v1.inference_pb2 import JobStatus

    return JobStatus.Name(job.status)


def job_result(job, node: str | None = None):
    """The job's InferenceResult (fetched from the blob service when stored as a blob), or None."""
    from sprint.inference.v1.inference_pb2 import InferenceResult

    if job.HasField("result") and (job.result.output_tokens or job.result.output_text):
        return job.result
    if job.result_blob_sha256 and node is not None:
        from abci_app.blobs.client import get_blob

        raw = _blob_call(get_blob, node, job.result_blob_sha256)
        try:
            return InferenceResult.FromString(raw)
        except Exception:  # noqa: BLE001 - protobuf DecodeError: a bad blob, not a CLI crash
            raise CliError(f"result blob {job.result_blob_sha256} is not an encoded InferenceResult") from None
    return None


def job_lines(job, result=None) -> list[str]:
    temperature = Decimal(job.sampling.temperature_milli) / 1000
    prompt = repr(_text(job.prompt)) if job.prompt else f"blob {job.prompt_blob_sha256}"
    lines = [
        f"job {job.id}: {_status_name(job)}",
        f"model: {job.model}",
        f"requester: {job.requester}",
        f"executor: {job.executor or '(not drawn yet)'}",
        f"prompt ({job.prompt_size} bytes): {prompt}",
        f"max_tokens: {job.max_tokens}  temperature: {temperature:g}  top_k: {job.sampling.top_k}",
        f"max_fee: {job.max_fee}usprint  cost: {job.cost}usprint",
        f"submitted at height {job.submit_height}, deadline {job.deadline_height}"
        + (f", result at height {job.result_height}" if job.result_height else ""),
    ]
    if job.result_height:
        lines.append(f"audit epoch: {job.audit_epoch}  validation probability: {job.validation_ppm / 10_000:g}%")
    if result is not None:
        lines.append(f"output ({len(result.output_tokens) or job.output_token_count} tokens): {result.output_text!r}")
    elif job.result_blob_sha256:
        lines.append(f"output: blob {job.result_blob_sha256} ({job.output_token_count} tokens)")
    for check in job.checks:
        from sprint.inference.v1.inference_pb2 import DrawProof, Verdict

        lines.append(f"check: {check.validator} {Verdict.Name(check.verdict)} {DrawProof.Name(check.draw)} "
                     f"at height {check.height} (max logprob diff {check.max_logprob_diff_micro}e-6, "
                     f"{check.mismatched_tokens} mismatched tokens)")
    if job.HasField("reverification"):
        from sprint.inference.v1.inference_pb2 import ReverifyOutcome

        rv = job.reverification
        lines.append(f"re-verification: {ReverifyOutcome.Name(rv.outcome)} (opened by {rv.opened_by} at "
                     f"{rv.opened_height}, deadline {rv.deadline_height}; valid {rv.valid_weight} / invalid "
                     f"{rv.invalid_weight} of {rv.eligible_weight})")
    if job.reporter:
        lines.append(f"reported by: {job.reporter}")
    return lines


# ---------------------------------------------------------------------- input parsing


def parse_temperature(text: str) -> int:
    """"0.7" -> 700 (temperature x 1000); 0 means greedy."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise CliError(f"invalid --temperature {text!r}: use a decimal >= 0, e.g. 0.7 (0 = greedy)")
    milli = value * 1000
    if milli != milli.to_integral_value():
        raise CliError(f"--temperature {text!r} has more than 3 decimals; e.g. 0.7 or 0.125")
    if milli > MAX_TEMPERATURE_MILLI:
        raise CliError(f"--temperature {text!r} is too high; use at most {MAX_TEMPERATURE_MILLI // 1000}")
    return int(milli)


def read_prompt(prompt: str | None, prompt_file: str | None) -> bytes:
    if (prompt is None) == (prompt_file is None):
        raise CliError("give the prompt with exactly one of --prompt TEXT or --prompt-file FILE")
    if prompt_file is not None:
        try:
            data = Path(prompt_file).read_bytes()
        except OSError as err:
            raise CliError(f"cannot read --prompt-file {prompt_file}: {err.strerror or err}") from None
    else:
        data = prompt.encode("utf-8")
    if not data:
        raise CliError("the prompt is empty; give some text")
    return data


def _optional_amount(text: str | None, what: str) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else parse_amount(text, what)


# ---------------------------------------------------------------------- tx inference submit


def _submit_message(client: NodeClient, put, signer: str, model_name: str, prompt: bytes,
                    max_tokens: int, temperature_milli: int, top_k: int, max_fee: int | None):
    """The MsgSubmitInference (checked against the model and params; long prompts put as a blob
    with `put(data) -> (sha256, created)`)."""
    from sprint.inference.v1.inference_pb2 import SamplingParams
    from sprint.inference.v1.tx_pb2 import MsgSubmitInference

    model, params = fetch_model(client, model_name), fetch_params(client)
    if len(prompt) > params.max_prompt_bytes:
        raise CliError(f"the prompt is {len(prompt)} bytes, over the chain's limit of {params.max_prompt_bytes}; "
                       "shorten it")
    if max_tokens > params.max_tokens_limit:
        raise CliError(f"--max-tokens {max_tokens} is over the chain's limit of {params.max_tokens_limit}")
    if len(prompt) + max_tokens > model.config.max_seq_len:
        raise CliError(f"prompt ({len(prompt)} tokens) + --max-tokens {max_tokens} exceeds {model.name}'s "
                       f"max_seq_len {model.config.max_seq_len}; shorten the prompt or lower --max-tokens")
    if top_k > model.config.vocab_size:
        raise CliError(f"--top-k {top_k} is over {model.name}'s vocab_size {model.config.vocab_size}")
    cost = model.price_per_token * (len(prompt) + max_tokens)
    if max_fee is None:
        max_fee = cost
    elif max_fee < cost:
        raise CliError(f"--max-fee {max_fee}usprint is below the job's maximum cost {cost}usprint "
                       f"({model.price_per_token} x ({len(prompt)} prompt + {max_tokens} max tokens)); "
                       f"pass --max-fee {cost}usprint")
    msg = MsgSubmitInference(requester=signer, model=model.name, max_tokens=max_tokens, max_fee=max_fee,
                             sampling=SamplingParams(temperature_milli=temperature_milli, top_k=top_k))
    if len(prompt) > params.max_inline_prompt_bytes:
        sha256, _ = put(prompt)
        msg.prompt_blob_sha256, msg.prompt_size = sha256, len(prompt)
    else:
        msg.prompt = prompt
    return msg


def _event_value(tx: dict, event_type: str, key: str) -> str | None:
    for event in tx.get("events") or []:
        if event.get("type") == event_type:
            for attr in event.get("attributes", []):
                if attr.get("key") == key:
                    return attr.get("value")
    return None


def committed_or_fail(client: NodeClient, response, timeout: float):
    """Wait for a broadcast tx to be committed; CliError when CheckTx or the block rejected it."""
    if response.code != 0:
        raise CliError(f"transaction rejected by the node (code {response.code}"
                       + (f", codespace {response.codespace}" if response.codespace else "")
                       + f"): {response.raw_log or 'no log'}")
    committed = client.wait_for_tx(response.txhash, timeout=timeout).tx_response
    if committed.code != 0:
        raise CliError(f"transaction failed in block {committed.height} (code {committed.code}): "
                       f"{committed.raw_log or 'no log'}; the fee was still charged")
    return committed


def wait_for_job(client: NodeClient, job_id: int, timeout: float):
    """Poll the job until it reaches a final status; CliError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        job = fetch_job(client, job_id)
        if _status_name(job) in FINAL_STATUSES:
            return job
        if time.monotonic() >= deadline:
            raise CliError(f"job {job_id} is still {_status_name(job)} after {timeout:g}s; check it later with "
                           f"`sprintd q inference job {job_id}`")
        time.sleep(POLL_SECONDS)


def _submit_finish(node: str, wait: bool, wait_timeout: float, result_timeout: float, output: str):
    def finish(client: NodeClient, response) -> None:
        committed = committed_or_fail(client, response, wait_timeout)
        tx = tx_response_dict(committed)
        job_id = _event_value(tx, "inference_submitted", "job_id")
        if job_id is None:
            raise CliError(f"tx {committed.txhash} was committed but has no inference_submitted event; "
                           "is the node running the inference module?")
        data = {"job_id": job_id, "txhash": committed.txhash, "height": str(committed.height)}
        if not wait:
            emit(data, output, [f"job id: {job_id}", f"txhash: {committed.txhash}"])
            return
        if output == "text":
            click.echo(f"job id: {job_id}")
            click.echo(f"waiting up to {result_timeout:g}s for the result...", err=True)
        job = wait_for_job(client, int(job_id), result_timeout)
        result = job_result(job, node)
        data.update(status=_status_name(job), job=job_dict(job),
                    output_text=result.output_text if result is not None else None)
        if output == "json":
            emit(data, output)
        elif result is not None:
            click.echo(result.output_text)
        else:
            click.echo(f"job {job_id} ended {_status_name(job)} without a result "
                       f"(max_fee refunded: see `sprintd q inference job {job_id}`)")

    return finish


@click.group("inference")
def inference_tx() -> None:
    """Submit inference jobs, report results, register models."""


from_option = click.option("--from", "from_key", required=True, metavar="KEY",
                           help="Keyring key (name or address) that signs and pays.")


@inference_tx.command("submit")
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
@from_option
@tx_options
def submit_cmd(model, prompt, prompt_file, max_tokens, max_fee, temperature, top_k, result_timeout, from_key,
               **options) -> None:
    """Submit an inference job and print its id; with --wait, print the output when it arrives."""
    data = read_prompt(prompt, prompt_file)
    temperature_milli = parse_temperature(temperature)
    fee = _optional_amount(max_fee, "--max-fee")
    if result_timeout <= 0:
        raise CliError("--timeout must be positive (seconds)")
    node = resolve_node(options["node"], options["home"])

    def put(blob: bytes) -> tuple[str, bool]:
        return signed_put(node, blob, from_key, options["home"], options["keyring_backend"], options["chain_id"])

    def messages_for(signer: str):
        from chain.tx.builder import pack_any

        with node_errors(), node_client(node, options["home"]) as client:
            msg = _submit_message(client, put, signer, model, data, max_tokens, temperature_milli, top_k, fee)
        return [pack_any(msg, "/sprint.inference.v1.MsgSubmitInference")]

    finish = _submit_finish(node, options["wait"], options["wait_timeout"], result_timeout, options["output"])
    run_tx(from_key=from_key, messages_for=messages_for, finish=finish, **options)


@inference_tx.command("report")
@click.argument("job_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--reason", default="", help="Why the result looks wrong (stored with the report).")
@from_option
@tx_options
def report_cmd(job_id: int, reason: str, from_key: str, **options) -> None:
    """Pay the report fee to have job ID's result re-verified (requester only, before it settles)."""
    from sprint.inference.v1.tx_pb2 import MsgReportInference

    from chain.tx.builder import pack_any

    def messages_for(signer: str):
        with node_errors(), node_client(options["node"], options["home"]) as client:
            job, params = fetch_job(client, job_id), fetch_params(client)
        if job.requester != signer:
            raise CliError(f"only the requester {job.requester} can report job {job_id}; sign with that key")
        if _status_name(job) != "JOB_STATUS_COMPLETED":
            raise CliError(f"job {job_id} is {_status_name(job)}: only a COMPLETED job, before it settles, "
                           "can be reported")
        click.echo(f"report fee: {params.report_fee}{params.fee_denom} (returned if fraud is confirmed)", err=True)
        return [pack_any(MsgReportInference(requester=signer, job_id=job_id, reason=reason),
                         "/sprint.inference.v1.MsgReportInference")]

    run_tx(from_key=from_key, messages_for=messages_for, **options)


CONFIG_FIELDS = ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_seq_len")


def parse_model_config(config_json: str | None, flags: dict):
    """ModelConfig from --config-json (JSON text or a file) or the per-field flags."""
    from sprint.inference.v1.inference_pb2 import ModelConfig

    given = {k: v for k, v in flags.items() if v is not None and k != "vocab_size"}
    if config_json is not None:
        if given:
            raise CliError("use either --config-json or the --d-model/--n-layers/... flags, not both")
        text = config_json
        if not config_json.lstrip().startswith("{"):
            try:
                text = Path(config_json).read_text()
            except OSError as err:
                raise CliError(f"--config-json {config_json!r} is neither JSON nor a readable file "
                               f"({err.strerror or err})") from None
        try:
            values = json.loads(text)
        except ValueError as err:
            raise CliError(f"--config-json is not valid JSON: {err}") from None
        if not isinstance(values, dict) or set(values) - set(CONFIG_FIELDS):
            raise CliError(f"--config-json must be an object with the fields {', '.join(CONFIG_FIELDS)}")
    else:
        missing = [k for k in CONFIG_FIELDS if k != "vocab_size" and flags.get(k) is None]
        if missing:
            raise CliError("the model architecture is incomplete: pass --config-json or "
                           + ", ".join(f"--{k.replace('_', '-')}" for k in missing))
        values = {k: v for k, v in flags.items() if v is not None}
    if any(isinstance(values.get(k), bool) or not isinstance(values.get(k, 0), int) for k in CONFIG_FIELDS):
        raise CliError("every model config field must be a whole number")
    return ModelConfig(**values)


def check_safetensors(data: bytes, path: str) -> None:
    """A light check that `data` looks like safetensors (8-byte header length + JSON header)."""
    ok = len(data) >= 8
    if ok:
        size = int.from_bytes(data[:8], "little")
        ok = 2 <= size <= len(data) - 8
        if ok:
            try:
                ok = isinstance(json.loads(data[8:8 + size]), dict)
            except ValueError:
                ok = False
    if not ok:
        raise CliError(f"--weights-file {path} is not a safetensors file (8-byte header length + JSON header)")


@inference_tx.command("register-model")
@click.option("--name", required=True, help="Unique model name, [a-z0-9._-]{1,64}.")
@click.option("--config-json", default=None, metavar="JSON|FILE", help="The ModelConfig as JSON, or a JSON file.")
@click.option("--vocab-size", type=int, default=None, help="Vocabulary size [default: 256, byte tokens].")
@click.option("--d-model", type=int, default=None)
@click.option("--n-layers", type=int, default=None)
@click.option("--n-heads", type=int, default=None)
@click.option("--d-ff", type=int, default=None)
@click.option("--max-seq-len", type=int, default=None)
@click.option("--weights-file", required=True, type=click.Path(dir_okay=False), help="safetensors weights.")
@click.option("--price-per-token", required=True, metavar="N", help="usprint per token, e.g. 100 or 100usprint.")
@from_option
@tx_options
def register_model_cmd(name, config_json, vocab_size, d_model, n_layers, n_heads, d_ff, max_seq_len, weights_file,
                       price_per_token, from_key, **options) -> None:
    """Put the weights on the node's blob service, then register the model."""
    from sprint.inference.v1.tx_pb2 import MsgRegisterModel

    from chain.errors import TxError
    from chain.modules.inference.models import check_model
    from chain.tx.builder import pack_any

    flags = {"vocab_size": vocab_size, "d_model": d_model, "n_layers": n_layers, "n_heads": n_heads, "d_ff": d_ff,
             "max_seq_len": max_seq_len}
    config = parse_model_config(config_json, flags)
    if config_json is None and vocab_size is None:
        config.vocab_size = 256
    price = _optional_amount(price_per_token, "--price-per-token")
    try:
        weights = Path(weights_file).read_bytes()
    except OSError as err:
        raise CliError(f"cannot read --weights-file {weights_file}: {err.strerror or err}") from None
    check_safetensors(weights, weights_file)
    from abci_app.blobs.store import sha256_hex

    sha256 = sha256_hex(weights)
    try:
        check_model(name, config, sha256, len(weights), price)
    except TxError as err:
        raise CliError(err.log) from None
    node = resolve_node(options["node"], options["home"])

    def messages_for(signer: str):
        signed_put(node, weights, from_key, options["home"], options["keyring_backend"], options["chain_id"])
        msg = MsgRegisterModel(owner=signer, name=name, config=config, weights_sha256=sha256,
                               weights_size=len(weights), price_per_token=price)
        return [pack_any(msg, "/sprint.inference.v1.MsgRegisterModel")]

    run_tx(from_key=from_key, messages_for=messages_for, **options)


# ---------------------------------------------------------------------- queries


@click.group("inference")
def inference_query() -> None:
    """Inference jobs, models and params."""


@inference_query.command("job")
@click.argument("job_id", metavar="ID", type=click.IntRange(min=1))
@node_option
@home_option
@output_option
def job_query_cmd(job_id: int, node, home: str, output: str) -> None:
    """Job ID: status, prompt, executor, result, checks and re-verification."""
    address = resolve_node(node, home)
    with node_errors(), node_client(address, home) as client:
        job = fetch_job(client, job_id)
    result = job_result(job, address)
    data = {"job": job_dict(job)}
    if result is not None:
        data["output_text"] = result.output_text
    emit(data, output, job_lines(job, result))


@inference_query.command("jobs")
@click.option("--executor", default=None, help="Only jobs drawn to this host (operator address).")
@click.option("--requester", default=None, help="Only jobs submitted by this account.")
@click.option("--status", type=click.Choice(STATUS_NAMES, case_sensitive=False), default=None)
@click.option("--epoch", type=click.IntRange(min=0), default=None, help="Only jobs audited in this epoch.")
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=100, show_default=True)
@click.option("--start-after", type=click.IntRange(min=0), default=0, help="Continue after this job id.")
@node_option
@home_option
@output_option
def jobs_query_cmd(executor, requester, status, epoch, limit, start_after, node, home: str, output: str) -> None:
    """Jobs by ascending id, filtered (filters combine)."""
    from sprint.inference.v1 import query_pb2
    from sprint.inference.v1.inference_pb2 import JobStatus

    for value, what in ((executor, "executor address"), (requester, "requester address")):
        if value is not None:
            check_address(value, what)
    request = query_pb2.QueryJobsRequest(executor=executor or "", requester=requester or "",
                                         start_after=start_after, limit=limit)
    if status is not None:
        request.status = JobStatus.Value(f"JOB_STATUS_{status.upper()}")
    if epoch is not None:
        request.audit_epoch = epoch
    with node_errors(), node_client(node, home) as client:
        resp = module_query(client, "inference", "Jobs", request)
    rows = [{"id": str(j.id), "status": _status_name(j), "model": j.model, "requester": j.requester,
             "executor": j.executor, "cost": str(j.cost), "output_tokens": j.output_token_count} for j in resp.jobs]
    lines = [f"{r['id']}  {r['status']}  {r['model']}  executor {r['executor'] or '-'}  cost {r['cost']}usprint"
             for r in rows] or ["no jobs"]
    if resp.next:
        lines.append(f"more: pass --start-after {resp.next}")
    emit({"jobs": rows, "next": str(resp.next)}, output, lines)


@inference_query.command("models")
@node_option
@home_option
@output_option
def models_query_cmd(node, home: str, output: str) -> None:
    """Every registered model."""
    from sprint.inference.v1 import query_pb2

    with node_errors(), node_client(node, home) as client:
        models = module_query(client, "inference", "Models", query_pb2.QueryModelsRequest()).models
    lines = [f"{m.name}  {m.price_per_token}usprint/token  d_model {m.config.d_model} x {m.config.n_layers} layers  "
             f"max_seq_len {m.config.max_seq_len}  weights {m.weights_sha256}" for m in models] or ["no models"]
    emit({"models": [_proto_dict(m) for m in models]}, output, lines)


@inference_query.command("params")
@node_option
@home_option
@output_option
def params_query_cmd(node, home: str, output: str) -> None:
    """The inference params (limits, expiry, report fee, training fund share...)."""
    with node_errors(), node_client(node, home) as client:
        params = fetch_params(client)
    emit({"params": _proto_dict(params)}, output)


@click.group("reputation")
def reputation_query() -> None:
    """Host reputation (validation probability, scheduling score)."""


@reputation_query.command("host")
@click.argument("address")
@node_option
@home_option
@output_option
def reputation_host_cmd(address: str, node, home: str, output: str) -> None:
    """ADDRESS's (host operator) reputation, validation probability and scheduling score."""
    from sprint.reputation.v1 import query_pb2

    check_address(address, "host address")
    with node_errors(), node_client(node, home) as client:
        try:
            resp = module_query(client, "reputation", "Host", query_pb2.QueryHostRequest(host=address))
        except NodeError as err:
            if _not_found(err):
                raise CliError(f"{address} is not a registered host (see `sprintd q hosts list`)") from None
            raise
    rep = _proto_dict(resp.reputation)
    rep.setdefault("has_record", False)
    data = {"reputation": rep, "volume": str(resp.volume)}
    r = resp.reputation
    lines = [f"host: {address}", f"has record: {r.has_record}", f"honest epochs: {r.honest_epochs}",
             f"validation probability: {r.validation_ppm / 10_000:g}% (request volume {resp.volume})",
             f"scheduling score: {r.score_ppm / 10_000:g}%",
             f"success rate: {r.success_rate_ppm / 10_000:g}%  work value EMA: {r.work_value_ema}usprint",
             f"jobs completed {r.jobs_completed}, expired {r.jobs_expired}, frauds {r.frauds}",
             f"duties done {r.duties_done}, missed {r.duties_missed}"]
    emit(data, output, lines)


@click.group("rewards")
def rewards_query() -> None:
    """Rewards accrued per epoch and held until settlement."""


@rewards_query.command("pending")
@click.argument("address")
@node_option
@home_option
@output_option
def rewards_pending_cmd(address: str, node, home: str, output: str) -> None:
    """ADDRESS's (host operator) unreleased rewards by epoch and its last settlement outcome."""
    from sprint.rewards.v1 import query_pb2

    check_address(address, "host address")
    with node_errors(), node_client(node, home) as client:
        try:
            resp = module_query(client, "rewards", "Pending", query_pb2.QueryPendingRequest(host=address))
        except NodeError as err:
            if _not_found(err):
                raise CliError(f"{address} has no rewards record (is it a registered host?)") from None
            raise
    accruals = [_proto_dict(a) for a in resp.accruals]
    data = {"accruals": accruals, "total": str(resp.total), "block_reward": str(resp.block_reward)}
    if resp.HasField("last_outcome"):
        data["last_outcome"] = _proto_dict(resp.last_outcome)
    lines = [f"pending total: {resp.total}usprint"]
    for a in resp.accruals:
        parts = [f"{field} {getattr(a, field)}" for field in ("proposer_rewards", "executor_fees", "validator_fees",
                                                              "bounty", "executor_pool_share", "validator_pool_share")
                 if getattr(a, field)]
        lines.append(f"epoch {a.epoch}: " + (", ".join(parts) or "nothing yet"))
    if resp.HasField("last_outcome"):
        o = resp.last_outcome
        lines.append(f"last settlement (epoch {o.epoch}): released {o.released}, forfeited {o.forfeited}, "
                     f"withheld {o.withheld}{' (caught)' if o.caught else ''}")
    lines.append(f"current block reward: {resp.block_reward}usprint")
    emit(data, output, lines)


# ---------------------------------------------------------------------- sprintd blobs


@click.group("blobs")
def blobs() -> None:
    """Put and get content-addressed blobs (weights, long prompts/results) on a node."""


@blobs.command("put")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "from_key", required=True, metavar="KEY",
              help="Keyring key (name or address) that signs the upload: a host's key or a funded account.")
@click.option("--chain-id", default=None, help="Chain id the upload is signed for [default: from the node config].")
@keyring_backend_option
@node_option
@home_option
@output_option
def blobs_put_cmd(file: str, from_key: str, chain_id: str | None, keyring_backend: str, node, home: str,
                  output: str) -> None:
    """Upload FILE to the node's blob store, signed by the --from key, and print its sha256. The node
    accepts keys of registered hosts (operator or worker) and accounts holding its minimum balance."""
    from abci_app.blobs.store import DEFAULT_MAX_BLOB_BYTES

    try:
        data = Path(file).read_bytes()
    except OSError as err:
        raise CliError(f"cannot read {file}: {err.strerror or err}") from None
    if len(data) > DEFAULT_MAX_BLOB_BYTES:
        raise CliError(f"{file} is {len(data)} bytes, over the blob limit of {DEFAULT_MAX_BLOB_BYTES} bytes")
    sha256, created = signed_put(resolve_node(node, home), data, from_key, home, keyring_backend, chain_id)
    emit({"sha256": sha256, "size": str(len(data)), "created": created}, output,
         [sha256] + ([] if created else ["(the node already had it)"]))


@blobs.command("get")
@click.argument("sha256")
@click.option("--out", "-o", "out_file", default=None, type=click.Path(dir_okay=False),
              help="Write the blob to FILE [default: standard output].")
@click.option("--local-only", is_flag=True, help="Do not let the node fetch it from other hosts.")
@node_option
@home_option
def blobs_get_cmd(sha256: str, out_file: str | None, local_only: bool, node, home: str) -> None:
    """Download blob SHA256 (verified against its hash)."""
    from abci_app.blobs.client import get_blob
    from abci_app.blobs.store import check_sha256

    name = _blob_call(check_sha256, sha256.strip().lower())
    data = _blob_call(get_blob, resolve_node(node, home), name, local_only=local_only)
    if out_file is None:
        click.get_binary_stream("stdout").write(data)
        return
    try:
        Path(out_file).write_bytes(data)
    except OSError as err:
        raise CliError(f"cannot write {out_file}: {err.strerror or err}") from None
    click.echo(f"wrote {len(data)} bytes to {out_file}", err=True)


def register_commands(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `tx inference`, `q inference|reputation|rewards` and `blobs`."""
    tx_group.add_command(inference_tx)
    query_group.add_command(inference_query)
    query_group.add_command(reputation_query)
    query_group.add_command(rewards_query)
    cli.add_command(blobs)


__all__ = ["register_commands", "job_dict", "job_lines", "parse_temperature", "wait_for_job"]
