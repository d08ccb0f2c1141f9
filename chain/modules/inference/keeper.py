"""InferenceKeeper: the only code that touches the inference prefixes 0x50-0x5f (see keys.py).

Jobs carry four indices. `set_job` keeps three of them in step with the job's fields:
executor|status|id (when an executor is drawn), requester|id, and deadline|id while the job is
PENDING. The audit index (audit_epoch|id, jobs waiting for settlement) is explicit: `add_audit` /
`remove_audit`, because settlement may defer a job to a later epoch without changing the job.
Verification state (secrets, epoch audits, re-verification deadlines, frauds, job baselines) is
`InferenceKeeper.verification` (verification_store.py).
"""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import JOB_STATUS_PENDING, Job, Model, Params

from chain.modules.inference import keys
from chain.modules.inference.params import default_params
from chain.modules.inference.verification_store import VerificationStore
from chain.tx.crypto import AddressError, decode_address


def _address_or_none(text: str) -> bytes | None:
    if not text:
        return None
    try:
        return decode_address(text)
    except AddressError:
        return None


class InferenceKeeper:
    """Params, models, jobs and their indices, the next job id and the per-block draw queue;
    `verification` keeps the verification state (verification_store.py)."""

    def __init__(self) -> None:
        self.verification = VerificationStore()

    # --- params --------------------------------------------------------------------------------

    def get_params(self, store) -> Params:
        """Stored params (the defaults for a store initialised before inference existed)."""
        raw = store.get(keys.PARAMS_KEY)
        return Params.FromString(raw) if raw is not None else default_params()

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())

    # --- models --------------------------------------------------------------------------------

    def get_model(self, store, name: str) -> Model | None:
        raw = store.get(keys.model_key(name))
        return Model.FromString(raw) if raw is not None else None

    def set_model(self, store, model: Model) -> None:
        store.set(keys.model_key(model.name), model.SerializeToString())

    def models(self, store) -> list[Model]:
        """Every registered model, ascending by name (byte order of the UTF-8 name)."""
        return [Model.FromString(raw) for _, raw in store.iterate(keys.MODEL_PREFIX)]

    # --- job ids -------------------------------------------------------------------------------

    def next_job_id(self, store) -> int:
        """The id the next submitted job gets (ids start at 1)."""
        return max(1, keys.read_u64(store.get(keys.NEXT_JOB_ID_KEY)))

    def set_next_job_id(self, store, value: int) -> None:
        store.set(keys.NEXT_JOB_ID_KEY, keys.u64(value))

    def allocate_job_id(self, store) -> int:
        job_id = self.next_job_id(store)
        self.set_next_job_id(store, job_id + 1)
        return job_id

    # --- jobs ----------------------------------------------------------------------------------

    def get_job(self, store, job_id: int) -> Job | None:
        raw = store.get(keys.job_key(job_id))
        return Job.FromString(raw) if raw is not None else None

    def set_job(self, store, job: Job) -> None:
        """Store a job and update its executor, requester and deadline indices."""
        previous = self.get_job(store, job.id)
        if previous is not None:
            self._unindex(store, previous)
        store.set(keys.job_key(job.id), job.SerializeToString())
        self._index(store, job)

    def _index(self, store, job: Job) -> None:
        executor = _address_or_none(job.executor)
        if executor is not None:
            store.set(keys.executor_key(executor, job.status, job.id), b"")
        requester = _address_or_none(job.requester)
        if requester is not None:
            store.set(keys.requester_key(requester, job.id), b"")
        if job.status == JOB_STATUS_PENDING:
            store.set(keys.deadline_key(job.deadline_height, job.id), b"")

    def _unindex(self, store, job: Job) -> None:
        executor = _address_or_none(job.executor)
        if executor is not None:
            store.delete(keys.executor_key(executor, job.status, job.id))
        requester = _address_or_none(job.requester)
        if requester is not None:
            store.delete(keys.requester_key(requester, job.id))
        if job.status == JOB_STATUS_PENDING:
            store.delete(keys.deadline_key(job.deadline_height, job.id))

    def iterate_jobs(self, store, start_after: int = 0):
        """Jobs in ascending id order (ids > start_after)."""
        for key, raw in store.iterate(keys.JOB_PREFIX):
            if keys.split_job_key(key) > start_after:
                yield Job.FromString(raw)

    def jobs_by_executor(self, store, executor: bytes, status: int | None = None) -> list[int]:
        """Job ids drawn to `executor` (optionally with one status), ascending by (status, id)."""
        prefix = keys.executor_prefix(executor, status)
        return [keys.id_suffix(key) for key, _ in store.iterate(prefix)]

    def jobs_by_requester(self, store, requester: bytes) -> list[int]:
        prefix = keys.requester_prefix(requester)
        return [keys.id_suffix(key) for key, _ in store.iterate(prefix)]

    def expiring(self, store, height: int) -> list[int]:
        """Ids of PENDING jobs whose deadline is at or below `height`, ascending by (deadline, id)."""
        ids = []
        for key, _ in store.iterate(keys.DEADLINE_INDEX_PREFIX):
            deadline, job_id = keys.split_height_id_key(key)
            if deadline > height:
                break
            ids.append(job_id)
        return ids

    # --- the executor-draw queue ---------------------------------------------------------------

    def queue_new_job(self, store, job_id: int) -> None:
        store.set(keys.new_job_key(job_id), b"")

    def take_new_jobs(self, store) -> list[int]:
        """Ids queued in this block (ascending), removing them from the queue."""
        ids = [keys.id_suffix(key) for key, _ in store.iterate(keys.NEW_JOBS_PREFIX)]
        for job_id in ids:
            store.delete(keys.new_job_key(job_id))
        return ids

    # --- the audit index (jobs to settle) ------------------------------------------------------

    def add_audit(self, store, epoch: int, job_id: int) -> None:
        store.set(keys.audit_key(epoch, job_id), b"")

    def remove_audit(self, store, epoch: int, job_id: int) -> None:
        store.delete(keys.audit_key(epoch, job_id))

    def audit_jobs(self, store, epoch: int) -> list[int]:
        """Job ids indexed under audit epoch `epoch`, ascending."""
        prefix = keys.audit_prefix(epoch)
        return [keys.id_suffix(key) for key, _ in store.iterate(prefix)]

    def audit_jobs_up_to(self, store, epoch: int) -> list[tuple[int, int]]:
        """(audit epoch, job id) of every indexed job with audit epoch <= `epoch`, ascending."""
        rows = []
        for key, _ in store.iterate(keys.AUDIT_INDEX_PREFIX):
            audit_epoch, job_id = keys.split_height_id_key(key)
            if audit_epoch > epoch:
                break
            rows.append((audit_epoch, job_id))
        return rows
