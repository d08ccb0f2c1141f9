"""inference message handlers: the MsgServer of every inference message. The jobs part is here
(MsgSubmitInference, MsgInferenceResult); MsgRegisterModel is in models.py, the validation secrets in
secrets.py, checks and reports in verification.py.

Rules (a failing rule raises an SDK error naming it and changes nothing):
- MsgSubmitInference: the model is registered; 1 <= max_tokens <= max_tokens_limit; the prompt is
  inline (1..max_inline_prompt_bytes bytes) or a blob (sha256 hex + prompt_size); prompt_size <=
  max_prompt_bytes and prompt_size + max_tokens <= the model's max_seq_len; top_k <= vocab_size;
  max_fee >= price_per_token x (prompt_size + max_tokens) (ErrInsufficientFee, naming the minimum).
  max_fee is escrowed in the "inference" module account, the request is counted (reputation), and the
  job waits PENDING (deadline = height + expiry_blocks) for the executor draw at the end of the block.
- MsgInferenceResult: signed by the worker account of the job's drawn executor (ErrUnauthorized
  otherwise); the job is PENDING and the height <= its deadline; sampling_seed equals the job's; the
  result is inline (encoding <= max_inline_result_bytes) or a blob (sha256 + size + token count);
  output_token_count <= max_tokens; inline: every token < vocab_size, one logprob entry per output
  token for that token with exactly top_logprobs alternatives. cost = price x (prompt_size +
  output_token_count) stays escrowed, max_fee - cost is refunded now; audit epoch = epoch of the
  result height if it is at most that epoch's last proof block, else the next epoch.
"""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED
from sprint.inference.v1.inference_pb2 import (
    JOB_STATUS_COMPLETED, JOB_STATUS_EXPIRED, JOB_STATUS_PENDING, InferenceResult, Job, JobStatus,
)
from sprint.inference.v1.tx_pb2 import (
    MsgCommitValidationSecret, MsgInferenceResult, MsgRegisterModel, MsgReportInference, MsgRevealValidationSecret,
    MsgSubmitInference, MsgValidateInference,
)

from chain.context import Context
from chain.errors import ErrInsufficientFee, ErrInvalidRequest, ErrUnauthorized
from chain.modules.bank.keys import module_address
from chain.modules.hosts.worker_auth import parse_address as _address, worker_signers
from chain.modules.inference import keys, models, secrets, verification
from chain.modules.inference.expected_keepers import InferenceDeps
from chain.modules.sprint.epochs import bounds, epoch_number
from chain.tx.router import Route
from chain.tx.crypto import decode_address

MSG_REGISTER_MODEL_URL = models.MSG_REGISTER_MODEL_URL
MSG_SUBMIT_INFERENCE_URL = "/sprint.inference.v1.MsgSubmitInference"
MSG_INFERENCE_RESULT_URL = "/sprint.inference.v1.MsgInferenceResult"
PPM = 1_000_000


def requester_signers(msg) -> list[bytes]:
    return [_address(msg.requester, "requester")]


def escrow_address() -> bytes:
    return module_address(keys.MODULE_NAME)


def pay_from_escrow(ctx: Context, keepers, recipient: str, denom: str, amount: int) -> None:
    """Send `amount` from the "inference" escrow to a bech32 account (nothing when amount is 0)."""
    if amount > 0:
        keepers.bank.send(ctx, escrow_address(), decode_address(recipient), [(denom, amount)])


# --- MsgSubmitInference ----------------------------------------------------------------------------


def validate_submit(msg: MsgSubmitInference) -> None:
    _address(msg.requester, "requester")
    if not msg.model:
        raise ErrInvalidRequest("model must not be empty")
    if msg.max_tokens == 0:
        raise ErrInvalidRequest("max_tokens must be at least 1")
    if msg.prompt_blob_sha256:
        if msg.prompt:
            raise ErrInvalidRequest("give the prompt inline or as a blob hash, not both")
        models.check_sha256_hex(msg.prompt_blob_sha256, "prompt_blob_sha256")
        if msg.prompt_size == 0:
            raise ErrInvalidRequest("a blob prompt needs its prompt_size")
    else:
        if not msg.prompt:
            raise ErrInvalidRequest("prompt must not be empty")
        if msg.prompt_size not in (0, len(msg.prompt)):
            raise ErrInvalidRequest(f"prompt_size {msg.prompt_size} does not match the inline prompt's "
                                    f"{len(msg.prompt)} bytes")
    if msg.max_fee == 0:
        raise ErrInsufficientFee("max_fee must be positive")


