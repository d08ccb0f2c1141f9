"""SprintKeeper: the only code that touches the sprint prefixes (0x30-0x3f, see keys.py)."""

from __future__ import annotations

from sprint.sprint.v1.sprint_pb2 import Params, ProofSummary, Validation

from chain.context import Context
from chain.errors import ErrInvalidRequest
from chain.modules.sprint import keys
from chain.modules.sprint.epochs import Bounds, bounds, epoch_number
from chain.tx.crypto import encode_address


class SprintKeeper:
    """Params, per-epoch seeds, commits, reveals, proofs, summaries, votes, assignments, last powers."""

    # --- params and epochs ---------------------------------------------------------------------

    def get_params(self, store) -> Params:
        raw = store.get(keys.PARAMS_KEY)
        if raw is None:
            raise RuntimeError("sprint params missing: the chain was not initialised")
        return Params.FromString(raw)

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())

    def current_bounds(self, store, height: int) -> tuple[Params, Bounds]:
        """(params, bounds of the epoch containing `height`)."""
        params = self.get_params(store)
        return params, bounds(params, epoch_number(params, height))

    def current_epoch(self, store, height: int) -> int:
        """The epoch containing `height` (the one source of "current epoch" for every module)."""
        return epoch_number(self.get_params(store), height)

    def check_window(self, ctx: Context, epoch: int, first_phase: int, last_phase: int, what: str) -> Params:
        """Params, after checking the block lies in [first_phase, last_phase] of `epoch`; otherwise
        ErrInvalidRequest starting "early:" or "late:" and naming the window's blocks."""
        params = self.get_params(ctx.store)
        b = bounds(params, epoch)
        first, last = b.window(first_phase)[0], b.window(last_phase)[1]
        height = ctx.block.height
        if height < first:
            raise ErrInvalidRequest(f"early: {what} for epoch {epoch} are accepted in blocks {first}..{last}, "
                                    f"this is block {height}")
        if height > last:
            raise ErrInvalidRequest(f"late: {what} for epoch {epoch} were accepted in blocks {first}..{last}, "
                                    f"this is block {height}")
        return params

    # --- seeds ---------------------------------------------------------------------------------

    def get_seed(self, store, epoch: int) -> bytes:
        return store.get(keys.seed_key(epoch)) or b""

    def set_seed(self, store, epoch: int, seed: bytes) -> None:
        store.set(keys.seed_key(epoch), seed)

    def get_validation_seed(self, store, epoch: int) -> bytes:
        return store.get(keys.validation_seed_key(epoch)) or b""

    def set_validation_seed(self, store, epoch: int, seed: bytes) -> None:
        store.set(keys.validation_seed_key(epoch), seed)

    # --- commit / reveal -----------------------------------------------------------------------

    def get_commitment(self, store, epoch: int, operator: bytes) -> bytes | None:
        return store.get(keys.commit_key(epoch, operator))

    def set_commitment(self, store, epoch: int, operator: bytes, commitment: bytes) -> None:
        store.set(keys.commit_key(epoch, operator), commitment)

    def get_reveal(self, store, epoch: int, operator: bytes) -> bytes | None:
        return store.get(keys.reveal_key(epoch, operator))

    def set_reveal(self, store, epoch: int, operator: bytes, secret: bytes) -> None:
        store.set(keys.reveal_key(epoch, operator), secret)

    def reveals(self, store, epoch: int) -> list[tuple[bytes, bytes]]:
        """(operator, secret) in ascending operator order."""
        prefix = keys.epoch_prefix(keys.REVEAL_PREFIX, epoch)
        return [(keys.after(prefix, key), secret) for key, secret in store.iterate(prefix)]

    # --- summaries -----------------------------------------------------------------------------

    def get_summary(self, store, epoch: int, operator: bytes) -> ProofSummary | None:
        raw = store.get(keys.summary_key(epoch, operator))
        return ProofSummary.FromString(raw) if raw is not None else None

    def new_summary(self, epoch: int, operator: bytes) -> ProofSummary:
        return ProofSummary(epoch=epoch, host=encode_address(operator))

    def set_summary(self, store, epoch: int, operator: bytes, summary: ProofSummary) -> None:
        store.set(keys.summary_key(epoch, operator), summary.SerializeToString())

    def summaries(self, store, epoch: int) -> list[tuple[bytes, ProofSummary]]:
        """(operator, summary) of every host that took part in `epoch`, ascending by operator."""
        prefix = keys.epoch_prefix(keys.SUMMARY_PREFIX, epoch)
        return [(keys.after(prefix, key), ProofSummary.FromString(raw)) for key, raw in store.iterate(prefix)]

    # --- proofs --------------------------------------------------------------------------------

    def has_proof(self, store, epoch: int, operator: bytes, nonce: int) -> bool:
        return store.get(keys.proof_key(epoch, operator, nonce)) is not None

    def set_proof(self, store, epoch: int, operator: bytes, nonce: int, distance: int) -> None:
        store.set(keys.proof_key(epoch, operator, nonce), keys.u64(distance))

    def proofs(self, store, epoch: int, operator: bytes) -> list[tuple[int, int]]:
        """(nonce, claimed distance) ascending by nonce."""
        prefix = keys.proofs_prefix(epoch, operator)
        return [(keys.read_u64(keys.after(prefix, key)), keys.read_u64(raw)) for key, raw in store.iterate(prefix)]

    # --- assignments and votes -----------------------------------------------------------------

    def assign(self, store, epoch: int, validator: bytes, prover: bytes) -> None:
        store.set(keys.duty_key(epoch, validator, prover), b"")

    def is_assigned(self, store, epoch: int, validator: bytes, prover: bytes) -> bool:
        return store.get(keys.duty_key(epoch, validator, prover)) is not None

    def assignments(self, store, epoch: int, validator: bytes) -> list[bytes]:
        """Provers `validator` must check in `epoch`, ascending by operator."""
        prefix = keys.duties_prefix(epoch, validator)
        return [keys.after(prefix, key) for key, _ in store.iterate(prefix)]

    def get_vote(self, store, epoch: int, prover: bytes, validator: bytes) -> Validation | None:
        raw = store.get(keys.vote_key(epoch, prover, validator))
        return Validation.FromString(raw) if raw is not None else None

    def set_vote(self, store, epoch: int, prover: bytes, validator: bytes, vote: Validation) -> None:
        store.set(keys.vote_key(epoch, prover, validator), vote.SerializeToString())

    def votes(self, store, epoch: int, prover: bytes) -> list[Validation]:
        """Votes on `prover` in `epoch`, ascending by validator operator."""
        return [Validation.FromString(raw) for _, raw in store.iterate(keys.votes_prefix(epoch, prover))]

    # --- validator powers and counters ---------------------------------------------------------

    def get_power(self, store, operator: bytes) -> tuple[int, bytes]:
        """(last CometBFT power, consensus pubkey it was given to); (0, b"") when none."""
        raw = store.get(keys.power_key(operator))
        return (keys.read_u64(raw[:8]), raw[8:]) if raw else (0, b"")

    def set_power(self, store, operator: bytes, power: int, pubkey: bytes) -> None:
        if power == 0:
            store.delete(keys.power_key(operator))
        else:
            store.set(keys.power_key(operator), keys.u64(power) + pubkey)

    def powers(self, store) -> list[tuple[bytes, int, bytes]]:
        """(operator, power, pubkey) of every host holding power, ascending by operator."""
        prefix = keys.POWER_PREFIX
        return [(keys.after(prefix, key), keys.read_u64(raw[:8]), raw[8:]) for key, raw in store.iterate(prefix)]

    def missed_reveals(self, store, operator: bytes) -> int:
        return keys.read_u64(store.get(keys.missed_reveal_key(operator)))

    def add_missed_reveal(self, store, operator: bytes) -> int:
        count = self.missed_reveals(store, operator) + 1
        store.set(keys.missed_reveal_key(operator), keys.u64(count))
        return count

    def missed_validations(self, store, operator: bytes) -> int:
        return keys.read_u64(store.get(keys.missed_validation_key(operator)))

    def add_missed_validation(self, store, operator: bytes) -> int:
        count = self.missed_validations(store, operator) + 1
        store.set(keys.missed_validation_key(operator), keys.u64(count))
        return count
