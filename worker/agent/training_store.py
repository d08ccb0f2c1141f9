"""The prover's checkpoint states on disk, one folder per job under <worker home>/training/.

    job-<id>/<k>.weights     weights blob of the state after interval k (safetensors)
    job-<id>/<k>.optim       optimizer blob of that state
    job-<id>/leaves.json     {k: [weights_sha256, optim_sha256, loss_micro]} for every interval it trained

Files are written atomically (temp file, fsync, rename) so a kill -9 leaves either the old or the
new file. Reveals need the leaves of whole segments (audit paths) and the states of the sampled
intervals; `prune` drops states no longer needed and `drop_job` the whole folder once the job has
finished or moved to another host, so the disk use is bounded by the states of unverified segments.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class TrainingStore:
    """Interval states and leaves of the jobs this host trains."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def job_dir(self, job_id: int) -> Path:
        return self.root / f"job-{job_id}"

    def job_ids(self) -> list[int]:
        """Jobs with a folder here, ascending."""
        if not self.root.is_dir():
            return []
        out = []
        for path in self.root.iterdir():
            if path.is_dir() and path.name.startswith("job-") and path.name[4:].isdigit():
                out.append(int(path.name[4:]))
        return sorted(out)

    # ------------------------------------------------------------------ states

    def put_state(self, job_id: int, interval: int, weights: bytes, optim: bytes, loss_micro: int) -> tuple[str, str]:
        """Keep the state after `interval` and its leaf data; returns (weights_sha256, optim_sha256)."""
        folder = self.job_dir(job_id)
        folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(folder / f"{interval}.weights", weights)
        _atomic_write(folder / f"{interval}.optim", optim)
        hashes = (hashlib.sha256(weights).hexdigest(), hashlib.sha256(optim).hexdigest())
        leaves = self.leaves(job_id)
        leaves[interval] = (hashes[0], hashes[1], int(loss_micro))
        self._write_leaves(job_id, leaves)
        return hashes

    def state(self, job_id: int, interval: int, weights_sha256: str = "", optim_sha256: str = "") -> tuple[bytes, bytes] | None:
        """(weights, optim) after `interval`, or None when missing or (given hashes) not matching."""
        folder = self.job_dir(job_id)
        try:
            weights = (folder / f"{interval}.weights").read_bytes()
            optim = (folder / f"{interval}.optim").read_bytes()
        except OSError:
            return None
        if weights_sha256 and hashlib.sha256(weights).hexdigest() != weights_sha256:
            return None
        if optim_sha256 and hashlib.sha256(optim).hexdigest() != optim_sha256:
            return None
        return weights, optim

    # ------------------------------------------------------------------ leaves

    def leaves(self, job_id: int) -> dict[int, tuple[str, str, int]]:
        path = self.job_dir(job_id) / "leaves.json"
        try:
            raw = json.loads(path.read_text())
        except (OSError, ValueError):
            return {}
        return {int(k): (v[0], v[1], int(v[2])) for k, v in raw.items()}

    def _write_leaves(self, job_id: int, leaves: dict) -> None:
        data = json.dumps({str(k): list(v) for k, v in sorted(leaves.items())}, sort_keys=True).encode()
        _atomic_write(self.job_dir(job_id) / "leaves.json", data)

    # ------------------------------------------------------------------ bounds

    def prune(self, job_id: int, keep: set[int]) -> int:
        """Delete the state files of intervals not in `keep`; returns how many states went."""
        folder = self.job_dir(job_id)
        if not folder.is_dir():
            return 0
        gone = 0
        for path in folder.glob("*.weights"):
            stem = path.name.split(".", 1)[0]
            if stem.isdigit() and int(stem) not in keep:
                path.unlink(missing_ok=True)
                (folder / f"{stem}.optim").unlink(missing_ok=True)
                gone += 1
        return gone

    def drop_job(self, job_id: int) -> None:
        shutil.rmtree(self.job_dir(job_id), ignore_errors=True)

    def size_bytes(self) -> int:
        if not self.root.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())
