"""inference store layout: one-byte prefixes 0x50-0x5f (global across modules), integers 8-byte
big-endian, addresses 20 raw bytes.

| key | value |
|---|---|
| 0x50 | sprint.inference.v1.Params |
| 0x51 name(utf-8) | sprint.inference.v1.Model |
| 0x52 u64 id | sprint.inference.v1.Job |
| 0x53 | next job id, u64 |
| 0x54 executor(20), u32 status, u64 id | empty: jobs by executor and status |
| 0x55 u64 id | empty: jobs submitted in the current block, waiting for the executor draw |
| 0x56 u64 deadline, u64 id | empty: PENDING jobs by deadline height (expiry) |
| 0x57 u64 audit_epoch, u64 id | empty: COMPLETED jobs to settle |
| 0x58 u64 epoch, operator(20) | sprint.inference.v1.ValidationSecret (commitment, then the secret) |
| 0x59 u64 epoch | sprint.inference.v1.EpochAudit |
| 0x5a u64 deadline, u64 job id | eligible voters fixed at opening: (operator(20), u64 weight)* |
| 0x5b u64 epoch, executor(20), u64 job id | empty: confirmed fraud of `executor` in `epoch` |
| 0x5c requester(20), u64 id | empty: jobs by requester |
| 0x5d | unused (request counts live in reputation) |
| 0x5e u64 epoch, operator(20) | u64 jobs_completed, u64 jobs_expired of its reputation record when `epoch` began |

This file is the only place that defines an inference prefix or splits an inference key.
"""

from __future__ import annotations

MODULE_NAME = "inference"

PARAMS_KEY = b"\x50"
MODEL_PREFIX = b"\x51"
JOB_PREFIX = b"\x52"
NEXT_JOB_ID_KEY = b"\x53"
EXECUTOR_INDEX_PREFIX = b"\x54"
NEW_JOBS_PREFIX = b"\x55"
DEADLINE_INDEX_PREFIX = b"\x56"
AUDIT_INDEX_PREFIX = b"\x57"
SECRET_PREFIX = b"\x58"
EPOCH_AUDIT_PREFIX = b"\x59"
REVERIFY_INDEX_PREFIX = b"\x5a"
FRAUD_PREFIX = b"\x5b"
REQUESTER_INDEX_PREFIX = b"\x5c"
JOB_BASELINE_PREFIX = b"\x5e"

PREFIXES = (PARAMS_KEY, MODEL_PREFIX, JOB_PREFIX, NEXT_JOB_ID_KEY, EXECUTOR_INDEX_PREFIX, NEW_JOBS_PREFIX,
            DEADLINE_INDEX_PREFIX, AUDIT_INDEX_PREFIX, SECRET_PREFIX, EPOCH_AUDIT_PREFIX, REVERIFY_INDEX_PREFIX,
            FRAUD_PREFIX, REQUESTER_INDEX_PREFIX, JOB_BASELINE_PREFIX)

ADDRESS_LENGTH = 20


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def read_u64(raw: bytes | None) -> int:
    return int.from_bytes(raw, "big") if raw else 0


def model_key(name: str) -> bytes:
    return MODEL_PREFIX + name.encode()


def job_key(job_id: int) -> bytes:
    return JOB_PREFIX + u64(job_id)


def executor_prefix(executor: bytes, status: int | None = None) -> bytes:
    prefix = EXECUTOR_INDEX_PREFIX + executor
    return prefix if status is None else prefix + status.to_bytes(4, "big")


def executor_key(executor: bytes, status: int, job_id: int) -> bytes:
    return executor_prefix(executor, status) + u64(job_id)


def new_job_key(job_id: int) -> bytes:
    return NEW_JOBS_PREFIX + u64(job_id)


def deadline_key(deadline: int, job_id: int) -> bytes:
    return DEADLINE_INDEX_PREFIX + u64(deadline) + u64(job_id)


def audit_prefix(epoch: int) -> bytes:
    return AUDIT_INDEX_PREFIX + u64(epoch)


def audit_key(epoch: int, job_id: int) -> bytes:
    return audit_prefix(epoch) + u64(job_id)


def requester_prefix(requester: bytes) -> bytes:
    return REQUESTER_INDEX_PREFIX + requester


def requester_key(requester: bytes, job_id: int) -> bytes:
    return requester_prefix(requester) + u64(job_id)


def id_suffix(key: bytes) -> int:
    """The job id that ends an index key (executor, requester, new-job, audit and deadline keys)."""
    return read_u64(key[-8:])


def split_job_key(key: bytes) -> int:
    """The job id of a job key."""
    return read_u64(key[len(JOB_PREFIX):])


def split_height_id_key(key: bytes) -> tuple[int, int]:
    """(height or epoch, job id) of a deadline, audit-index or re-verification key."""
    body = key[1:]
    return read_u64(body[:8]), read_u64(body[8:16])


# --- verification state (0x58-0x5b, 0x5e) -------------------------------------------------------

def secrets_prefix(epoch: int) -> bytes:
    return SECRET_PREFIX + u64(epoch)


def secret_key(epoch: int, operator: bytes) -> bytes:
    return secrets_prefix(epoch) + operator


def split_secret_key(key: bytes) -> bytes:
    """The operator of a validation-secret key."""
    return key[len(SECRET_PREFIX) + 8:]


def epoch_audit_key(epoch: int) -> bytes:
    return EPOCH_AUDIT_PREFIX + u64(epoch)


def reverify_key(deadline: int, job_id: int) -> bytes:
    return REVERIFY_INDEX_PREFIX + u64(deadline) + u64(job_id)


def frauds_prefix(epoch: int) -> bytes:
    return FRAUD_PREFIX + u64(epoch)


def fraud_key(epoch: int, executor: bytes, job_id: int) -> bytes:
    return frauds_prefix(epoch) + executor + u64(job_id)


def split_fraud_key(key: bytes) -> tuple[bytes, int]:
    """(executor, job id) of a fraud key."""
    body = key[len(FRAUD_PREFIX) + 8:]
    return body[:ADDRESS_LENGTH], read_u64(body[ADDRESS_LENGTH:])


def baselines_prefix(epoch: int) -> bytes:
    return JOB_BASELINE_PREFIX + u64(epoch)


def baseline_key(epoch: int, operator: bytes) -> bytes:
    return baselines_prefix(epoch) + operator


def split_baseline_key(key: bytes) -> bytes:
    """The operator of a job-baseline key."""
    return key[len(JOB_BASELINE_PREFIX) + 8:]
