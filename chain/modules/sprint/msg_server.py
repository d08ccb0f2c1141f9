"""sprint message handlers. Every message is signed by a host's worker account (`worker`).

Rules (a failing rule raises an SDK error and changes nothing):
- the worker must be the worker account of a registered host (ErrUnauthorized) that is not BANNED;
- each message is accepted only in its window of the epoch named in it: commit phase (MsgCommitSeed),
  reveal phase (MsgRevealSeed), sprint + proof phases (MsgSubmitProofBatch), validation phase
  (MsgSubmitProofValidation); outside it the error starts with "early:" or "late:" and names the
  window's first and last block;
- MsgCommitSeed: once per host and epoch; MsgRevealSeed: once, after a commit, and
  randomness.commitment(epoch, operator, secret) must equal the commitment;
- MsgSubmitProofBatch: the host revealed this epoch; 1..max_batch_nonces nonces, as many distances;
  every nonce < max_nonce and distinct from the batch's other nonces and the host's earlier ones this
  epoch; every distance < distance_threshold_micro; the host's total <= max_nonces_per_epoch;
- MsgSubmitProofValidation: the sender's host was assigned to the prover this epoch and has not voted
  on it yet; its current weight is added to the prover's approve_weight or reject_weight.
"""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import Host
from sprint.sprint.v1.sprint_pb2 import (
    PHASE_COMMIT, PHASE_PROOF, PHASE_REVEAL, PHASE_SPRINT, PHASE_VALIDATION, PROOF_STATUS_PENDING, Validation,
)
from sprint.sprint.v1.tx_pb2 import MsgCommitSeed, MsgRevealSeed, MsgSubmitProofBatch, MsgSubmitProofValidation

from chain.context import Context
from chain.errors import ErrInvalidRequest, ErrUnauthorized
from chain.modules.hosts.worker_auth import parse_address as _address, worker_signers
from chain.modules.hosts.worker_auth import worker_host as shared_worker_host
from chain.modules.sprint import keys, randomness
from chain.modules.sprint.expected_keepers import SprintDeps
from chain.tx.router import Route

MSG_COMMIT_SEED_URL = "/sprint.sprint.v1.MsgCommitSeed"
MSG_REVEAL_SEED_URL = "/sprint.sprint.v1.MsgRevealSeed"
MSG_SUBMIT_PROOF_BATCH_URL = "/sprint.sprint.v1.MsgSubmitProofBatch"
MSG_SUBMIT_PROOF_VALIDATION_URL = "/sprint.sprint.v1.MsgSubmitProofValidation"


# --- stateless checks and signers ------------------------------------------------------------------


def validate_commit(msg: MsgCommitSeed) -> None:
    _address(msg.worker, "worker")
    if len(msg.commitment) != keys.COMMITMENT_LENGTH:
        raise ErrInvalidRequest(f"commitment must be {keys.COMMITMENT_LENGTH} bytes, got {len(msg.commitment)}")


def validate_reveal(msg: MsgRevealSeed) -> None:
    _address(msg.worker, "worker")
    if len(msg.secret) != keys.SECRET_LENGTH:
        raise ErrInvalidRequest(f"secret must be {keys.SECRET_LENGTH} bytes, got {len(msg.secret)}")


def validate_batch(msg: MsgSubmitProofBatch) -> None:
    _address(msg.worker, "worker")
    if not msg.nonces:
        raise ErrInvalidRequest("a proof batch needs at least one nonce")
    if len(msg.nonces) != len(msg.distances):
        raise ErrInvalidRequest(f"a proof batch needs one distance per nonce: {len(msg.nonces)} nonces, "
                                f"{len(msg.distances)} distances")


def validate_validation(msg: MsgSubmitProofValidation) -> None:
    _address(msg.worker, "worker")
    _address(msg.prover, "prover")
    if msg.mismatches > msg.checked:
        raise ErrInvalidRequest(f"mismatches ({msg.mismatches}) cannot exceed checked nonces ({msg.checked})")


# --- shared stateful checks --------------------------------------------------------------------


def worker_host(ctx: Context, keepers, worker: str) -> tuple[bytes, Host]:
    """(operator address, Host) of the non-banned host whose worker account is `worker`."""
    return shared_worker_host(ctx, keepers.hosts, worker, "the Sprint")


