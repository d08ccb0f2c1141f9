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
| 0x58-0x5b | verification (validation secrets, epoch audits, re-verification deadlines, frauds) |
| 0x5c requester(20), u64 id | empty: jobs by requester |
| 0x5d | unused (request counts live in reputation) |
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
