"""TrainingKeeper: the only code that touches the training prefixes 0x80-0x8f (see keys.py).

`set_job` keeps every job index in step with the job's fields: status|id, host|id (current prover),
submitter|id, deadline|id (QUEUED: queue expiry, TRAINING: segment deadline, both in
`segment_deadline`) and the output-name reservation (jobs not COMPLETED or FAILED). Maintenance
windows, their per-epoch counts and the unavailability counters are explicit records.

A job's `segments_log` keeps every segment ever committed, VOIDED and FRAUD ones included (history
for queries). The *live* segment of an index is the last entry with that index that is neither
VOIDED nor FRAUD (`live_segment`); the live segments are always indices 0..k-1 in order.
"""

from __future__ import annotations

from typing import Iterator

from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_FRAUD, SEGMENT_STATUS_VOIDED, TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING,
    TRAINING_JOB_STATUS_VERIFYING, Maintenance, Params, Segment, TrainingJob,
)

from chain.modules.training import keys
from chain.modules.training.cost import segment_layout
from chain.modules.training.params import default_params
from chain.tx.crypto import AddressError, decode_address, encode_address

OPEN_STATUSES = (TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING, TRAINING_JOB_STATUS_VERIFYING)
ACTIVE_STATUSES = (TRAINING_JOB_STATUS_TRAINING, TRAINING_JOB_STATUS_VERIFYING)
DEADLINE_STATUSES = (TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING)
DEAD_SEGMENT_STATUSES = (SEGMENT_STATUS_VOIDED, SEGMENT_STATUS_FRAUD)


def _address_or_none(text: str) -> bytes | None:
    if not text:
        return None
    try:
        return decode_address(text)
    except AddressError:
        return None


def live_segments(job: TrainingJob) -> list[Segment]:
    """The job's live segments (neither VOIDED nor FRAUD), in index order 0..k-1."""
    return [segment for segment in job.segments_log if segment.status not in DEAD_SEGMENT_STATUSES]


def live_segment(job: TrainingJob, index: int) -> Segment | None:
    """The live segment with `index` (a reference into job.segments_log: edits change the job)."""
    for segment in reversed(job.segments_log):
        if segment.index == index and segment.status not in DEAD_SEGMENT_STATUSES:
            return segment
    return None


def job_layout(job: TrainingJob) -> list[tuple[int, int]]:
    """[(first interval, interval count)] of every segment of the job (its own intervals_per_segment)."""
    return segment_layout(job.intervals, job.intervals_per_segment)


def next_segment_index(job: TrainingJob) -> int:
    """The index the prover commits next: the number of live segments."""
    return len(live_segments(job))


