"""Determinism lint for consensus code (docs/architecture.md, determinism rules): an AST scan of every .py file under chain/.

Fails on float literals, `float` names/calls, true division (`/`, `/=`), imports of the wall clock or OS
randomness (`time`, `random`, `datetime`, `secrets`, `uuid`) and iteration straight over a set (a `set(...)`
call, a set literal or a set comprehension used as the iterable of a for loop or a comprehension).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHAIN = ROOT / "chain"
FORBIDDEN_MODULES = {"time", "random", "datetime", "secrets", "uuid"}


def _is_set_expr(node: ast.AST) -> bool:
    if isinstance(node, (ast.Set, ast.SetComp)):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset"):
        return True
    # set algebra on set expressions: set(a) | set(b), {..} - x
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.BitAnd, ast.Sub, ast.BitXor)):
        return _is_set_expr(node.left) or _is_set_expr(node.right)
    return False


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def _report(self, node: ast.AST, what: str) -> None:
        rel = self.path.relative_to(ROOT)
        self.problems.append(f"{rel}:{getattr(node, 'lineno', '?')}: {what}")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, (float, complex)):
            self._report(node, f"float literal {node.value!r}")

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "float":
            self._report(node, "use of `float`")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in ("float", "float32", "float64") and isinstance(node.value, ast.Name) \
                and node.value.id in ("builtins", "np", "numpy", "torch"):
            self._report(node, f"use of `{node.value.id}.{node.attr}`")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Div):
            self._report(node, "true division `/` (use // with explicit rounding)")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.op, ast.Div):
            self._report(node, "true division `/=`")
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                self._report(node, f"import of `{alias.name}`")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module.split(".")[0] in FORBIDDEN_MODULES and node.level == 0:
            self._report(node, f"import from `{node.module}`")

    def visit_For(self, node: ast.For) -> None:
        if _is_set_expr(node.iter):
            self._report(node, "for loop iterates a set (order depends on hashing): sort it")
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node: ast.comprehension) -> None:
        if _is_set_expr(node.iter):
            self._report(node.iter, "comprehension iterates a set (order depends on hashing): sort it")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        # list(set(...)), tuple({...}), "".join(set(...)), enumerate/zip over a set keep hash order too.
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name in ("list", "tuple", "enumerate", "zip", "join", "next", "iter") and any(
                _is_set_expr(arg) for arg in node.args):
            self._report(node, f"`{name}(...)` over a set keeps hash order: use sorted(...)")
        self.generic_visit(node)


def scan_source(source: str, path: Path) -> list[str]:
    scanner = _Scanner(path)
    scanner.visit(ast.parse(source, filename=str(path)))
    return scanner.problems


def test_scanner_catches_every_pattern():
    source = (
        "import time\nfrom random import randint\nimport datetime as dt\n"
        "x = 1.5\ny = float('1')\nz = a / b\nw = 10 ** 2\nq //= 3\n"
        "for k in set(items):\n    pass\n"
        "out = [k for k in {1, 2}]\n"
        "both = [k for k in set(a) | set(b)]\n"
        "l = list(set(items))\n"
        "ok = [k for k in sorted(set(items))]\n"
        "r = 1e3\n"
    )
    problems = scan_source(source, ROOT / "chain" / "example.py")
    lines = sorted({int(p.split(":")[1]) for p in problems})
    assert lines == [1, 2, 3, 4, 5, 6, 9, 11, 12, 13, 15], problems


def test_chain_package_has_no_float_wall_clock_randomness_or_set_iteration():
    files = sorted(CHAIN.rglob("*.py"))
    assert files, f"no python files found under {CHAIN}"
    problems = []
    for path in files:
        problems += scan_source(path.read_text(encoding="utf-8"), path)
    print("\n".join(problems))
    assert not problems, "non-deterministic constructs in consensus code:\n" + "\n".join(problems)
