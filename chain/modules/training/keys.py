"""training store layout: one-byte prefixes 0x80-0x8f (global across modules), integers big-endian
(heights, ids and epochs 8 bytes, statuses 4 bytes), addresses 20 raw bytes.

| key | value |
|---|---|
| 0x80 | sprint.training.v1.Params |
| 0x81 u64 id | sprint.training.v1.TrainingJob |
| 0x82 | next job id, u64 |
| 0x83 u32 status, u64 id | empty: jobs by status (QUEUED for the scheduler, TRAINING/VERIFYING active) |
| 0x84 host(20), u64 id | empty: jobs by their current prover |
| 0x85 submitter(20), u64 id | empty: jobs by submitter |
| 0x86 u64 deadline, u64 id | empty: QUEUED jobs by queue expiry, TRAINING jobs by segment deadline |
| 0x87 name(utf-8) | u64 job id: output model names reserved by jobs not yet COMPLETED or FAILED |
| 0x88 host(20), u64 start, u64 end | sprint.training.v1.Maintenance |
| 0x89 u64 end, host(20), u64 start | empty: maintenance windows by end height (pruning) |
| 0x8a host(20) | u32: missed segment deadlines U since the last lock-up extension |
| 0x8b host(20), u64 epoch | u32: maintenance windows announced starting in that epoch |

This file is the only place that defines a training prefix or splits a training key.
"""

from __future__ import annotations

MODULE_NAME = "training"  # bank module account holding every job's escrowed budget

PARAMS_KEY = b"\x80"
JOB_PREFIX = b"\x81"
NEXT_JOB_ID_KEY = b"\x82"
STATUS_INDEX_PREFIX = b"\x83"
HOST_INDEX_PREFIX = b"\x84"
SUBMITTER_INDEX_PREFIX = b"\x85"
DEADLINE_INDEX_PREFIX = b"\x86"
OUTPUT_NAME_PREFIX = b"\x87"
MAINTENANCE_PREFIX = b"\x88"
MAINTENANCE_END_PREFIX = b"\x89"
UNAVAILABLE_PREFIX = b"\x8a"
MAINTENANCE_COUNT_PREFIX = b"\x8b"

PREFIXES = (PARAMS_KEY, JOB_PREFIX, NEXT_JOB_ID_KEY, STATUS_INDEX_PREFIX, HOST_INDEX_PREFIX,
            SUBMITTER_INDEX_PREFIX, DEADLINE_INDEX_PREFIX, OUTPUT_NAME_PREFIX, MAINTENANCE_PREFIX,
            MAINTENANCE_END_PREFIX, UNAVAILABLE_PREFIX, MAINTENANCE_COUNT_PREFIX)

ADDRESS_LENGTH = 20


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def read_int(raw: bytes | None) -> int:
    return int.from_bytes(raw, "big") if raw else 0


def job_key(job_id: int) -> bytes:
    return JOB_PREFIX + u64(job_id)


def split_job_key(key: bytes) -> int:
    return read_int(key[len(JOB_PREFIX):])


def status_prefix(status: int) -> bytes:
    return STATUS_INDEX_PREFIX + u32(status)


def status_key(status: int, job_id: int) -> bytes:
    return status_prefix(status) + u64(job_id)


def host_prefix(host: bytes) -> bytes:
    return HOST_INDEX_PREFIX + host


def host_key(host: bytes, job_id: int) -> bytes:
    return host_prefix(host) + u64(job_id)


def submitter_prefix(submitter: bytes) -> bytes:
    return SUBMITTER_INDEX_PREFIX + submitter


def submitter_key(submitter: bytes, job_id: int) -> bytes:
    return submitter_prefix(submitter) + u64(job_id)


def deadline_key(deadline: int, job_id: int) -> bytes:
    return DEADLINE_INDEX_PREFIX + u64(deadline) + u64(job_id)


def split_deadline_key(key: bytes) -> tuple[int, int]:
    """(deadline height, job id) of a deadline-index key."""
    body = key[len(DEADLINE_INDEX_PREFIX):]
    return read_int(body[:8]), read_int(body[8:16])


def id_suffix(key: bytes) -> int:
    """The job id that ends an index key (status, host, submitter keys)."""
    return read_int(key[-8:])


def output_name_key(name: str) -> bytes:
    return OUTPUT_NAME_PREFIX + name.encode()


def maintenance_prefix(host: bytes) -> bytes:
    return MAINTENANCE_PREFIX + host


def maintenance_key(host: bytes, start: int, end: int) -> bytes:
    return maintenance_prefix(host) + u64(start) + u64(end)


def maintenance_end_key(end: int, host: bytes, start: int) -> bytes:
    return MAINTENANCE_END_PREFIX + u64(end) + host + u64(start)


def split_maintenance_end_key(key: bytes) -> tuple[int, bytes, int]:
    """(end height, host, start height) of a maintenance end-index key."""
    body = key[len(MAINTENANCE_END_PREFIX):]
    return read_int(body[:8]), body[8:8 + ADDRESS_LENGTH], read_int(body[8 + ADDRESS_LENGTH:])


def unavailable_key(host: bytes) -> bytes:
    return UNAVAILABLE_PREFIX + host


def split_unavailable_key(key: bytes) -> bytes:
    return key[len(UNAVAILABLE_PREFIX):]


def maintenance_count_key(host: bytes, epoch: int) -> bytes:
    return MAINTENANCE_COUNT_PREFIX + host + u64(epoch)
