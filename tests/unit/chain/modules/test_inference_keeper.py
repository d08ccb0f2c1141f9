"""InferenceKeeper: job ids, the per-block draw queue and the indices set_job keeps in step."""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import (
    JOB_STATUS_COMPLETED, JOB_STATUS_EXPIRED, JOB_STATUS_PENDING, Job, Model,
)

from chain.modules.inference.keeper import InferenceKeeper
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from chain.tx.crypto import encode_address

USER, EXEC_A, EXEC_B = b"\x01" * 20, b"\x02" * 20, b"\x03" * 20


def setup():
    return CacheStore(MemoryDB()), InferenceKeeper()


def job(job_id: int, **fields) -> Job:
    return Job(id=job_id, requester=encode_address(USER), model="m", status=JOB_STATUS_PENDING,
               deadline_height=10 + job_id, **fields)


def test_ids_start_at_one_and_increase():
    store, keeper = setup()
    assert [keeper.allocate_job_id(store) for _ in range(3)] == [1, 2, 3]
    assert keeper.next_job_id(store) == 4


def test_draw_queue_is_taken_once_in_id_order():
    store, keeper = setup()
    for job_id in (5, 2, 9):
        keeper.queue_new_job(store, job_id)
    assert keeper.take_new_jobs(store) == [2, 5, 9]
    assert keeper.take_new_jobs(store) == []


def test_indices_follow_status_and_executor():
    store, keeper = setup()
    keeper.set_job(store, job(1))
    keeper.set_job(store, job(2))
    assert keeper.expiring(store, 11) == [1] and keeper.expiring(store, 100) == [1, 2]
    assert keeper.jobs_by_requester(store, USER) == [1, 2]
    assert keeper.jobs_by_executor(store, EXEC_A) == []
    first = keeper.get_job(store, 1)
    first.executor = encode_address(EXEC_A)
    keeper.set_job(store, first)
    assert keeper.jobs_by_executor(store, EXEC_A, JOB_STATUS_PENDING) == [1]
    first.status = JOB_STATUS_COMPLETED
    keeper.set_job(store, first)
    assert keeper.jobs_by_executor(store, EXEC_A, JOB_STATUS_PENDING) == []
    assert keeper.jobs_by_executor(store, EXEC_A, JOB_STATUS_COMPLETED) == [1]
    assert keeper.expiring(store, 100) == [2]
    second = keeper.get_job(store, 2)
    second.executor, second.status = encode_address(EXEC_B), JOB_STATUS_EXPIRED
    keeper.set_job(store, second)
    assert keeper.expiring(store, 100) == []
    assert keeper.jobs_by_executor(store, EXEC_B) == [2]
    assert [j.id for j in keeper.iterate_jobs(store)] == [1, 2]
    assert [j.id for j in keeper.iterate_jobs(store, start_after=1)] == [2]


def test_audit_index_is_explicit():
    store, keeper = setup()
    keeper.add_audit(store, 3, 7)
    keeper.add_audit(store, 1, 9)
    keeper.add_audit(store, 3, 2)
    assert keeper.audit_jobs(store, 3) == [2, 7]
    assert keeper.audit_jobs_up_to(store, 2) == [(1, 9)]
    assert keeper.audit_jobs_up_to(store, 3) == [(1, 9), (3, 2), (3, 7)]
    keeper.remove_audit(store, 3, 2)
    assert keeper.audit_jobs(store, 3) == [7]


def test_models_sorted_by_name():
    store, keeper = setup()
    for name in ("zeta", "alpha", "mid"):
        keeper.set_model(store, Model(name=name, price_per_token=1))
    assert [m.name for m in keeper.models(store)] == ["alpha", "mid", "zeta"]
    assert keeper.get_model(store, "mid").price_per_token == 1
    assert keeper.get_model(store, "nope") is None