class TrainingKeeper:
    """Params, jobs and their indices, the next job id, maintenance windows and unavailability."""

    # --- params --------------------------------------------------------------------------------

    def get_params(self, store) -> Params:
        """Stored params (the defaults for a store initialised before training existed)."""
        raw = store.get(keys.PARAMS_KEY)
        return Params.FromString(raw) if raw is not None else default_params()

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())

    # --- job ids -------------------------------------------------------------------------------

    def next_job_id(self, store) -> int:
        """The id the next submitted job gets (ids start at 1)."""
        return max(1, keys.read_int(store.get(keys.NEXT_JOB_ID_KEY)))

    def set_next_job_id(self, store, value: int) -> None:
        store.set(keys.NEXT_JOB_ID_KEY, keys.u64(value))

    def allocate_job_id(self, store) -> int:
        job_id = self.next_job_id(store)
        self.set_next_job_id(store, job_id + 1)
        return job_id

    # --- jobs ----------------------------------------------------------------------------------

    def get_job(self, store, job_id: int) -> TrainingJob | None:
        raw = store.get(keys.job_key(job_id))
        return TrainingJob.FromString(raw) if raw is not None else None

    def set_job(self, store, job: TrainingJob) -> None:
        """Store a job and update its status, host, submitter, deadline and output-name indices."""
        previous = self.get_job(store, job.id)
        if previous is not None:
            self._unindex(store, previous)
        store.set(keys.job_key(job.id), job.SerializeToString())
        self._index(store, job)

    def _index(self, store, job: TrainingJob) -> None:
        store.set(keys.status_key(job.status, job.id), b"")
        host = _address_or_none(job.host)
        if host is not None:
            store.set(keys.host_key(host, job.id), b"")
        submitter = _address_or_none(job.submitter)
        if submitter is not None:
            store.set(keys.submitter_key(submitter, job.id), b"")
        if job.status in DEADLINE_STATUSES:
            store.set(keys.deadline_key(job.segment_deadline, job.id), b"")
        if job.status in OPEN_STATUSES and job.output_model:
            store.set(keys.output_name_key(job.output_model), keys.u64(job.id))

    def _unindex(self, store, job: TrainingJob) -> None:
        store.delete(keys.status_key(job.status, job.id))
        host = _address_or_none(job.host)
        if host is not None:
            store.delete(keys.host_key(host, job.id))
        submitter = _address_or_none(job.submitter)
        if submitter is not None:
            store.delete(keys.submitter_key(submitter, job.id))
        if job.status in DEADLINE_STATUSES:
            store.delete(keys.deadline_key(job.segment_deadline, job.id))
        if job.status in OPEN_STATUSES and self.output_reserved_by(store, job.output_model) == job.id:
            store.delete(keys.output_name_key(job.output_model))

    def iterate_jobs(self, store, start_after: int = 0, status: int | None = None, host: bytes | None = None,
                     submitter: bytes | None = None) -> Iterator[TrainingJob]:
        """Jobs with id > start_after in ascending id order, filtered (AND) by status, current prover
        and submitter; an address filter or a status walks its index instead of every job."""
        if host is not None or submitter is not None or status is not None:
            if host is not None:
                ids = self.jobs_by_host(store, host)
            elif submitter is not None:
                ids = self.jobs_by_submitter(store, submitter)
            else:
                ids = self.jobs_by_status(store, status)
            for job_id in ids:
                job = self.get_job(store, job_id) if job_id > start_after else None
                if job is not None and self._matches(job, status, host, submitter):
                    yield job
            return
        for key, raw in store.iterate(keys.JOB_PREFIX):
            if keys.split_job_key(key) > start_after:
                yield TrainingJob.FromString(raw)

    @staticmethod
    def _matches(job: TrainingJob, status: int | None, host: bytes | None, submitter: bytes | None) -> bool:
        if status is not None and job.status != status:
            return False
        if host is not None and job.host != encode_address(host):
            return False
        return submitter is None or job.submitter == encode_address(submitter)

    def jobs_by_status(self, store, status: int) -> list[int]:
        """Ids of the jobs with `status`, ascending."""
        return [keys.id_suffix(key) for key, _ in store.iterate(keys.status_prefix(status))]

    def count_status(self, store, status: int, limit: int) -> int:
        """How many jobs have `status`, counting at most `limit` (a bound on the work)."""
        count = 0
        for _ in store.iterate(keys.status_prefix(status)):
            count += 1
            if count >= limit:
                break
        return count

    def active_job_ids(self, store) -> list[int]:
        """Ids of the TRAINING or VERIFYING jobs, ascending."""
        return sorted(self.jobs_by_status(store, TRAINING_JOB_STATUS_TRAINING) +
                      self.jobs_by_status(store, TRAINING_JOB_STATUS_VERIFYING))

    def jobs_by_host(self, store, host: bytes) -> list[int]:
        """Ids of the jobs whose current prover is `host` (any status), ascending."""
        return [keys.id_suffix(key) for key, _ in store.iterate(keys.host_prefix(host))]

    def jobs_by_submitter(self, store, submitter: bytes) -> list[int]:
        return [keys.id_suffix(key) for key, _ in store.iterate(keys.submitter_prefix(submitter))]

    def due_jobs(self, store, height: int) -> list[int]:
        """Ids of QUEUED or TRAINING jobs whose segment_deadline is <= height, by (deadline, id)."""
        ids = []
        for key, _ in store.iterate(keys.DEADLINE_INDEX_PREFIX):
            deadline, job_id = keys.split_deadline_key(key)
            if deadline > height:
                break
            ids.append(job_id)
        return ids

    def output_reserved_by(self, store, name: str) -> int | None:
        """Id of the open job (not COMPLETED or FAILED) whose output model is `name`, if any."""
        raw = store.get(keys.output_name_key(name)) if name else None
        return keys.read_int(raw) if raw is not None else None

    # --- maintenance ---------------------------------------------------------------------------

    def add_maintenance(self, store, host: bytes, window: Maintenance, epoch: int | None) -> None:
        """Record a window of `host` and count it in `epoch` (the epoch of its start; None: not
        counted, a window restored from genesis)."""
        store.set(keys.maintenance_key(host, window.start_height, window.end_height), window.SerializeToString())
        store.set(keys.maintenance_end_key(window.end_height, host, window.start_height), b"")
        if epoch is None:
            return
        count_key = keys.maintenance_count_key(host, epoch)
        store.set(count_key, keys.u32(keys.read_int(store.get(count_key)) + 1))

    def maintenance_count(self, store, host: bytes, epoch: int) -> int:
        return keys.read_int(store.get(keys.maintenance_count_key(host, epoch)))

    def maintenance_windows(self, store, host: bytes | None = None) -> list[Maintenance]:
        """Windows not yet pruned, of one host (by start) or of all hosts (by host, then start)."""
        prefix = keys.maintenance_prefix(host) if host is not None else keys.MAINTENANCE_PREFIX
        return [Maintenance.FromString(raw) for _, raw in store.iterate(prefix)]

    def in_maintenance(self, store, host: bytes, height: int) -> bool:
        """True when one of the host's windows contains `height` (start <= height <= end)."""
        return any(w.start_height <= height <= w.end_height for w in self.maintenance_windows(store, host))

    def prune_maintenance(self, store, height: int) -> None:
        """Delete the windows that ended before `height`."""
        due = []
        for key, _ in store.iterate(keys.MAINTENANCE_END_PREFIX):
            end, host, start = keys.split_maintenance_end_key(key)
            if end >= height:
                break
            due.append((end, host, start))
        for end, host, start in due:
            store.delete(keys.maintenance_end_key(end, host, start))
            store.delete(keys.maintenance_key(host, start, end))

    # --- unavailability (U) --------------------------------------------------------------------

    def unavailable(self, store, host: bytes) -> int:
        """Missed segment deadlines of `host` since its last lock-up extension."""
        return keys.read_int(store.get(keys.unavailable_key(host)))

    def set_unavailable(self, store, host: bytes, count: int) -> None:
        if count == 0:
            store.delete(keys.unavailable_key(host))
        else:
            store.set(keys.unavailable_key(host), keys.u32(count))

    def iterate_unavailable(self, store) -> Iterator[tuple[bytes, int]]:
        """(host, U) for every host with U > 0, ascending host bytes."""
        for key, raw in store.iterate(keys.UNAVAILABLE_PREFIX):
            yield keys.split_unavailable_key(key), keys.read_int(raw)
