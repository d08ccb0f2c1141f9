"""training genesis: app_state["training"] = {"params": Params, "jobs": [TrainingJob], "next_job_id": "N",
"maintenance": [Maintenance], "unavailable": [HostUnavailability]} as proto JSON (omitted params take
params.default_params; the lists default to none). Export -> init round-trips all five. Jobs are
restored with their indices; the collateral of TRAINING/VERIFYING jobs is locked again with staking
(`relock_collateral`, run by the module after staking's genesis).
"""

from __future__ import annotations

from google.protobuf import json_format
from sprint.training.v1.training_pb2 import GenesisState, HostUnavailability, Params

from chain.errors import ErrInvalidRequest
from chain.modules.training.keeper import ACTIVE_STATUSES, TrainingKeeper
from chain.modules.training.params import default_params, validate_params
from chain.tx.crypto import AddressError, decode_address, encode_address

FIELDS = ("params", "jobs", "next_job_id", "maintenance", "unavailable")


def params_to_dict(params: Params) -> dict:
    """Params as proto JSON with zero fields written out (omitted fields would take the defaults)."""
    return json_format.MessageToDict(params, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def default_genesis() -> dict:
    return {"params": params_to_dict(default_params())}


def _address(text: str, what: str) -> bytes:
    try:
        return decode_address(text)
    except AddressError as err:
        raise ErrInvalidRequest(f"training genesis: {what} {text!r} is not a valid address: {err}") from err


def parse_genesis(state: dict | None) -> GenesisState:
    """GenesisState from proto JSON, params over the defaults; ErrInvalidRequest when invalid."""
    state = dict(state or {})
    unknown = sorted(set(state) - set(FIELDS))
    if unknown:
        raise ErrInvalidRequest(f"training genesis: unknown field {unknown[0]!r}")
    genesis = GenesisState(params=default_params())
    try:
        json_format.ParseDict(state.pop("params", None) or {}, genesis.params)
        json_format.ParseDict(state, genesis)
    except json_format.ParseError as err:
        raise ErrInvalidRequest(f"training genesis: {err}") from err
    validate_params(genesis.params)
    _check_records(genesis)
    return genesis


def validate_genesis(state: dict | None) -> None:
    parse_genesis(state)


def _check_records(genesis: GenesisState) -> None:
    ids: set[int] = set()
    for job in genesis.jobs:
        if job.id == 0 or job.id in ids:
            raise ErrInvalidRequest(f"training genesis: job id {job.id} is zero or listed twice")
        if genesis.next_job_id and job.id >= genesis.next_job_id:
            raise ErrInvalidRequest(f"training genesis: job {job.id} is not below next_job_id {genesis.next_job_id}")
        _address(job.submitter, f"job {job.id} submitter")
        if job.host:
            _address(job.host, f"job {job.id} host")
        ids.add(job.id)
    for window in genesis.maintenance:
        _address(window.host, "maintenance host")
        if window.end_height < window.start_height:
            raise ErrInvalidRequest(f"training genesis: maintenance of {window.host} ends before it starts")
    for row in genesis.unavailable:
        _address(row.host, "unavailable host")


def init_genesis(store, keeper: TrainingKeeper, state: dict | None) -> None:
    genesis = parse_genesis(state)
    keeper.set_params(store, genesis.params)
    for job in genesis.jobs:
        keeper.set_job(store, job)
    highest = max((job.id for job in genesis.jobs), default=0)
    keeper.set_next_job_id(store, max(genesis.next_job_id, highest + 1, 1))
    for window in genesis.maintenance:
        keeper.add_maintenance(store, decode_address(window.host), window, None)
    for row in genesis.unavailable:
        keeper.set_unavailable(store, decode_address(row.host), row.count)


def relock_collateral(store, keeper: TrainingKeeper, staking) -> None:
    """Lock the collateral of every TRAINING or VERIFYING job with staking again (after its genesis)."""
    for job_id in keeper.active_job_ids(store):
        job = keeper.get_job(store, job_id)
        if job.status in ACTIVE_STATUSES and job.host and job.collateral:
            staking.lock_job_collateral(store, decode_address(job.host), job.id, job.collateral)
        for worker in job.diloco.workers:  # DiLoCo jobs: each active worker's own lock
            if job.status in ACTIVE_STATUSES and worker.active and worker.collateral:
                staking.lock_job_collateral(store, decode_address(worker.host), job.id, worker.collateral)


def export_genesis(store, keeper: TrainingKeeper) -> dict:
    genesis = GenesisState(jobs=list(keeper.iterate_jobs(store)), next_job_id=keeper.next_job_id(store),
                           maintenance=keeper.maintenance_windows(store),
                           unavailable=[HostUnavailability(host=encode_address(host), count=count)
                                        for host, count in keeper.iterate_unavailable(store)])
    state = json_format.MessageToDict(genesis, preserving_proto_field_name=True)
    state["params"] = params_to_dict(keeper.get_params(store))
    return state
