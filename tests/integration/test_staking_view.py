"""cosmos.staking.v1beta1.Query: the read-only view of hosts as validators."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import pytest
from cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmos.crypto.ed25519.keys_pb2 import PubKey as Ed25519PubKey
from cosmos.staking.v1beta1 import query_pb2 as q
from cosmos.staking.v1beta1 import staking_pb2 as s
from tendermint.abci import types_pb2 as abci

from chain.modules.stakingview.query_server import valoper_address
from chain.query import QueryError
from tests.helpers.chain import run_block
from tests.helpers.sprint import COLLATERAL, SprintNet

STAKING = "/cosmos.staking.v1beta1.Query/"


@pytest.fixture(scope="module")
def net():
    network = SprintNet(3, weights=[10, 20, 5],
                        statuses=["HOST_STATUS_ACTIVE", "HOST_STATUS_ACTIVE", "HOST_STATUS_BANNED"])
    run_block(network.app)
    return network


def ask(net, method: str, request, response_class):
    resp = net.app.query(abci.RequestQuery(path=STAKING + method, data=request.SerializeToString()))
    assert resp.code == 0, resp.log
    return response_class.FromString(resp.value)


def code_of(net, method: str, request) -> str:
    """"ok" or the QueryError status (the ABCI/gRPC codes follow from it)."""
    app = net.app
    try:
        app.queries.query_bytes(STAKING + method, request.SerializeToString(), app.committed_store(), app.keepers)
    except QueryError as err:
        return err.status
    return "ok"


def test_validators_are_the_hosts(net):
    listed = ask(net, "Validators", q.QueryValidatorsRequest(), q.QueryValidatorsResponse)
    by_operator = sorted(net.hosts, key=lambda h: h.address)
    assert [v.operator_address for v in listed.validators] == [valoper_address(h.address) for h in by_operator]
    assert all(v.operator_address.startswith("sprintvaloper1") for v in listed.validators)
    assert listed.pagination.total == 3
    for v, host in zip(listed.validators, by_operator):
        assert v.consensus_pubkey.type_url == "/cosmos.crypto.ed25519.PubKey"
        assert Ed25519PubKey.FromString(v.consensus_pubkey.value).key == host.pubkey
        assert v.tokens == str(COLLATERAL)
        assert v.delegator_shares == str(COLLATERAL * 10**18)  # a Dec on the wire: value x 10^18
        assert v.description.moniker == f"host{host.index}"
        banned = host.index == 2
        assert v.jailed is banned
        assert v.status == (s.BOND_STATUS_UNBONDED if banned else s.BOND_STATUS_BONDED)


def test_status_filter_and_pagination(net):
    bonded = ask(net, "Validators", q.QueryValidatorsRequest(status="BOND_STATUS_BONDED"), q.QueryValidatorsResponse)
    assert len(bonded.validators) == 2 and all(v.status == s.BOND_STATUS_BONDED for v in bonded.validators)
    unbonded = ask(net, "Validators", q.QueryValidatorsRequest(status="BOND_STATUS_UNBONDED"),
                   q.QueryValidatorsResponse)
    assert [v.operator_address for v in unbonded.validators] == [valoper_address(net.hosts[2].address)]
    first = ask(net, "Validators", q.QueryValidatorsRequest(pagination=PageRequest(limit=2)), q.QueryValidatorsResponse)
    rest = ask(net, "Validators", q.QueryValidatorsRequest(pagination=PageRequest(key=first.pagination.next_key)),
               q.QueryValidatorsResponse)
    everything = ask(net, "Validators", q.QueryValidatorsRequest(), q.QueryValidatorsResponse)
    assert list(first.validators) + list(rest.validators) == list(everything.validators)
    assert code_of(net, "Validators", q.QueryValidatorsRequest(status="BONDED")) == "invalid_argument"


def test_validator_by_address(net):
    host = net.hosts[1]
    found = ask(net, "Validator", q.QueryValidatorRequest(validator_addr=valoper_address(host.address)),
                q.QueryValidatorResponse).validator
    assert found.description.moniker == "host1" and found.status == s.BOND_STATUS_BONDED
    account_prefix = q.QueryValidatorRequest(validator_addr=host.bech32)
    assert code_of(net, "Validator", account_prefix) == "invalid_argument"
    unknown = q.QueryValidatorRequest(validator_addr=valoper_address(b"\x07" * 20))
    assert code_of(net, "Validator", unknown) == "not_found"


def test_pool_and_params(net):
    pool = ask(net, "Pool", q.QueryPoolRequest(), q.QueryPoolResponse).pool
    assert (pool.bonded_tokens, pool.not_bonded_tokens) == (str(2 * COLLATERAL), str(COLLATERAL))
    params = ask(net, "Params", q.QueryParamsRequest(), q.QueryParamsResponse).params
    ours = net.app.keepers.staking.get_params(net.app.committed_store())
    assert params.bond_denom == ours.bond_denom == "usprint"
    assert params.max_entries == ours.max_unbonding_entries
    assert params.unbonding_time.seconds == ours.unbonding_blocks * 6


def test_delegation_queries_are_empty(net):
    host = net.hosts[0]
    assert not ask(net, "DelegatorDelegations", q.QueryDelegatorDelegationsRequest(delegator_addr=host.bech32),
                   q.QueryDelegatorDelegationsResponse).delegation_responses
    assert not ask(net, "ValidatorDelegations", q.QueryValidatorDelegationsRequest(
        validator_addr=valoper_address(host.address)), q.QueryValidatorDelegationsResponse).delegation_responses
    assert not ask(net, "DelegatorUnbondingDelegations", q.QueryDelegatorUnbondingDelegationsRequest(
        delegator_addr=host.bech32), q.QueryDelegatorUnbondingDelegationsResponse).unbonding_responses
    bad_delegator = q.QueryDelegatorDelegationsRequest(delegator_addr="bad")
    assert code_of(net, "DelegatorDelegations", bad_delegator) == "invalid_argument"
    bad_validator = q.QueryValidatorDelegationsRequest(validator_addr="bad")
    assert code_of(net, "ValidatorDelegations", bad_validator) == "invalid_argument"