def check_window(ctx: Context, keepers, epoch: int, first_phase: int, last_phase: int, what: str):
    """Params, after checking the block lies in [first_phase, last_phase] of `epoch` (SprintKeeper.check_window)."""
    return keepers.sprint.check_window(ctx, epoch, first_phase, last_phase, what)


# --- handlers --------------------------------------------------------------------------------------


def handle_commit(ctx: Context, keepers, msg: MsgCommitSeed) -> None:
    operator, host = worker_host(ctx, keepers, msg.worker)
    check_window(ctx, keepers, msg.epoch, PHASE_COMMIT, PHASE_COMMIT, "seed commitments")
    sprint = keepers.sprint
    if sprint.get_commitment(ctx.store, msg.epoch, operator) is not None:
        raise ErrInvalidRequest(f"host {host.operator} already committed a seed in epoch {msg.epoch}")
    sprint.set_commitment(ctx.store, msg.epoch, operator, msg.commitment)
    summary = sprint.new_summary(msg.epoch, operator)
    summary.committed = True
    sprint.set_summary(ctx.store, msg.epoch, operator, summary)
    ctx.emit("sprint_commit", ("epoch", str(msg.epoch)), ("host", host.operator),
             ("commitment", msg.commitment.hex()))


def handle_reveal(ctx: Context, keepers, msg: MsgRevealSeed) -> None:
    operator, host = worker_host(ctx, keepers, msg.worker)
    check_window(ctx, keepers, msg.epoch, PHASE_REVEAL, PHASE_REVEAL, "seed reveals")
    sprint = keepers.sprint
    committed = sprint.get_commitment(ctx.store, msg.epoch, operator)
    if committed is None:
        raise ErrInvalidRequest(f"host {host.operator} did not commit a seed in epoch {msg.epoch}; "
                                "there is nothing to reveal")
    if sprint.get_reveal(ctx.store, msg.epoch, operator) is not None:
        raise ErrInvalidRequest(f"host {host.operator} already revealed its seed in epoch {msg.epoch}")
    if randomness.commitment(msg.epoch, operator, msg.secret) != committed:
        raise ErrInvalidRequest(f"reveal does not match the commitment of host {host.operator} in epoch {msg.epoch}")
    sprint.set_reveal(ctx.store, msg.epoch, operator, msg.secret)
    summary = sprint.get_summary(ctx.store, msg.epoch, operator)
    summary.revealed = True
    summary.status = PROOF_STATUS_PENDING
    sprint.set_summary(ctx.store, msg.epoch, operator, summary)
    ctx.emit("sprint_reveal", ("epoch", str(msg.epoch)), ("host", host.operator), ("secret", msg.secret.hex()))


def _check_nonces(ctx: Context, keepers, params, operator: bytes, msg: MsgSubmitProofBatch) -> None:
    if len(msg.nonces) > params.max_batch_nonces:
        raise ErrInvalidRequest(f"a proof batch holds at most {params.max_batch_nonces} nonces, got {len(msg.nonces)}")
    seen: dict[int, int] = {}
    for index, (nonce, distance) in enumerate(zip(msg.nonces, msg.distances)):
        if nonce >= params.max_nonce:
            raise ErrInvalidRequest(f"nonce {nonce} is not below max_nonce {params.max_nonce}")
        if distance >= params.distance_threshold_micro:
            raise ErrInvalidRequest(f"claimed distance {distance} of nonce {nonce} is not below the threshold "
                                    f"{params.distance_threshold_micro}")
        if nonce in seen:
            raise ErrInvalidRequest(f"nonce {nonce} appears twice in the batch (positions {seen[nonce]} and {index})")
        seen[nonce] = index
        if keepers.sprint.has_proof(ctx.store, msg.epoch, operator, nonce):
            raise ErrInvalidRequest(f"nonce {nonce} was already submitted in epoch {msg.epoch}")