def _prompt_size(msg: MsgSubmitInference, params) -> int:
    size = msg.prompt_size if msg.prompt_blob_sha256 else len(msg.prompt)
    if size > params.max_prompt_bytes:
        raise ErrInvalidRequest(f"prompt of {size} bytes is over the limit of {params.max_prompt_bytes} bytes")
    if not msg.prompt_blob_sha256 and size > params.max_inline_prompt_bytes:
        raise ErrInvalidRequest(f"inline prompt of {size} bytes is over max_inline_prompt_bytes "
                                f"{params.max_inline_prompt_bytes}: put it on the blob service and send its hash")
    return size


def _check_job_shape(msg: MsgSubmitInference, params, model, prompt_size: int) -> int:
    """The job's maximum cost after checking max_tokens, sequence length, sampling and the fee."""
    if msg.max_tokens > params.max_tokens_limit:
        raise ErrInvalidRequest(f"max_tokens {msg.max_tokens} is over the limit of {params.max_tokens_limit}")
    if prompt_size + msg.max_tokens > model.config.max_seq_len:
        raise ErrInvalidRequest(f"prompt ({prompt_size} tokens) + max_tokens ({msg.max_tokens}) exceeds model "
                                f"{model.name!r} max_seq_len {model.config.max_seq_len}")
    if msg.sampling.top_k > model.config.vocab_size:
        raise ErrInvalidRequest(f"top_k {msg.sampling.top_k} is over the model's vocab_size {model.config.vocab_size}")
    minimum = model.price_per_token * (prompt_size + msg.max_tokens)
    if msg.max_fee < minimum:
        raise ErrInsufficientFee(
            f"max_fee {msg.max_fee}{params.fee_denom} is below the job's maximum cost {minimum}{params.fee_denom} "
            f"(price {model.price_per_token} x ({prompt_size} prompt + {msg.max_tokens} max tokens))")
    return minimum


def handle_submit(ctx: Context, keepers, msg: MsgSubmitInference) -> int:
    """Escrow max_fee and queue a PENDING job for this block's executor draw; returns its id."""
    validate_submit(msg)
    inference = keepers.inference
    params = inference.get_params(ctx.store)
    model = inference.get_model(ctx.store, msg.model)
    if model is None:
        raise ErrInvalidRequest(f"unknown model {msg.model!r}")
    prompt_size = _prompt_size(msg, params)
    _check_job_shape(msg, params, model, prompt_size)
    requester = _address(msg.requester, "requester")
    keepers.bank.send(ctx, requester, escrow_address(), [(params.fee_denom, msg.max_fee)])
    job = Job(id=inference.allocate_job_id(ctx.store), requester=msg.requester, model=msg.model,
              prompt=msg.prompt, prompt_blob_sha256=msg.prompt_blob_sha256, prompt_size=prompt_size,
              max_tokens=msg.max_tokens, sampling=msg.sampling, max_fee=msg.max_fee,
              submit_height=ctx.block.height, deadline_height=ctx.block.height + params.expiry_blocks,
              status=JOB_STATUS_PENDING)
    inference.set_job(ctx.store, job)
    inference.queue_new_job(ctx.store, job.id)
    keepers.reputation.record_request(ctx.store, keepers.sprint.current_epoch(ctx.store, ctx.block.height))
    ctx.emit("inference_submitted", ("job_id", str(job.id)), ("requester", msg.requester), ("model", msg.model),
             ("prompt_size", str(prompt_size)), ("max_tokens", str(msg.max_tokens)),
             ("max_fee", f"{msg.max_fee}{params.fee_denom}"), ("deadline_height", str(job.deadline_height)))
    return job.id


# --- MsgInferenceResult ----------------------------------------------------------------------------


def validate_result(msg: MsgInferenceResult) -> None:
    _address(msg.worker, "worker")
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be set")
    if len(msg.sampling_seed) != 32:
        raise ErrInvalidRequest(f"sampling_seed must be 32 bytes, got {len(msg.sampling_seed)}")
    if msg.result_blob_sha256:
        if msg.HasField("result"):
            raise ErrInvalidRequest("give the result inline or as a blob hash, not both")
        models.check_sha256_hex(msg.result_blob_sha256, "result_blob_sha256")
        if msg.result_size == 0:
            raise ErrInvalidRequest("a blob result needs its result_size")
    elif msg.result_size:
        raise ErrInvalidRequest("result_size is only for blob results")


