"""The node package must never import torch (docs/architecture.md): torch lives behind the `worker` extra."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ["chain.app", "abci_app.node", "abci_app.cli.main", "abci_app.grpc.server", "abci_app.abci_server"]

SCRIPT = """
import importlib, json, sys
for name in {modules!r}:
    importlib.import_module(name)
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'numpy', 'worker'))
print(json.dumps(heavy))
"""


def test_node_modules_do_not_import_torch():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(modules=NODE_MODULES)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, f"importing the node modules failed:\n{proc.stderr}"
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not [m for m in loaded if m.split(".")[0] == "torch"], f"torch was imported: {loaded}"
    assert not [m for m in loaded if m.split(".")[0] == "worker"], f"the worker package was imported: {loaded}"
