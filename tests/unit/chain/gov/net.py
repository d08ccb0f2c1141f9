"""GovNet: an in-process App with three bonded stakers (different stakes and reputations), one
unbonded account, short gov periods and an optional community-vault balance; every block checks the
bank supply invariant and that the "gov" module account holds exactly the recorded deposits."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401  (puts tendermint on sys.path)
from sprint.common.v1.coin_pb2 import Coin
from sprint.gov.v1 import query_pb2, tx_pb2
from sprint.gov.v1.gov_pb2 import (
    PROPOSAL_TYPE_PARAM_CHANGE,
    PROPOSAL_TYPE_VAULT_SPEND,
    ParamChange,
    ParamSet,
    VaultSpend,
)
from tendermint.abci import types_pb2 as abci

from chain.modules.bank.keeper import supply_invariant_violation
from chain.modules.bank.keys import module_address
from chain.modules.gov import keys as gov_keys
from chain.store.memory import MemoryDB
from chain.tx.builder import pack_any
from chain.tx.crypto import encode_address
from tests.helpers.chain import DENOM, balance, make_keys, new_app, run_block, sequence, sign_messages
from tests.helpers.staking import staking_state

KEYS = make_keys(4)
STAKERS = KEYS[:3]
OUTSIDER = KEYS[3]  # funded, never bonded: no voting power
BONDS = (3_000_000, 2_000_000, 1_000_000)
SUCCESS_PPM = (1_000_000, 500_000, 0)
GOV_ADDRESS = module_address(gov_keys.MODULE_NAME)
VAULT_ADDRESS = module_address(gov_keys.VAULT_MODULE)
MIN_DEPOSIT = 1_000
GOV_PARAMS = {"min_deposit": {"denom": DENOM, "amount": str(MIN_DEPOSIT)}, "min_initial_deposit_bps": 5_000,
              "deposit_blocks": "3", "signal_blocks": "3", "timelock_blocks": "2", "execution_blocks": "3",
              "enact_delay_blocks": "2", "quorum_bps": 3_340, "threshold_bps": 5_000, "veto_threshold_bps": 3_340,
              "max_active_proposals": 5}


def any_of(message):
    return pack_any(message, "/" + message.DESCRIPTOR.full_name)


def app_state(vault: int = 0, **gov_overrides) -> dict:
    state = staking_state(KEYS, bonds={k.bech32: b for k, b in zip(STAKERS, BONDS)})
    state["gov"] = {"params": {**GOV_PARAMS, **gov_overrides}}
    state["reputation"] = {"hosts": [{"host": k.bech32, "success_rate_ppm": s}
                                     for k, s in zip(STAKERS, SUCCESS_PPM)]}
    if vault:
        state["bank"]["balances"].append({"address": encode_address(VAULT_ADDRESS),
                                          "coins": [{"denom": DENOM, "amount": str(vault)}]})
    return state


def param_change(module: str, **changes) -> ParamChange:
    return ParamChange(module=module, changes=[ParamSet(field=f, value=str(v)) for f, v in changes.items()])


def submit_msg(proposer, deposit: int = MIN_DEPOSIT, *, change: ParamChange | None = None,
               spend: tuple[str, int] | None = None, kind: int | None = None):
    msg = tx_pb2.MsgSubmitProposal(proposer=proposer.bech32, title="t", summary="s",
                                   initial_deposit=Coin(denom=DENOM, amount=str(deposit)))
    if change is not None:
        msg.type = PROPOSAL_TYPE_PARAM_CHANGE
        msg.param_change.CopyFrom(change)
    if spend is not None:
        msg.type = PROPOSAL_TYPE_VAULT_SPEND
        msg.vault_spend.CopyFrom(VaultSpend(recipient=spend[0], amount=Coin(denom=DENOM, amount=str(spend[1]))))
    if kind is not None:
        msg.type = kind
    return any_of(msg)


def deposit_msg(depositor, proposal_id: int, amount: int):
    return any_of(tx_pb2.MsgDeposit(depositor=depositor.bech32, proposal_id=proposal_id,
                                    amount=Coin(denom=DENOM, amount=str(amount))))


def vote_msg(voter, proposal_id: int, option: int):
    return any_of(tx_pb2.MsgVote(voter=voter.bech32, proposal_id=proposal_id, option=option))


class GovNet:
    def __init__(self, vault: int = 0, **gov_overrides):
        self.app = new_app(MemoryDB(), app_state(vault, **gov_overrides))
        self.block()

    @property
    def height(self) -> int:
        return self.app.height

    def block(self, *signed):
        """One block with one tx per (key, msg) pair, in order; returns the BlockResult."""
        seqs: dict[bytes, int] = {}
        txs = []
        for key, msg in signed:
            seq = seqs.get(key.address, sequence(self.app, key.address) or 0)
            txs.append(sign_messages(key, [msg], sequence=seq))
            seqs[key.address] = seq + 1
        result = run_block(self.app, txs)
        store = self.app.committed_store()
        assert supply_invariant_violation(self.app.keepers.bank, store) is None
        assert self.app.keepers.gov.total_held(store) == balance(self.app, GOV_ADDRESS)
        assert [check(store) for _, check in self.app.modules.by_name["gov"].invariants()] == [None]
        return result

    def ok(self, *signed):
        result = self.block(*signed)
        assert result.codes == [0] * len(signed), [r.log for r in result.results]
        return result

    def advance_to(self, height: int):
        """Empty blocks until `height` is committed; the last BlockResult (None when none ran)."""
        result = None
        while self.height < height:
            result = self.block()
        return result

    def query(self, method: str, request, response_class):
        resp = self.app.query(abci.RequestQuery(path=f"/sprint.gov.v1.Query/{method}",
                                                data=request.SerializeToString()))
        assert resp.code == 0, resp.log
        return response_class.FromString(resp.value)

    def proposal(self, proposal_id: int):
        return self.query("Proposal", query_pb2.QueryProposalRequest(id=proposal_id),
                          query_pb2.QueryProposalResponse).proposal

    @staticmethod
    def burned(result) -> list[str]:
        """The `amount` of every burn event of a block's end block."""
        return [dict((a.key, a.value) for a in e.attributes)["amount"] for e in result.response.events
                if e.type == "burn"]

    def balance(self, address: bytes) -> int:
        return balance(self.app, address)

    def store(self):
        return self.app.committed_store()
