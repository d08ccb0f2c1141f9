"""Reading inference jobs for the CLI: fetching jobs, models and params (not-found as one
sentence), their JSON and text shapes, results stored as blobs, and waiting for a final status."""

from __future__ import annotations

import time
from decimal import Decimal

from abci_app.cli.blobs_cmd import blob_call
from abci_app.cli.common import CliError
from abci_app.cli.framework import call_query, is_not_found, proto_dict
from abci_app.client import NodeClient, NodeError

POLL_SECONDS = 1.0
FINAL_STATUSES = ("JOB_STATUS_COMPLETED", "JOB_STATUS_SETTLED", "JOB_STATUS_FRAUD", "JOB_STATUS_EXPIRED")


def fetch_job(client: NodeClient, job_id: int):
    """Job `job_id`; CliError when it does not exist."""
    from sprint.inference.v1 import query_pb2

    try:
        return call_query(client, "Job", query_pb2.QueryJobRequest(id=job_id)).job
    except NodeError as err:
        if is_not_found(err):
            raise CliError(f"job {job_id} does not exist (list jobs with `sprintd q inference jobs`)") from None
        raise


def fetch_model(client: NodeClient, name: str):
    """Registered model `name`; CliError when it is not registered."""
    from sprint.inference.v1 import query_pb2

    try:
        return call_query(client, "Model", query_pb2.QueryModelRequest(name=name)).model
    except NodeError as err:
        if is_not_found(err):
            raise CliError(f"model {name!r} is not registered (see `sprintd q inference models`)") from None
        raise


def fetch_params(client: NodeClient):
    """The chain's inference params (its limits are checked before a job is submitted)."""
    from sprint.inference.v1 import query_pb2

    return call_query(client, "Params", query_pb2.QueryParamsRequest()).params


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def job_dict(job) -> dict:
    """Job as proto JSON, with the prompt as text and the sampling seed as hex."""
    data = proto_dict(job)
    if job.prompt:
        data["prompt"] = _text(job.prompt)
    if job.sampling_seed:
        data["sampling_seed"] = job.sampling_seed.hex()
    return data


def status_name(job) -> str:
    """JOB_STATUS_... of a job."""
    from sprint.inference.v1.inference_pb2 import JobStatus

    return JobStatus.Name(job.status)


def job_result(job, node: str | None = None):
    """The job's InferenceResult (fetched from the blob service when stored as a blob), or None."""
    from sprint.inference.v1.inference_pb2 import InferenceResult

    if job.HasField("result") and (job.result.output_tokens or job.result.output_text):
        return job.result
    if job.result_blob_sha256 and node is not None:
        from abci_app.blobs.client import get_blob

        raw = blob_call(get_blob, node, job.result_blob_sha256)
        try:
            return InferenceResult.FromString(raw)
        except Exception:  # noqa: BLE001 - protobuf DecodeError: a bad blob, not a CLI crash
            raise CliError(f"result blob {job.result_blob_sha256} is not an encoded InferenceResult") from None
    return None


def job_lines(job, result=None) -> list[str]:
    """Readable lines for a job: status, prompt, fees, heights, output, checks, re-verification."""
    temperature = Decimal(job.sampling.temperature_milli) / 1000
    prompt = repr(_text(job.prompt)) if job.prompt else f"blob {job.prompt_blob_sha256}"
    lines = [
        f"job {job.id}: {status_name(job)}",
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


def wait_for_job(client: NodeClient, job_id: int, timeout: float):
    """Poll the job until it reaches a final status; CliError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        job = fetch_job(client, job_id)
        if status_name(job) in FINAL_STATUSES:
            return job
        if time.monotonic() >= deadline:
            raise CliError(f"job {job_id} is still {status_name(job)} after {timeout:g}s; check it later with "
                           f"`sprintd q inference job {job_id}`")
        time.sleep(POLL_SECONDS)

