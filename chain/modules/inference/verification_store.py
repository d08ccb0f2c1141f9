"""Verification state of the inference module, kept by InferenceKeeper.verification: validation
secrets, epoch audits, open re-verifications, frauds and per-epoch job baselines (key layout in
keys.py, prefixes 0x58-0x5b and 0x5e)."""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import EpochAudit, ValidationSecret

from chain.modules.inference import keys
from chain.modules.inference.keys import ADDRESS_LENGTH, baseline_key, fraud_key, reverify_key, secret_key

_ENTRY = ADDRESS_LENGTH + 8


def pack_weights(weights: list[tuple[bytes, int]]) -> bytes:
    return b"".join(operator + keys.u64(weight) for operator, weight in weights)


def unpack_weights(raw: bytes) -> list[tuple[bytes, int]]:
    return [(raw[i:i + ADDRESS_LENGTH], keys.read_u64(raw[i + ADDRESS_LENGTH:i + _ENTRY]))
            for i in range(0, len(raw), _ENTRY)]


class VerificationStore:
    """Secrets, epoch audits, open re-verifications, fraud records and per-epoch job baselines."""

    # --- validation secrets --------------------------------------------------------------------

    def get_secret(self, store, epoch: int, operator: bytes) -> ValidationSecret | None:
        raw = store.get(secret_key(epoch, operator))
        return ValidationSecret.FromString(raw) if raw is not None else None

    def set_secret(self, store, epoch: int, operator: bytes, record: ValidationSecret) -> None:
        store.set(secret_key(epoch, operator), record.SerializeToString())

    def secrets(self, store, epoch: int) -> list[tuple[bytes, ValidationSecret]]:
        """(operator, ValidationSecret) of every host that committed in `epoch`, ascending."""
        return [(keys.split_secret_key(key), ValidationSecret.FromString(raw))
                for key, raw in store.iterate(keys.secrets_prefix(epoch))]

    def revealed_secret(self, store, epoch: int, operator: bytes) -> bytes | None:
        record = self.get_secret(store, epoch, operator)
        return record.secret if record is not None and record.secret else None

    # --- epoch audits --------------------------------------------------------------------------

    def get_audit(self, store, epoch: int) -> EpochAudit | None:
        raw = store.get(keys.epoch_audit_key(epoch))
        return EpochAudit.FromString(raw) if raw is not None else None

    def set_audit(self, store, audit: EpochAudit) -> None:
        store.set(keys.epoch_audit_key(audit.epoch), audit.SerializeToString())

    # --- open re-verifications -----------------------------------------------------------------

    def open_reverification(self, store, deadline: int, job_id: int, voters: list[tuple[bytes, int]]) -> None:
        store.set(reverify_key(deadline, job_id), pack_weights(voters))

    def is_open(self, store, deadline: int, job_id: int) -> bool:
        return store.get(reverify_key(deadline, job_id)) is not None

    def voters(self, store, deadline: int, job_id: int) -> list[tuple[bytes, int]]:
        """Eligible (operator, weight) fixed when the re-verification opened; [] when not open."""
        raw = store.get(reverify_key(deadline, job_id))
        return unpack_weights(raw) if raw else []

    def close_reverification(self, store, deadline: int, job_id: int) -> None:
        store.delete(reverify_key(deadline, job_id))

    def due_reverifications(self, store, height: int) -> list[tuple[int, int]]:
        """(deadline, job id) of open re-verifications with deadline <= height, ascending."""
        rows = []
        for key, _ in store.iterate(keys.REVERIFY_INDEX_PREFIX):
            deadline, job_id = keys.split_height_id_key(key)
            if deadline > height:
                break
            rows.append((deadline, job_id))
        return rows

    # --- frauds --------------------------------------------------------------------------------

    def add_fraud(self, store, epoch: int, executor: bytes, job_id: int) -> None:
        store.set(fraud_key(epoch, executor, job_id), b"")

    def caught(self, store, epoch: int) -> list[bytes]:
        """Executors with a confirmed fraud in `epoch`, ascending, each once."""
        found: list[bytes] = []
        for key, _ in store.iterate(keys.frauds_prefix(epoch)):
            executor = keys.split_fraud_key(key)[0]
            if not found or found[-1] != executor:
                found.append(executor)
        return found

    # --- job-count baselines -------------------------------------------------------------------

    def get_baseline(self, store, epoch: int, operator: bytes) -> tuple[int, int] | None:
        raw = store.get(baseline_key(epoch, operator))
        return (keys.read_u64(raw[:8]), keys.read_u64(raw[8:16])) if raw is not None else None

    def set_baseline(self, store, epoch: int, operator: bytes, completed: int, expired: int) -> None:
        store.set(baseline_key(epoch, operator), keys.u64(completed) + keys.u64(expired))

    def baselines(self, store, epoch: int) -> list[tuple[bytes, tuple[int, int]]]:
        return [(keys.split_baseline_key(key), (keys.read_u64(raw[:8]), keys.read_u64(raw[8:16])))
                for key, raw in store.iterate(keys.baselines_prefix(epoch))]

    def clear_baselines(self, store, epoch: int) -> None:
        for operator, _ in self.baselines(store, epoch):
            store.delete(baseline_key(epoch, operator))
