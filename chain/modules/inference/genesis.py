"""inference genesis: app_state["inference"] = {"params": Params, "models": [Model], "jobs": [Job],
"next_job_id": "N"} as proto JSON (omitted params take params.default_params; models and jobs
default to none). Export -> init round-trips all four. Genesis models are checked with the same
rules as MsgRegisterModel (models.check_model); jobs are restored with their indices (a PENDING or
COMPLETED job keeps its deadline / audit-epoch index).
"""

from __future__ import annotations

from google.protobuf import json_format
from sprint.inference.v1.inference_pb2 import JOB_STATUS_COMPLETED, GenesisState, Params

from chain.errors import ErrInvalidRequest
from chain.modules.inference.keeper import InferenceKeeper
from chain.modules.inference.models import check_model
from chain.modules.inference.params import default_params, validate_params

FIELDS = ("params", "models", "jobs", "next_job_id")


def params_to_dict(params: Params) -> dict:
    """Params as proto JSON with zero fields written out (omitted fields would take the defaults)."""
    return json_format.MessageToDict(params, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def default_genesis() -> dict:
    return {"params": params_to_dict(default_params())}


def parse_genesis(state: dict | None) -> GenesisState:
    """GenesisState from proto JSON, params over the defaults; ErrInvalidRequest when invalid."""
    state = dict(state or {})
    unknown = sorted(set(state) - set(FIELDS))
    if unknown:
        raise ErrInvalidRequest(f"inference genesis: unknown field {unknown[0]!r}")
    genesis = GenesisState(params=default_params())
    try:
        params = state.pop("params", None) or {}
        json_format.ParseDict(params, genesis.params)
        json_format.ParseDict(state, genesis)
    except json_format.ParseError as err:
        raise ErrInvalidRequest(f"inference genesis: {err}") from err
    validate_params(genesis.params)
    _check_models_and_jobs(genesis)
    return genesis


def _check_models_and_jobs(genesis: GenesisState) -> None:
    names: set[str] = set()
    for model in genesis.models:
        check_model(model.name, model.config, model.weights_sha256, model.weights_size, model.price_per_token)
        if model.name in names:
            raise ErrInvalidRequest(f"inference genesis: model {model.name!r} is listed twice")
        names.add(model.name)
    ids: set[int] = set()
    for job in genesis.jobs:
        if job.id == 0 or job.id in ids:
            raise ErrInvalidRequest(f"inference genesis: job id {job.id} is zero or listed twice")
        if job.model not in names:
            raise ErrInvalidRequest(f"inference genesis: job {job.id} uses unknown model {job.model!r}")
        if genesis.next_job_id and job.id >= genesis.next_job_id:
            raise ErrInvalidRequest(f"inference genesis: job {job.id} is not below next_job_id {genesis.next_job_id}")
        ids.add(job.id)


def init_genesis(store, keeper: InferenceKeeper, state: dict | None) -> None:
    genesis = parse_genesis(state)
    keeper.set_params(store, genesis.params)
    for model in genesis.models:
        keeper.set_model(store, model)
    for job in genesis.jobs:
        keeper.set_job(store, job)
        if job.status == JOB_STATUS_COMPLETED:
            keeper.add_audit(store, job.audit_epoch, job.id)
    highest = max((job.id for job in genesis.jobs), default=0)
    keeper.set_next_job_id(store, max(genesis.next_job_id, highest + 1, 1))


def export_genesis(store, keeper: InferenceKeeper) -> dict:
    genesis = GenesisState(models=keeper.models(store), jobs=list(keeper.iterate_jobs(store)),
                           next_job_id=keeper.next_job_id(store))
    state = json_format.MessageToDict(genesis, preserving_proto_field_name=True)
    state["params"] = params_to_dict(keeper.get_params(store))
    return state
