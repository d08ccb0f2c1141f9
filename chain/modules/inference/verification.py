"""Spot checks, votes and reports: MsgValidateInference and MsgReportInference; the verification
end-of-block work and the Audit query.

MsgValidateInference (signed by a host's worker; the host is registered and not BANNED):
- never by the job's executor (ErrUnauthorized), once per host and job (ErrInvalidRequest);
- COMPLETED job, block <= the last validation block of its audit epoch: a spot check, recorded with
  draw PENDING (proven or refuted by the host's secret at settlement); INVALID opens a
  re-verification unless the job was re-verified before;
- REVERIFYING job: a vote (draw REVERIFY) by a host fixed as eligible when it opened; the tally
  may close it at once (reverification.py);
- any other status: ErrInvalidRequest.
MsgReportInference (signed by the requester): the job is COMPLETED (not yet settled), was not
re-verified before; report_fee is paid into the "inference" escrow and a re-verification opens.
"""

from __future__ import annotations

from sprint.inference.v1 import query_pb2
from sprint.inference.v1.inference_pb2 import (
    DRAW_PROOF_PENDING, DRAW_PROOF_REVERIFY, JOB_STATUS_COMPLETED, JOB_STATUS_REVERIFYING, VERDICT_INVALID,
    VERDICT_VALID, Job, JobCheck, JobStatus,
)
from sprint.inference.v1.tx_pb2 import (
    MsgReportInference, MsgValidateInference,
)

from chain.context import Context
from chain.errors import ErrInvalidRequest, ErrUnauthorized
from chain.modules.bank.keys import module_address
from chain.modules.inference import keys, reverification, settlement
from chain.modules.inference.secrets import parse_address, worker_host
from chain.modules.sprint.epochs import bounds, epoch_number
from chain.query import QueryMethod, not_found
from chain.tx.crypto import decode_address

MSG_COMMIT_SECRET_URL = "/sprint.inference.v1.MsgCommitValidationSecret"
MSG_REVEAL_SECRET_URL = "/sprint.inference.v1.MsgRevealValidationSecret"
MSG_VALIDATE_URL = "/sprint.inference.v1.MsgValidateInference"
MSG_REPORT_URL = "/sprint.inference.v1.MsgReportInference"
MAX_REASON_BYTES = 1024


def _job(ctx: Context, keepers, job_id: int) -> Job:
    job = keepers.inference.get_job(ctx.store, job_id)
    if job is None:
        raise ErrInvalidRequest(f"job {job_id} does not exist")
    return job


def _status_name(status: int) -> str:
    return JobStatus.Name(status)


# --- MsgValidateInference ----------------------------------------------------------------------


def validate_check(msg: MsgValidateInference) -> None:
    parse_address(msg.worker, "worker")
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be >= 1")
    if msg.verdict not in (VERDICT_VALID, VERDICT_INVALID):
        raise ErrInvalidRequest(f"verdict must be VALID or INVALID, got {msg.verdict}")


def handle_check(ctx: Context, keepers, msg: MsgValidateInference) -> None:
    """Record a spot check (COMPLETED job) or a re-verification vote (REVERIFYING job)."""
    operator, host = worker_host(ctx, keepers, msg.worker)
    job = _job(ctx, keepers, msg.job_id)
    if job.executor and decode_address(job.executor) == operator:
        raise ErrUnauthorized(f"host {host.operator} executed job {job.id} and cannot check its own job")
    if any(check.validator == host.operator for check in job.checks):
        raise ErrInvalidRequest(f"host {host.operator} already checked job {job.id}")
    check = JobCheck(validator=host.operator, verdict=msg.verdict, height=ctx.block.height,
                     max_logprob_diff_micro=msg.max_logprob_diff_micro, mismatched_tokens=msg.mismatched_tokens)
    if job.status == JOB_STATUS_COMPLETED:
        _spot_check(ctx, keepers, job, check)
    elif job.status == JOB_STATUS_REVERIFYING:
        _vote(ctx, keepers, job, check, operator)
    else:
        raise ErrInvalidRequest(f"job {job.id} is {_status_name(job.status)}; only COMPLETED or REVERIFYING jobs "
                                "can be checked")


def _spot_check(ctx: Context, keepers, job: Job, check: JobCheck) -> None:
    last = bounds(keepers.sprint.get_params(ctx.store), job.audit_epoch).validation_end
    if ctx.block.height > last:
        raise ErrInvalidRequest(f"late: spot checks of job {job.id} (audit epoch {job.audit_epoch}) were accepted "
                                f"until block {last}, this is block {ctx.block.height}")
    check.draw = DRAW_PROOF_PENDING
    job.checks.append(check)
    _emit_check(ctx, job, check, "spot_check")
    if check.verdict == VERDICT_INVALID and not job.HasField("reverification"):
        reverification.open_reverification(ctx, keepers, job, check.validator, user_report=False)
    else:
        keepers.inference.set_job(ctx.store, job)


