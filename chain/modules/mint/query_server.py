"""mint queries: sprint.mint.v1.Query/Params and /Kpis over the last committed state."""

from __future__ import annotations

from sprint.mint.v1 import query_pb2

from chain.modules.sprint.epochs import epoch_number
from chain.query import QueryMethod, not_found
from chain.store import meta


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=keepers.mint.get_params(store))


def kpis(store, keepers, request):
    """A measured epoch's KPIs (the latest when unset), the current epoch, its schedule and issuance."""
    mint = keepers.mint
    current = epoch_number(keepers.sprint.get_params(store), meta.read_height(store) + 1)
    epoch = request.epoch if request.HasField("epoch") else current - 1
    record = mint.get_kpis(store, epoch) if epoch >= 0 else None
    if record is None:
        raise not_found(f"epoch {epoch} has not been measured yet (epochs are measured when the next one starts)"
                        if epoch >= 0 else "no epoch has been measured yet (the first is measured when epoch 1 starts)")
    issuance = mint.epoch_issuance(store, keepers.rewards.get_params(store), current)
    return query_pb2.QueryKpisResponse(kpis=record, current_epoch=current, schedule=mint.get_params(store).schedule,
                                       current_epoch_issuance=issuance)


METHODS = [
    QueryMethod("/sprint.mint.v1.Query/Params", query_pb2.QueryParamsRequest, params),
    QueryMethod("/sprint.mint.v1.Query/Kpis", query_pb2.QueryKpisRequest, kpis),
]
