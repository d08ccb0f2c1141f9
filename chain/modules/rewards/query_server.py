"""rewards queries: sprint.rewards.v1.Query/Params, /Pending, /Pool, /Outcomes and /Vault."""

from __future__ import annotations

from sprint.rewards.v1 import query_pb2

from chain.modules.auth.query_server import parse_address
from chain.modules.bank.keys import module_address
from chain.modules.rewards.keeper import VAULT_MODULE, accrual_total
from chain.modules.sprint.epochs import epoch_number
from chain.query import QueryMethod, not_found
from chain.store import meta
from chain.tx.crypto import encode_address


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=keepers.rewards.get_params(store))


def pending(store, keepers, request):
    """A host's unreleased accruals (ascending epoch), their total, its last settled outcome and the
    issuance of the next block."""
    operator = parse_address(request.host)
    rewards = keepers.rewards
    accruals = [a for _, op, a in rewards.all_accruals(store) if op == operator]
    response = query_pb2.QueryPendingResponse(
        accruals=accruals, total=sum(accrual_total(a) for a in accruals),
        block_reward=keepers.mint.block_issuance(store, rewards.get_params(store), meta.read_height(store) + 1))
    last = rewards.last_outcome(store, operator)
    if last is not None:
        response.last_outcome.CopyFrom(last)
    return response


def pool(store, keepers, request):
    """An epoch's pools (the current epoch when unset; empty pools for an epoch without issuance)."""
    if request.HasField("epoch"):
        epoch = request.epoch
    else:
        epoch = epoch_number(keepers.sprint.get_params(store), meta.read_height(store) + 1)
    return query_pb2.QueryPoolResponse(pool=keepers.rewards.get_pool(store, epoch))


def outcomes(store, keepers, request):
    """Every host's outcome of a settled epoch; NOT_FOUND before the epoch settled."""
    if not keepers.rewards.is_settled(store, request.epoch):
        raise not_found(f"epoch {request.epoch} has not been settled yet")
    return query_pb2.QueryOutcomesResponse(outcomes=keepers.rewards.outcomes(store, request.epoch))


def vault(store, keepers, request):
    """The community vault's address and balance in the rewards denom."""
    denom = keepers.rewards.get_params(store).denom
    address = module_address(VAULT_MODULE)
    return query_pb2.QueryVaultResponse(address=encode_address(address), denom=denom,
                                        balance=keepers.bank.balance(store, address, denom))


METHODS = [
    QueryMethod("/sprint.rewards.v1.Query/Params", query_pb2.QueryParamsRequest, params),
    QueryMethod("/sprint.rewards.v1.Query/Pending", query_pb2.QueryPendingRequest, pending),
    QueryMethod("/sprint.rewards.v1.Query/Pool", query_pb2.QueryPoolRequest, pool),
    QueryMethod("/sprint.rewards.v1.Query/Outcomes", query_pb2.QueryOutcomesRequest, outcomes),
    QueryMethod("/sprint.rewards.v1.Query/Vault", query_pb2.QueryVaultRequest, vault),
]
