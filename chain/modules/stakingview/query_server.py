"""cosmos.staking.v1beta1.Query over hosts: each host is a validator.

- operator_address: the operator's 20 bytes in bech32 with prefix `sprintvaloper`;
- consensus_pubkey: Any of `/cosmos.crypto.ed25519.PubKey`;
- tokens: the bonded collateral; delegator_shares: the same amount as a Dec (on the wire a Dec is
  its value x 10^18 as an integer string, as the SDK's LegacyDec marshals);
- status: BONDED while the host holds CometBFT power (> 0), else UNBONDED; jailed: BANNED;
- description.moniker: the host's moniker; min_self_delegation: staking `min_collateral`.

There is no delegation: the delegation queries answer empty lists. Read-only, no keys.
"""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.crypto.ed25519.keys_pb2 import PubKey as Ed25519PubKey
from cosmos.staking.v1beta1 import query_pb2 as q
from cosmos.staking.v1beta1 import staking_pb2 as s
from google.protobuf.duration_pb2 import Duration
from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED, Host

from chain.modules.auth.pagination import paginate
from chain.modules.auth.query_server import parse_address
from chain.modules.hosts import keys as host_keys
from chain.query import QueryMethod, invalid_argument, not_found
from chain.tx.builder import pack_any
from chain.tx.crypto import AddressError, decode_address, encode_address

VALOPER_PREFIX = "sprintvaloper"
ED25519_PUBKEY_URL = "/cosmos.crypto.ed25519.PubKey"
DEC_PRECISION = 10**18
# unbonding_blocks are reported as a duration at the 6-second block time the staking defaults assume
ASSUMED_BLOCK_SECONDS = 6
STATUS_NAMES = {name: value for name, value in s.BondStatus.items()}


def dec(amount: int) -> str:
    """A Dec as the SDK puts it on the wire: amount x 10^18, decimal integer string."""
    return str(amount * DEC_PRECISION)


def valoper_address(operator: bytes) -> str:
    return encode_address(operator, VALOPER_PREFIX)


def parse_valoper(text: str) -> bytes:
    try:
        return decode_address(text, VALOPER_PREFIX)
    except AddressError as err:
        raise invalid_argument(f"invalid validator address: {err}") from err


def validator(store, keepers, operator: bytes, host: Host) -> s.Validator:
    """The Validator view of one host."""
    tokens = keepers.staking.bonded(store, operator)
    power, _ = keepers.sprint.get_power(store, operator)
    zero = dec(0)
    return s.Validator(
        operator_address=valoper_address(operator),
        consensus_pubkey=pack_any(Ed25519PubKey(key=host.consensus_pubkey), ED25519_PUBKEY_URL),
        jailed=host.status == HOST_STATUS_BANNED,
        status=s.BOND_STATUS_BONDED if power > 0 else s.BOND_STATUS_UNBONDED,
        tokens=str(tokens), delegator_shares=dec(tokens),
        description=s.Description(moniker=host.moniker),
        commission=s.Commission(commission_rates=s.CommissionRates(rate=zero, max_rate=zero, max_change_rate=zero)),
        min_self_delegation=keepers.staking.get_params(store).min_collateral,
    )


def _status_filter(text: str) -> int | None:
    if not text:
        return None
    if text not in STATUS_NAMES or STATUS_NAMES[text] == s.BOND_STATUS_UNSPECIFIED:
        raise invalid_argument(f"invalid validator status {text!r}: use one of "
                               "BOND_STATUS_BONDED, BOND_STATUS_UNBONDING, BOND_STATUS_UNBONDED")
    return STATUS_NAMES[text]


def validators(store, keepers, request):
    wanted = _status_filter(request.status)
    found, page = paginate(
        store, host_keys.HOST_PREFIX, request.pagination,
        lambda operator, raw: validator(store, keepers, operator, Host.FromString(raw)),
        None if wanted is None else (lambda v: v.status == wanted))
    return q.QueryValidatorsResponse(validators=found, pagination=page)


def validator_by_address(store, keepers, request):
    operator = parse_valoper(request.validator_addr)
    host = keepers.hosts.get_host(store, operator)
    if host is None:
        raise not_found(f"validator {request.validator_addr} does not exist")
    return q.QueryValidatorResponse(validator=validator(store, keepers, operator, host))


def pool(store, keepers, request):
    """bonded: the collateral of hosts holding power; not bonded: every other staked coin
    (other hosts' bonds and unbonding entries)."""
    bonded = sum(keepers.staking.bonded(store, operator) for operator, _ in keepers.hosts.iterate_hosts(store)
                 if keepers.sprint.get_power(store, operator)[0] > 0)
    total = keepers.staking.total_staked(store)
    return q.QueryPoolResponse(pool=s.Pool(bonded_tokens=str(bonded), not_bonded_tokens=str(total - bonded)))


def params(store, keepers, request):
    ours = keepers.staking.get_params(store)
    return q.QueryParamsResponse(params=s.Params(
        unbonding_time=Duration(seconds=ours.unbonding_blocks * ASSUMED_BLOCK_SECONDS),
        max_validators=0, max_entries=ours.max_unbonding_entries, historical_entries=0,
        bond_denom=ours.bond_denom, min_commission_rate=dec(0)))


def _empty(response_class, check):
    def handler(store, keepers, request):
        check(request)
        return response_class()
    return handler


def _delegator(request) -> None:
    parse_address(request.delegator_addr)


def _validator(request) -> None:
    parse_valoper(request.validator_addr)


_STAKING = "/cosmos.staking.v1beta1.Query/"

METHODS = [
    QueryMethod(_STAKING + "Validators", q.QueryValidatorsRequest, validators),
    QueryMethod(_STAKING + "Validator", q.QueryValidatorRequest, validator_by_address),
    QueryMethod(_STAKING + "Pool", q.QueryPoolRequest, pool),
    QueryMethod(_STAKING + "Params", q.QueryParamsRequest, params),
    QueryMethod(_STAKING + "DelegatorDelegations", q.QueryDelegatorDelegationsRequest,
                _empty(q.QueryDelegatorDelegationsResponse, _delegator)),
    QueryMethod(_STAKING + "DelegatorUnbondingDelegations", q.QueryDelegatorUnbondingDelegationsRequest,
                _empty(q.QueryDelegatorUnbondingDelegationsResponse, _delegator)),
    QueryMethod(_STAKING + "DelegatorValidators", q.QueryDelegatorValidatorsRequest,
                _empty(q.QueryDelegatorValidatorsResponse, _delegator)),
    QueryMethod(_STAKING + "ValidatorDelegations", q.QueryValidatorDelegationsRequest,
                _empty(q.QueryValidatorDelegationsResponse, _validator)),
    QueryMethod(_STAKING + "ValidatorUnbondingDelegations", q.QueryValidatorUnbondingDelegationsRequest,
                _empty(q.QueryValidatorUnbondingDelegationsResponse, _validator)),
]