def handle_batch(ctx: Context, keepers, msg: MsgSubmitProofBatch) -> None:
    operator, host = worker_host(ctx, keepers, msg.worker)
    params = check_window(ctx, keepers, msg.epoch, PHASE_SPRINT, PHASE_PROOF, "proof batches")
    sprint = keepers.sprint
    summary = sprint.get_summary(ctx.store, msg.epoch, operator)
    if summary is None or not summary.revealed:
        reason = "it committed but did not reveal its seed" if summary is not None else "it did not commit a seed"
        raise ErrUnauthorized(f"host {host.operator} cannot submit proofs in epoch {msg.epoch}: {reason}")
    _check_nonces(ctx, keepers, params, operator, msg)
    total = summary.nonce_count + len(msg.nonces)
    if total > params.max_nonces_per_epoch:
        raise ErrInvalidRequest(f"host {host.operator} would hold {total} nonces in epoch {msg.epoch}, "
                                f"above max_nonces_per_epoch {params.max_nonces_per_epoch}")
    for nonce, distance in zip(msg.nonces, msg.distances):
        sprint.set_proof(ctx.store, msg.epoch, operator, nonce, distance)
    summary.nonce_count = total
    summary.batches += 1
    sprint.set_summary(ctx.store, msg.epoch, operator, summary)
    ctx.emit("sprint_proof_batch", ("epoch", str(msg.epoch)), ("host", host.operator),
             ("nonces", str(len(msg.nonces))), ("total_nonces", str(total)))


def handle_validation(ctx: Context, keepers, msg: MsgSubmitProofValidation) -> None:
    operator, host = worker_host(ctx, keepers, msg.worker)
    check_window(ctx, keepers, msg.epoch, PHASE_VALIDATION, PHASE_VALIDATION, "proof validations")
    sprint = keepers.sprint
    prover = _address(msg.prover, "prover")
    if not sprint.is_assigned(ctx.store, msg.epoch, operator, prover):
        raise ErrUnauthorized(f"host {host.operator} is not assigned to validate {msg.prover} in epoch {msg.epoch}")
    if sprint.get_vote(ctx.store, msg.epoch, prover, operator) is not None:
        raise ErrInvalidRequest(f"host {host.operator} already voted on {msg.prover} in epoch {msg.epoch}")
    vote = Validation(epoch=msg.epoch, prover=msg.prover, validator=host.operator, approve=msg.approve,
                      checked=msg.checked, mismatches=msg.mismatches, height=ctx.block.height)
    sprint.set_vote(ctx.store, msg.epoch, prover, operator, vote)
    summary = sprint.get_summary(ctx.store, msg.epoch, prover)
    if msg.approve:
        summary.approve_weight += host.weight
    else:
        summary.reject_weight += host.weight
    sprint.set_summary(ctx.store, msg.epoch, prover, summary)
    ctx.emit("sprint_validation", ("epoch", str(msg.epoch)), ("prover", msg.prover), ("validator", host.operator),
             ("approve", "true" if msg.approve else "false"), ("weight", str(host.weight)),
             ("checked", str(msg.checked)), ("mismatches", str(msg.mismatches)))


class MsgServer:
    """Handles sprint.sprint.v1.Msg with the sprint keeper and the hosts keeper (who may send)."""

    def __init__(self, deps: SprintDeps):
        self.deps = deps

    def commit_seed(self, ctx: Context, msg: MsgCommitSeed) -> None:
        handle_commit(ctx, self.deps, msg)

    def reveal_seed(self, ctx: Context, msg: MsgRevealSeed) -> None:
        handle_reveal(ctx, self.deps, msg)

    def submit_proof_batch(self, ctx: Context, msg: MsgSubmitProofBatch) -> None:
        handle_batch(ctx, self.deps, msg)

    def submit_proof_validation(self, ctx: Context, msg: MsgSubmitProofValidation) -> None:
        handle_validation(ctx, self.deps, msg)

    def routes(self) -> list[tuple[str, Route]]:
        """(type URL, Route) of the four sprint messages."""
        return [
            (MSG_COMMIT_SEED_URL, Route(MsgCommitSeed, worker_signers, validate_commit, self.commit_seed)),
            (MSG_REVEAL_SEED_URL, Route(MsgRevealSeed, worker_signers, validate_reveal, self.reveal_seed)),
            (MSG_SUBMIT_PROOF_BATCH_URL,
             Route(MsgSubmitProofBatch, worker_signers, validate_batch, self.submit_proof_batch)),
            (MSG_SUBMIT_PROOF_VALIDATION_URL,
             Route(MsgSubmitProofValidation, worker_signers, validate_validation, self.submit_proof_validation)),
        ]
