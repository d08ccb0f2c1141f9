"""The DiLoCo agent's blobs on disk, one content-addressed folder per job under <worker home>/diloco/.

    job-<id>/<aa>/<sha256>   every blob this host made (Delta, end optimizer, theta_{u+1}, momentum,
                             its rounds' interval states) or fetched for the job (theta_u, others'
                             Deltas, a checked start state)
    job-<id>/leaves/<root>.json  the interval leaves of each of its contributions (by Merkle root):
                             what a sampled-interval check's reveal opens (docs/diloco.md §5)

Writes are atomic and verified (genesis/blob_store.BlobStore), so a kill -9 leaves whole blobs only;
a blob is read back only when it still hashes to its name. `prune` keeps what the job may still need
(plan.needed_blobs plus the current round's inputs) and `drop_job` removes a finished job's folder,
so the disk holds a few rounds' blobs per active job.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable

from abci_app.blobs.store import BlobStore


class DilocoStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def job_dir(self, job_id: int) -> Path:
        return self.root / f"job-{job_id}"

    def _store(self, job_id: int) -> BlobStore:
        return BlobStore(self.job_dir(job_id))

    def keep(self, job_id: int, data: bytes) -> None:
        """Store `data` for `job_id` (by its sha256)."""
        self._store(job_id).put(data)

    def fetch(self, job_id: int, sha256: str, remote: Callable[[str], bytes]) -> bytes:
        """The blob from this job's folder when intact, else from `remote` (kept afterwards)."""
        store = self._store(job_id)
        if store.verify(sha256):
            return store.read(sha256)
        data = remote(sha256)
        store.put(data, sha256)
        return data

    def keep_leaves(self, job_id: int, root_hex: str, leaves: list[dict]) -> None:
        """Record a contribution's interval leaves ({interval, weights_sha256, optim_sha256,
        loss_micro}, in interval order) under its root (atomic write)."""
        folder = self.job_dir(job_id) / "leaves"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{root_hex}.tmp"
        tmp.write_text(json.dumps(leaves))
        os.replace(tmp, folder / f"{root_hex}.json")

    def leaves(self, job_id: int, root_hex: str) -> list[dict] | None:
        """The leaves recorded under `root_hex`, or None."""
        path = self.job_dir(job_id) / "leaves" / f"{root_hex}.json"
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def hashes(self, job_id: int) -> list[str]:
        """Blobs held for `job_id`, sorted."""
        folder = self.job_dir(job_id)
        return sorted(p.name for p in folder.glob("??/*") if p.is_file() and len(p.name) == 64)

    def prune(self, job_id: int, keep: set[str]) -> int:
        """Delete this job's blobs not in `keep`; returns how many went."""
        gone = 0
        for sha in self.hashes(job_id):
            if sha not in keep:
                self._store(job_id).path(sha).unlink(missing_ok=True)
                gone += 1
        return gone

    def job_ids(self) -> list[int]:
        if not self.root.is_dir():
            return []
        return sorted(int(p.name[4:]) for p in self.root.iterdir()
                      if p.is_dir() and p.name.startswith("job-") and p.name[4:].isdigit())

    def drop_job(self, job_id: int) -> None:
        shutil.rmtree(self.job_dir(job_id), ignore_errors=True)
