"""GovKeeper: params, proposals, deposits, votes, power snapshots and the transition queue."""

from __future__ import annotations

from sprint.gov.v1.gov_pb2 import (
    PROPOSAL_STATUS_DEPOSIT,
    PROPOSAL_STATUS_EXECUTION_VOTING,
    PROPOSAL_STATUS_PASSED,
    PROPOSAL_STATUS_SIGNAL_VOTING,
    PROPOSAL_STATUS_TIMELOCK,
    Params,
    Proposal,
    Vote,
)

from chain.modules.gov import keys
from chain.modules.gov.params import default_params

ACTIVE_STATUSES = (PROPOSAL_STATUS_DEPOSIT, PROPOSAL_STATUS_SIGNAL_VOTING, PROPOSAL_STATUS_TIMELOCK,
                   PROPOSAL_STATUS_EXECUTION_VOTING, PROPOSAL_STATUS_PASSED)


class GovKeeper:
    """Store access for the gov module; the rules live in msg_server, stages and enactment."""

    # ------------------------------------------------------------------ params

    def get_params(self, store) -> Params:
        """Stored params (the defaults when the genesis had no gov section)."""
        raw = store.get(keys.PARAMS_KEY)
        return Params.FromString(raw) if raw is not None else default_params()

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())

    # ------------------------------------------------------------------ proposals

    def next_id(self, store) -> int:
        raw = store.get(keys.NEXT_ID_KEY)
        return int(raw) if raw else 1

    def set_next_id(self, store, value: int) -> None:
        store.set(keys.NEXT_ID_KEY, str(value).encode())

    def get_proposal(self, store, proposal_id: int) -> Proposal | None:
        raw = store.get(keys.proposal_key(proposal_id))
        return Proposal.FromString(raw) if raw is not None else None

    def set_proposal(self, store, proposal: Proposal) -> None:
        """Write the proposal and keep the active index in step with its status."""
        store.set(keys.proposal_key(proposal.id), proposal.SerializeToString())
        if proposal.status in ACTIVE_STATUSES:
            store.set(keys.active_key(proposal.id), b"\x01")
        else:
            store.delete(keys.active_key(proposal.id))

    def active_count(self, store) -> int:
        return sum(1 for _ in store.iterate(keys.ACTIVE_PREFIX))

    def iterate_proposals(self, store, start_after: int = 0):
        """Proposals in ascending id after `start_after`."""
        for key, raw in store.iterate(keys.PROPOSAL_PREFIX):
            if keys.split_id_suffix(key) > start_after:
                yield Proposal.FromString(raw)

    # ------------------------------------------------------------------ deposits

    def deposit_of(self, store, proposal_id: int, depositor: bytes) -> int:
        raw = store.get(keys.deposit_key(proposal_id, depositor))
        return int(raw) if raw else 0

    def set_deposit(self, store, proposal_id: int, depositor: bytes, amount: int) -> None:
        store.set(keys.deposit_key(proposal_id, depositor), str(amount).encode())

    def deposits(self, store, proposal_id: int) -> list[tuple[bytes, int]]:
        """(depositor, amount) in ascending depositor order."""
        prefix = keys.deposit_prefix(proposal_id)
        return [(key[len(prefix):], int(raw)) for key, raw in store.iterate(prefix)]

    def clear_deposits(self, store, proposal_id: int) -> None:
        for depositor, _ in self.deposits(store, proposal_id):
            store.delete(keys.deposit_key(proposal_id, depositor))

    def total_held(self, store) -> int:
        """Sum of every deposit still recorded (equals the "gov" module account's deposit-denom balance)."""
        return sum(int(raw) for _, raw in store.iterate(keys.DEPOSIT_PREFIX))

    # ------------------------------------------------------------------ votes and power

    def set_power(self, store, proposal_id: int, stage: int, voter: bytes, power: int) -> None:
        store.set(keys.voter_key(keys.POWER_PREFIX, proposal_id, stage, voter), str(power).encode())

    def power_of(self, store, proposal_id: int, stage: int, voter: bytes) -> int:
        raw = store.get(keys.voter_key(keys.POWER_PREFIX, proposal_id, stage, voter))
        return int(raw) if raw else 0

    def get_vote(self, store, proposal_id: int, stage: int, voter: bytes) -> Vote | None:
        raw = store.get(keys.voter_key(keys.VOTE_PREFIX, proposal_id, stage, voter))
        return Vote.FromString(raw) if raw is not None else None

    def set_vote(self, store, voter: bytes, vote: Vote) -> None:
        store.set(keys.voter_key(keys.VOTE_PREFIX, vote.proposal_id, vote.stage, voter), vote.SerializeToString())

    def votes(self, store, proposal_id: int, stage: int) -> list[Vote]:
        """Votes of one stage in ascending voter order."""
        prefix = keys.stage_prefix(keys.VOTE_PREFIX, proposal_id, stage)
        return [Vote.FromString(raw) for _, raw in store.iterate(prefix)]

    # ------------------------------------------------------------------ queue

    def enqueue(self, store, height: int, proposal_id: int) -> None:
        store.set(keys.queue_key(height, proposal_id), b"\x01")

    def dequeue(self, store, height: int, proposal_id: int) -> None:
        store.delete(keys.queue_key(height, proposal_id))

    def due(self, store, height: int) -> list[int]:
        """Ids with a transition at the end of `height`, ascending."""
        return [keys.split_id_suffix(key) for key, _ in store.iterate(keys.queue_height_prefix(height))]
