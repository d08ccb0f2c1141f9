"""gov tx errors: codespace "gov", numbered after the Cosmos SDK's x/gov errors."""

from __future__ import annotations

from chain.errors import TxError

CODESPACE = "gov"


def _error(name: str, code: int) -> type[TxError]:
    return type(name, (TxError,), {"code": code, "codespace": CODESPACE,
                                   "__doc__": f"ABCI code {code} ({CODESPACE})."})


ErrUnknownProposal = _error("ErrUnknownProposal", 2)
ErrInactiveProposal = _error("ErrInactiveProposal", 3)  # not in a stage that accepts this (deposit, vote)
ErrInvalidProposalContent = _error("ErrInvalidProposalContent", 5)
ErrInvalidProposalType = _error("ErrInvalidProposalType", 6)
ErrInvalidVote = _error("ErrInvalidVote", 7)
ErrAlreadyVoted = _error("ErrAlreadyVoted", 8)
ErrNoVotingPower = _error("ErrNoVotingPower", 9)
ErrTooManyProposals = _error("ErrTooManyProposals", 10)
ErrMinDepositTooSmall = _error("ErrMinDepositTooSmall", 16)
ErrInvalidDepositDenom = _error("ErrInvalidDepositDenom", 17)
ErrVaultInsufficient = _error("ErrVaultInsufficient", 18)
