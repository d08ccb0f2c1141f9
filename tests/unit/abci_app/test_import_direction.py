"""abci_app (the node) imports genesis; genesis never imports abci_app, in either a top-level or a
function-level import. The node-home file formats genesis writes (app.toml, keyring, blob store and
the limits app.toml carries) live in genesis/; abci_app keeps re-export shims at their old paths."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHIMS = {"abci_app/node_config.py": "genesis.node_config", "abci_app/keyring.py": "genesis.keyring",
         "abci_app/blobs/store.py": "genesis.blob_store", "abci_app/blobs/limits.py": "genesis.blob_limits",
         "abci_app/grpc/limits.py": "genesis.grpc_limits"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import statement in `path`, wherever it sits."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.extend([(node.lineno, node.module)] + [
                (node.lineno, f"{node.module}.{alias.name}") for alias in node.names if node.module == "abci_app"])
    return found


def _is_abci_app(module: str) -> bool:
    return module == "abci_app" or module.startswith("abci_app.")


def test_genesis_does_not_import_abci_app():
    offenders = []
    for path in sorted((ROOT / "genesis").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        offenders += [f"{rel}:{line} imports {module}" for line, module in imported_modules(path)
                      if _is_abci_app(module)]
    assert not offenders, "genesis/ must not import abci_app (abci_app imports genesis):\n" + "\n".join(offenders)


def test_the_old_node_format_paths_are_shims_over_genesis():
    for rel, target in SHIMS.items():
        assert [module for _, module in imported_modules(ROOT / rel)] == [target], rel


def test_the_scan_sees_function_level_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from abci_app.cli.common import CliError\n    import abci_app.keyring\n")
    assert [m for _, m in imported_modules(sample)] == ["abci_app.cli.common", "abci_app.keyring"]


def test_abci_app_imports_genesis_for_homes_and_errors():
    modules = {module for path in (ROOT / "abci_app").rglob("*.py") for _, module in imported_modules(path)}
    assert {"genesis.errors", "genesis.cometbft_home", "genesis.testnet"} <= modules
