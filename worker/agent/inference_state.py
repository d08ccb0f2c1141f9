"""Crash-safe inference state of the worker (JSON next to the sprint state, written atomically).

What must survive a kill -9 is written here *before* the worker acts on it: the per-epoch
validation secret before MsgCommitValidationSecret is broadcast, and every result/verdict about to
be broadcast (with the height) so a restart does not send a second message for the same job while
the first may still land. The chain stays the authority on what was recorded.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from worker.agent.state import InFlight

KEEP_EPOCHS = 3
KEEP_JOBS = 2000
MAX_ATTEMPTS = 3


@dataclass
class SecretState:
    """One epoch's validation secret and the txs that committed/revealed it."""

    epoch: int
    secret: str = ""  # hex; written before the commit is broadcast
    commit_tx: InFlight | None = None
    reveal_tx: InFlight | None = None


@dataclass
class Sent:
    """A result or verdict for one job: the tx carrying it (empty hash while broadcasting)."""

    job_id: int
    kind: str  # "result" | "check" | "vote"
    tx_hash: str = ""
    height: int = 0
    attempts: int = 0  # broadcasts that did not land; the job is given up after MAX_ATTEMPTS
    solo: bool = False  # its batch failed: send it alone next time


def _secret_from_dict(raw: dict) -> SecretState:
    st = SecretState(raw["epoch"], raw.get("secret", ""))
    st.commit_tx = InFlight(**raw["commit_tx"]) if raw.get("commit_tx") else None
    st.reveal_tx = InFlight(**raw["reveal_tx"]) if raw.get("reveal_tx") else None
    return st


@dataclass
class InferenceState:
    path: Path
    secrets: dict[int, SecretState] = field(default_factory=dict)
    sent: dict[int, Sent] = field(default_factory=dict)  # job id -> last result/verdict sent

    @classmethod
    def load(cls, path: str | Path) -> "InferenceState":
        state = cls(Path(path))
        if state.path.exists():
            raw = json.loads(state.path.read_text())
            state.secrets = {int(k): _secret_from_dict(v) for k, v in raw.get("secrets", {}).items()}
            state.sent = {int(k): Sent(**v) for k, v in raw.get("sent", {}).items()}
        return state

    def secret(self, epoch: int) -> SecretState:
        if epoch not in self.secrets:
            self.secrets[epoch] = SecretState(epoch)
            for old in sorted(self.secrets)[:-KEEP_EPOCHS]:
                del self.secrets[old]
        return self.secrets[epoch]

    def save(self) -> None:
        for old in sorted(self.sent)[:-KEEP_JOBS]:
            del self.sent[old]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = {"secrets": {str(k): asdict(v) for k, v in sorted(self.secrets.items())},
                "sent": {str(k): asdict(v) for k, v in sorted(self.sent.items())}}
        with open(tmp, "w") as fh:
            json.dump(data, fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
