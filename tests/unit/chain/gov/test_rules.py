"""gov rules without an App: tally outcomes (quorum, veto, threshold at their edges), params
validation naming the field, genesis defaults / round trip, and field=value param changes."""

from __future__ import annotations

import pytest
from sprint.gov.v1.gov_pb2 import ParamChange, ParamSet, TallyResult

from chain.errors import ErrInvalidRequest
from chain.modules.gov import genesis
from chain.modules.gov.content import new_params
from chain.modules.gov.errors import ErrInvalidProposalContent
from chain.modules.gov.expected_keepers import GovDeps, param_space
from chain.modules.gov.params import default_params, min_initial_deposit, validate_params
from chain.modules.gov.stages import outcome
from chain.modules.inference.keeper import InferenceKeeper
from chain.store.memory import MemoryDB
from chain.store.cache import CacheStore


def _tally(yes=0, no=0, abstain=0, veto=0, total=100):
    return TallyResult(yes=str(yes), no=str(no), abstain=str(abstain), veto=str(veto), total_power=str(total))


@pytest.mark.parametrize("votes, verdict", [
    (dict(yes=34), "pass"),  # quorum 3340 bps of 100: 34 voted
    (dict(yes=33), "reject"),  # 33 voted: below quorum
    (dict(yes=33, abstain=1), "pass"),  # abstain counts for quorum only
    (dict(yes=20, no=20), "reject"),  # exactly 50%: the threshold is strict
    (dict(yes=21, no=20), "pass"),
    (dict(yes=50, veto=26), "veto"),  # 26 of 76 voted = 34.2% > 33.4%
    (dict(yes=50, veto=25), "pass"),  # 25 of 75 = 33.3%: not vetoed, and yes 50 of 75 passes
    (dict(abstain=100), "reject"),  # no yes at all
    (dict(yes=10, total=0), "reject"),  # nobody had power
])
def test_outcome_edges(votes, verdict):
    total = votes.pop("total", 100)
    assert outcome(default_params(), _tally(total=total, **votes))[0] == verdict


def test_default_params_are_valid_and_each_bad_field_is_named():
    validate_params(default_params())
    assert min_initial_deposit(default_params()) == 2_500_000_000
    for field, value in [("signal_blocks", 0), ("timelock_blocks", 0), ("quorum_bps", 10_001),
                         ("threshold_bps", 10_001), ("veto_threshold_bps", 10_001), ("max_active_proposals", 0)]:
        params = default_params()
        setattr(params, field, value)
        with pytest.raises(ErrInvalidRequest, match=field):
            validate_params(params)
    params = default_params()
    params.min_deposit.amount = "0"
    with pytest.raises(ErrInvalidRequest, match="min_deposit"):
        validate_params(params)


def test_genesis_defaults_and_round_trip():
    state = genesis.default_genesis()
    assert genesis.parse_genesis(state).params == default_params()
    with pytest.raises(ErrInvalidRequest, match="unknown field"):
        genesis.parse_genesis({"proposals": []})
    with pytest.raises(ErrInvalidRequest, match="signal_blocks"):
        genesis.parse_genesis({"params": {"signal_blocks": "0"}})


def test_field_value_changes_apply_over_the_current_params():
    keeper = InferenceKeeper()
    deps = GovDeps(gov=None, bank=None, staking=None, reputation=None,
                   spaces={"inference": param_space("inference", keeper)})
    store = CacheStore(MemoryDB().snapshot())
    change = ParamChange(module="inference", changes=[ParamSet(field="expiry_blocks", value="40"),
                                                      ParamSet(field="fee_denom", value="uother")])
    params = new_params(deps, store, change)
    assert (params.expiry_blocks, params.fee_denom, params.max_tokens_limit) == (40, "uother", 256)
    with pytest.raises(ErrInvalidProposalContent, match="unknown field"):
        new_params(deps, store, ParamChange(module="inference", changes=[ParamSet(field="nope", value="1")]))
    whole = ParamChange(module="inference", params_json='{"expiry_blocks": 5, "max_prompt_bytes": 100, '
                        '"max_inline_prompt_bytes": 10, "max_inline_result_bytes": 1, "max_tokens_limit": 1, '
                        '"reverify_blocks": 1, "fee_denom": "usprint"}')
    assert new_params(deps, store, whole).expiry_blocks == 5