def _executor_job(ctx: Context, keepers, msg: MsgInferenceResult) -> tuple[bytes, Job]:
    """(executor operator, job) after checking the sender, the job's status, deadline and seed."""
    host = keepers.hosts.host_by_worker_address(ctx.store, _address(msg.worker, "worker"))
    if host is None:
        raise ErrUnauthorized(f"{msg.worker} is not the worker of any registered host")
    job = keepers.inference.get_job(ctx.store, msg.job_id)
    if job is None:
        raise ErrInvalidRequest(f"job {msg.job_id} does not exist")
    if not job.executor:
        raise ErrInvalidRequest(f"job {job.id} has no executor yet (drawn at the end of block {job.submit_height})")
    if job.executor != host.operator:
        raise ErrUnauthorized(f"job {job.id} is assigned to {job.executor}, not to host {host.operator}")
    if host.status == HOST_STATUS_BANNED:
        raise ErrUnauthorized(f"host {host.operator} is banned and cannot deliver results")
    if job.status == JOB_STATUS_EXPIRED or (job.status == JOB_STATUS_PENDING and
                                            ctx.block.height > job.deadline_height):
        raise ErrInvalidRequest(f"job {job.id} expired at height {job.deadline_height}")
    if job.status != JOB_STATUS_PENDING:
        raise ErrInvalidRequest(f"job {job.id} already has a result (status {JobStatus.Name(job.status)})")
    if msg.sampling_seed != job.sampling_seed:
        raise ErrInvalidRequest(f"sampling_seed does not match job {job.id}'s seed {job.sampling_seed.hex()}")
    return decode_address(host.operator), job


def _check_logprobs(result: InferenceResult, top: int, vocab: int) -> None:
    if len(result.logprobs) != len(result.output_tokens):
        raise ErrInvalidRequest(f"result has {len(result.logprobs)} logprob entries for "
                                f"{len(result.output_tokens)} output tokens; one per token is required")
    for index, (token, entry) in enumerate(zip(result.output_tokens, result.logprobs)):
        if entry.token != token:
            raise ErrInvalidRequest(f"logprob entry {index} is for token {entry.token}, output token is {token}")
        if len(entry.top_tokens) != top or len(entry.top_logprobs_micro) != top:
            raise ErrInvalidRequest(f"logprob entry {index} has {len(entry.top_tokens)} alternatives and "
                                    f"{len(entry.top_logprobs_micro)} logprobs; exactly {top} are required")
        if token >= vocab or any(t >= vocab for t in entry.top_tokens):
            raise ErrInvalidRequest(f"token {index} of the result is outside the model's vocab of {vocab}")


def _output_count(msg: MsgInferenceResult, job: Job, params, model) -> int:
    """Output token count after checking the result's form, sizes and logprob shape."""
    if msg.result_blob_sha256:
        count = msg.output_token_count
    else:
        result = msg.result
        count = len(result.output_tokens)
        if msg.output_token_count not in (0, count):
            raise ErrInvalidRequest(f"output_token_count {msg.output_token_count} does not match the "
                                    f"{count} inline output tokens")
        size = result.ByteSize()
        if size > params.max_inline_result_bytes:
            raise ErrInvalidRequest(f"inline result of {size} bytes is over max_inline_result_bytes "
                                    f"{params.max_inline_result_bytes}: put it on the blob service and send its hash")
        _check_logprobs(result, params.top_logprobs, model.config.vocab_size)
    if count > job.max_tokens:
        raise ErrInvalidRequest(f"result has {count} output tokens, job {job.id} allows at most {job.max_tokens}")
    return count


def audit_epoch(sprint_params, height: int) -> int:
    """Epoch whose validators check a result recorded at `height`: its own epoch when the height is at
    most that epoch's last proof block, else the next one (so checks get a whole validation phase)."""
    epoch = epoch_number(sprint_params, height)
    return epoch if height <= bounds(sprint_params, epoch).proof_end else epoch + 1


