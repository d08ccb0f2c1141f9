"""Every directory in chain/modules/ is one module with the same shape, registered as an AppModule:
keys.py (PREFIXES), keeper.py, msg_server.py (or a stated reason for having none), query_server.py,
genesis.py, module.py, expected_keepers.py, and abci.py exactly when it has block hooks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chain.modules import registry
from chain.modules.module import AppModule

MODULES_DIR = Path(registry.__file__).parent
REQUIRED = ("keys.py", "keeper.py", "query_server.py", "genesis.py", "module.py", "expected_keepers.py")
KEEPER_NAMES = ("auth", "bank", "hosts", "staking", "sprint", "inference", "reputation", "rewards")
PACKAGES = sorted(p.name for p in MODULES_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _modules() -> dict[str, AppModule]:
    return {m.name: m for m in registry.ModuleManager(registry.build_keepers()).modules}


def test_every_module_directory_is_registered_once_as_an_app_module():
    modules = registry.ModuleManager(registry.build_keepers()).modules
    assert sorted(m.name for m in modules) == PACKAGES
    assert len({m.name for m in modules}) == len(modules)
    assert all(isinstance(m, AppModule) for m in modules)


@pytest.mark.parametrize("name", PACKAGES)
def test_module_directory_has_the_common_shape(name):
    module = _modules()[name]
    folder = MODULES_DIR / name
    missing = [f for f in REQUIRED if not (folder / f).exists()]
    assert not missing, f"chain/modules/{name} lacks {missing}"
    has_msg_server = (folder / "msg_server.py").exists()
    assert has_msg_server != bool(module.no_msg_server_reason), \
        f"{name}: a msg_server.py, or no_msg_server_reason on its AppModule (not both)"
    assert bool(module.routes()) == has_msg_server
    assert (folder / "abci.py").exists() == module.has_block_hooks(), f"{name}: abci.py holds its block hooks"
    keys = __import__(f"chain.modules.{name}.keys", fromlist=["PREFIXES"])
    assert tuple(module.prefixes) == tuple(keys.PREFIXES)


@pytest.mark.parametrize("name", PACKAGES)
def test_no_module_imports_another_modules_msg_server(name):
    for path in sorted((MODULES_DIR / name).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                imported = parts + [a.name for a in node.names]
                foreign = parts[:2] == ["chain", "modules"] and len(parts) > 2 and parts[2] != name
                assert not (foreign and "msg_server" in imported), f"{path.name} imports {node.module}"


def test_chain_has_no_import_guards_or_attribute_probes():
    chain_dir = MODULES_DIR.parent
    for path in sorted(chain_dir.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = [n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)]
                assert "ImportError" not in names and "ModuleNotFoundError" not in names, \
                    f"{path.relative_to(chain_dir)}:{node.lineno} guards an import"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr":
                raise AssertionError(f"{path.relative_to(chain_dir)}:{node.lineno} probes with hasattr")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                    and len(node.args) == 3 and isinstance(node.args[1], ast.Constant)
                    and node.args[1].value in KEEPER_NAMES):
                raise AssertionError(f"{path.relative_to(chain_dir)}:{node.lineno} probes for a keeper")


def test_genesis_hooks_have_one_return_type_and_the_genesis_tool_reuses_auth_and_bank_rules():
    from genesis.app_state import GenesisError, build_app_state, validate_app_state

    manager = registry.ModuleManager(registry.build_keepers())
    for module in manager.modules:
        assert module.validate_genesis(module.default_genesis()) is None, module.name
    state = build_app_state([("sprint1qypqzqspqgqsyqgzqypqzqspqgqsyqgz85km3s", 5)])
    state["bank"]["balances"][0]["coins"][0]["denom"] = "!bad"
    state["bank"]["supply"][0]["denom"] = "!bad"
    with pytest.raises(GenesisError, match="app_state.bank"):  # the tool alone accepted any non-empty denom
        validate_app_state(state)
