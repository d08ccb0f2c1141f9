"""docs/protocol.md names every module parameter, so the rule book cannot silently fall behind."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
MODULES = ("auth", "staking", "sprint", "inference", "reputation", "rewards", "training", "gov", "mint")
PHASES = {"commit_blocks", "reveal_blocks", "sprint_blocks", "proof_blocks", "validation_blocks",
          "settlement_blocks", "gas_costs", "denom"}  # described in words, not by field name


@pytest.mark.parametrize("module", MODULES)
def test_every_param_is_documented(module):
    params = importlib.import_module(f"chain.modules.{module}.params").default_params()
    missing = [f.name for f in params.DESCRIPTOR.fields if f.name not in PHASES and f"`{f.name}`" not in DOC]
    assert not missing, f"docs/protocol.md does not mention {module} params {missing}"