def handle_result(ctx: Context, keepers, msg: MsgInferenceResult) -> None:
    """Record the executor's result: charge the cost, refund the rest, fix the audit epoch."""
    validate_result(msg)
    executor, job = _executor_job(ctx, keepers, msg)
    inference = keepers.inference
    params = inference.get_params(ctx.store)
    model = inference.get_model(ctx.store, job.model)
    count = _output_count(msg, job, params, model)
    cost = model.price_per_token * (job.prompt_size + count)
    if cost > job.max_fee:
        raise ErrInsufficientFee(f"job {job.id} would cost {cost}, above its max_fee {job.max_fee}")
    pay_from_escrow(ctx, keepers, job.requester, params.fee_denom, job.max_fee - cost)
    sprint_params = keepers.sprint.get_params(ctx.store)
    epoch = epoch_number(sprint_params, ctx.block.height)
    job.validation_ppm = keepers.reputation.validation_ppm(ctx.store, executor, epoch)
    if msg.result_blob_sha256:
        job.result_blob_sha256, job.result_size = msg.result_blob_sha256, msg.result_size
    else:
        job.result.CopyFrom(msg.result)
        job.result_size = msg.result.ByteSize()
    job.output_token_count, job.cost, job.result_height = count, cost, ctx.block.height
    job.audit_epoch = audit_epoch(sprint_params, ctx.block.height)
    job.status = JOB_STATUS_COMPLETED
    inference.set_job(ctx.store, job)
    inference.add_audit(ctx.store, job.audit_epoch, job.id)
    keepers.reputation.record_job(ctx.store, executor, epoch, PPM, cost, completed=True)
    ctx.emit("inference_result", ("job_id", str(job.id)), ("executor", job.executor),
             ("output_tokens", str(count)), ("cost", f"{cost}{params.fee_denom}"),
             ("refund", f"{job.max_fee - cost}{params.fee_denom}"), ("audit_epoch", str(job.audit_epoch)),
             ("validation_ppm", str(job.validation_ppm)))


# --- the msg server -------------------------------------------------------------------------------


class MsgServer:
    """Handles sprint.inference.v1.Msg (models, jobs, results, validation secrets, checks, reports)
    with the keepers the inference module is built from (expected_keepers.InferenceDeps)."""

    def __init__(self, deps: InferenceDeps):
        self.deps = deps

    def register_model(self, ctx: Context, msg: MsgRegisterModel) -> None:
        models.handle_register(ctx, self.deps, msg)

    def submit_inference(self, ctx: Context, msg: MsgSubmitInference) -> int:
        return handle_submit(ctx, self.deps, msg)

    def inference_result(self, ctx: Context, msg: MsgInferenceResult) -> None:
        handle_result(ctx, self.deps, msg)

    def commit_validation_secret(self, ctx: Context, msg: MsgCommitValidationSecret) -> None:
        secrets.handle_commit(ctx, self.deps, msg)

    def reveal_validation_secret(self, ctx: Context, msg: MsgRevealValidationSecret) -> None:
        secrets.handle_reveal(ctx, self.deps, msg)

    def validate_inference(self, ctx: Context, msg: MsgValidateInference) -> None:
        verification.handle_check(ctx, self.deps, msg)

    def report_inference(self, ctx: Context, msg: MsgReportInference) -> None:
        verification.handle_report(ctx, self.deps, msg)

    def routes(self) -> list[tuple[str, Route]]:
        """(type URL, Route) of every inference message."""
        return [
            (MSG_REGISTER_MODEL_URL, Route(MsgRegisterModel, models.owner_signers, models.validate_register,
                                           self.register_model)),
            (MSG_SUBMIT_INFERENCE_URL, Route(MsgSubmitInference, requester_signers, validate_submit,
                                             self.submit_inference)),
            (MSG_INFERENCE_RESULT_URL, Route(MsgInferenceResult, worker_signers, validate_result,
                                             self.inference_result)),
            (verification.MSG_COMMIT_SECRET_URL, Route(MsgCommitValidationSecret, worker_signers,
                                                       secrets.validate_commit, self.commit_validation_secret)),
            (verification.MSG_REVEAL_SECRET_URL, Route(MsgRevealValidationSecret, worker_signers,
                                                       secrets.validate_reveal, self.reveal_validation_secret)),
            (verification.MSG_VALIDATE_URL, Route(MsgValidateInference, worker_signers,
                                                  verification.validate_check, self.validate_inference)),
            (verification.MSG_REPORT_URL, Route(MsgReportInference, verification.requester_signers,
                                                verification.validate_report, self.report_inference)),
        ]