def _vote(ctx: Context, keepers, job: Job, check: JobCheck, operator: bytes) -> None:
    weight = reverification.voter_weight(ctx.store, keepers.inference.verification, job, operator)
    if weight == 0:
        raise ErrUnauthorized(f"host {check.validator} is not among the eligible voters of job {job.id}'s "
                              "re-verification")
    check.draw = DRAW_PROOF_REVERIFY
    job.checks.append(check)
    if check.verdict == VERDICT_VALID:
        job.reverification.valid_weight += weight
    else:
        job.reverification.invalid_weight += weight
    _emit_check(ctx, job, check, "reverify_vote")
    reverification.tally(ctx, keepers, job)


def _emit_check(ctx: Context, job: Job, check: JobCheck, kind: str) -> None:
    ctx.emit("inference_check", ("job_id", str(job.id)), ("validator", check.validator), ("kind", kind),
             ("verdict", "valid" if check.verdict == VERDICT_VALID else "invalid"),
             ("max_logprob_diff_micro", str(check.max_logprob_diff_micro)),
             ("mismatched_tokens", str(check.mismatched_tokens)))


# --- MsgReportInference ------------------------------------------------------------------------


def requester_signers(msg: MsgReportInference) -> list[bytes]:
    return [parse_address(msg.requester, "requester")]


def validate_report(msg: MsgReportInference) -> None:
    parse_address(msg.requester, "requester")
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be >= 1")
    if len(msg.reason.encode()) > MAX_REASON_BYTES:
        raise ErrInvalidRequest(f"reason is at most {MAX_REASON_BYTES} bytes, got {len(msg.reason.encode())}")


def handle_report(ctx: Context, keepers, msg: MsgReportInference) -> None:
    """The requester pays report_fee into the escrow and the job's result is re-verified."""
    job = _job(ctx, keepers, msg.job_id)
    if parse_address(msg.requester, "requester") != decode_address(job.requester):
        raise ErrUnauthorized(f"only the requester of job {job.id} ({job.requester}) can report it")
    if job.status != JOB_STATUS_COMPLETED:
        raise ErrInvalidRequest(f"job {job.id} is {_status_name(job.status)}; only a COMPLETED job that is not "
                                "settled yet can be reported")
    if job.HasField("reverification"):
        raise ErrInvalidRequest(f"job {job.id} was already re-verified (outcome "
                                f"{reverification.OUTCOME_NAMES.get(job.reverification.outcome, 'open')})")
    params = keepers.inference.get_params(ctx.store)
    keepers.bank.send(ctx, decode_address(job.requester), module_address(keys.MODULE_NAME),
                      [(params.fee_denom, params.report_fee)])
    job.reporter = msg.requester
    ctx.emit("inference_report", ("job_id", str(job.id)), ("reporter", msg.requester),
             ("fee", f"{params.report_fee}{params.fee_denom}"), ("reason", msg.reason))
    reverification.open_reverification(ctx, keepers, job, msg.requester, user_report=True)


# --- end of block ------------------------------------------------------------------------------


def verification_end_block(ctx: Context, keepers) -> None:
    """Every block, after the jobs part: the epoch's audit snapshot (first block, or whenever it is
    missing) and its seed, re-verification deadlines, and at the epoch's last block its settlement."""
    params = keepers.sprint.get_params(ctx.store)
    height = ctx.block.height
    b = bounds(params, epoch_number(params, height))
    settlement.ensure_audit(ctx, keepers, b.number)
    settlement.fill_seed(ctx, keepers, b.number)
    reverification.close_due(ctx, keepers)
    if height == b.end:
        settlement.settle(ctx, keepers, b.number)


# --- Audit query -------------------------------------------------------------------------------


def audit(store, keepers, request: query_pb2.QueryAuditRequest) -> query_pb2.QueryAuditResponse:
    """An epoch's EpochAudit (NOT_FOUND before its first block) and its hosts' secrets."""
    record = keepers.inference.verification.get_audit(store, request.epoch)
    if record is None:
        raise not_found(f"epoch {request.epoch} has no audit snapshot (it has not started)")
    return query_pb2.QueryAuditResponse(audit=record, secrets=[s for _, s in keepers.inference.verification.secrets(store, request.epoch)])


AUDIT_METHODS = [QueryMethod("/sprint.inference.v1.Query/Audit", query_pb2.QueryAuditRequest, audit)]
