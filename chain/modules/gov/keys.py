"""gov store layout (prefixes 0xa0-0xaf; one-byte prefixes are global across modules)."""

from __future__ import annotations

MODULE_NAME = "gov"  # bank module account holding every deposit of a proposal still in flight
VAULT_MODULE = "community_vault"  # module account that only vault-spend proposals pay from
TRAINING_FUND_MODULE = "training_fund"  # module account that pays training-grant budgets

PARAMS_KEY = b"\xa0"  # value: sprint.gov.v1.Params (absent: the defaults)
NEXT_ID_KEY = b"\xa1"  # value: next proposal id, decimal ASCII (absent: 1)
PROPOSAL_PREFIX = b"\xa2"  # key: 0xa2 | id(8) | value: sprint.gov.v1.Proposal
ACTIVE_PREFIX = b"\xa3"  # key: 0xa3 | id(8) | value: b"\x01" while the proposal is not in a final status
DEPOSIT_PREFIX = b"\xa4"  # key: 0xa4 | id(8) | depositor(20) | value: amount, decimal ASCII
VOTE_PREFIX = b"\xa5"  # key: 0xa5 | id(8) | stage(1) | voter(20) | value: sprint.gov.v1.Vote
# key: 0xa6 | id(8) | stage(1) | voter(20) | value: snapshot voting power, decimal ASCII
POWER_PREFIX = b"\xa6"
# key: 0xa7 | height(8) | id(8) | value: b"\x01": the proposal has a transition at the end of that height
QUEUE_PREFIX = b"\xa7"

PREFIXES = (PARAMS_KEY, NEXT_ID_KEY, PROPOSAL_PREFIX, ACTIVE_PREFIX, DEPOSIT_PREFIX, VOTE_PREFIX, POWER_PREFIX,
            QUEUE_PREFIX)

ID_BYTES = 8


def encode_u64(value: int) -> bytes:
    return value.to_bytes(ID_BYTES, "big")


def proposal_key(proposal_id: int) -> bytes:
    return PROPOSAL_PREFIX + encode_u64(proposal_id)


def active_key(proposal_id: int) -> bytes:
    return ACTIVE_PREFIX + encode_u64(proposal_id)


def deposit_prefix(proposal_id: int) -> bytes:
    return DEPOSIT_PREFIX + encode_u64(proposal_id)


def deposit_key(proposal_id: int, depositor: bytes) -> bytes:
    return deposit_prefix(proposal_id) + depositor


def stage_prefix(prefix: bytes, proposal_id: int, stage: int) -> bytes:
    """Votes (VOTE_PREFIX) or snapshot powers (POWER_PREFIX) of one stage of one proposal."""
    return prefix + encode_u64(proposal_id) + bytes([stage])


def voter_key(prefix: bytes, proposal_id: int, stage: int, voter: bytes) -> bytes:
    return stage_prefix(prefix, proposal_id, stage) + voter


def split_voter(key: bytes) -> bytes:
    """The voter address that ends a vote or power key."""
    return key[len(VOTE_PREFIX) + ID_BYTES + 1:]


def queue_height_prefix(height: int) -> bytes:
    return QUEUE_PREFIX + encode_u64(height)


def queue_key(height: int, proposal_id: int) -> bytes:
    return queue_height_prefix(height) + encode_u64(proposal_id)


def split_id_suffix(key: bytes) -> int:
    """The proposal id that ends a queue, active or proposal key."""
    return int.from_bytes(key[-ID_BYTES:], "big")
