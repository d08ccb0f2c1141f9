"""Validation secrets: MsgCommitValidationSecret and MsgRevealValidationSecret, plus the checks the
verification handlers share (sender's host, epoch windows).

Rules (a failing rule raises an SDK error and changes nothing):
- the signer is the worker account of a registered host that is not BANNED (ErrUnauthorized);
- commit: in the commit phase of `epoch`, once per host and epoch, a 32-byte commitment;
- reveal: in the settlement phase of `epoch`, once, after a commit, a 32-byte secret with
  duties.commitment(epoch, operator, secret) == the commitment.
Outside its window a message fails with a log starting "early:" or "late:" naming the window.
"""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import Host
from sprint.inference.v1.inference_pb2 import ValidationSecret
from sprint.inference.v1.tx_pb2 import MsgCommitValidationSecret, MsgRevealValidationSecret
from sprint.sprint.v1.sprint_pb2 import PHASE_COMMIT, PHASE_SETTLEMENT

from chain.context import Context
from chain.errors import ErrInvalidRequest
from chain.modules.hosts.worker_auth import parse_address  # noqa: F401 (shared by verification.py)
from chain.modules.hosts.worker_auth import worker_host as shared_worker_host
from chain.modules.inference import duties


# --- shared helpers ----------------------------------------------------------------------------


def worker_host(ctx: Context, keepers, worker: str) -> tuple[bytes, Host]:
    """(operator address, Host) of the non-banned host whose worker account is `worker`."""
    return shared_worker_host(ctx, keepers.hosts, worker, "verification")


def check_phase(ctx: Context, keepers, epoch: int, phase: int, what: str) -> None:
    """Raise unless the block lies in `phase` of `epoch` ("early:"/"late:" naming the window)."""
    keepers.sprint.check_window(ctx, epoch, phase, phase, what)


# --- commit / reveal ---------------------------------------------------------------------------


def validate_commit(msg: MsgCommitValidationSecret) -> None:
    parse_address(msg.worker, "worker")
    if len(msg.commitment) != duties.COMMITMENT_LENGTH:
        raise ErrInvalidRequest(f"commitment must be {duties.COMMITMENT_LENGTH} bytes, got {len(msg.commitment)}")


def validate_reveal(msg: MsgRevealValidationSecret) -> None:
    parse_address(msg.worker, "worker")
    if len(msg.secret) != duties.SECRET_LENGTH:
        raise ErrInvalidRequest(f"secret must be {duties.SECRET_LENGTH} bytes, got {len(msg.secret)}")


def handle_commit(ctx: Context, keepers, msg: MsgCommitValidationSecret) -> None:
    """Store the host's validation-secret commitment for `msg.epoch`."""
    operator, host = worker_host(ctx, keepers, msg.worker)
    check_phase(ctx, keepers, msg.epoch, PHASE_COMMIT, "validation secret commitments")
    if keepers.inference.verification.get_secret(ctx.store, msg.epoch, operator) is not None:
        raise ErrInvalidRequest(f"host {host.operator} already committed a validation secret for epoch {msg.epoch}")
    keepers.inference.verification.set_secret(ctx.store, msg.epoch, operator,
                      ValidationSecret(host=host.operator, epoch=msg.epoch, commitment=msg.commitment))
    ctx.emit("inference_secret_commit", ("epoch", str(msg.epoch)), ("host", host.operator),
             ("commitment", msg.commitment.hex()))


def handle_reveal(ctx: Context, keepers, msg: MsgRevealValidationSecret) -> None:
    """Open the host's commitment for `msg.epoch`; the secret then proves or refutes its checks."""
    operator, host = worker_host(ctx, keepers, msg.worker)
    check_phase(ctx, keepers, msg.epoch, PHASE_SETTLEMENT, "validation secret reveals")
    record = keepers.inference.verification.get_secret(ctx.store, msg.epoch, operator)
    if record is None:
        raise ErrInvalidRequest(f"host {host.operator} did not commit a validation secret for epoch {msg.epoch}; "
                                "there is nothing to reveal")
    if record.secret:
        raise ErrInvalidRequest(f"host {host.operator} already revealed its validation secret for epoch {msg.epoch}")
    if duties.commitment(msg.epoch, operator, msg.secret) != record.commitment:
        raise ErrInvalidRequest(f"secret does not match the validation secret commitment of host {host.operator} "
                                f"for epoch {msg.epoch}")
    record.secret = msg.secret
    keepers.inference.verification.set_secret(ctx.store, msg.epoch, operator, record)
    ctx.emit("inference_secret_reveal", ("epoch", str(msg.epoch)), ("host", host.operator),
             ("secret", msg.secret.hex()))
