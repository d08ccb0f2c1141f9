"""Regenerate the Python modules for every .proto under proto/sprint (run from anywhere).

Generated *_pb2.py / *_pb2_grpc.py files are committed next to their .proto files so that
installing the package needs no protoc. Cosmos/CometBFT types come from cosmpy and are never
redefined here (cosmpy already registers them; a second copy breaks the default descriptor pool).
"""

from __future__ import annotations

import sys
from pathlib import Path

from grpc_tools import protoc

import grpc_tools

ROOT = Path(__file__).resolve().parent


def main() -> int:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "sprint").rglob("*.proto"))
    well_known = str(Path(grpc_tools.__file__).parent / "_proto")
    args = ["protoc", f"-I{ROOT}", f"-I{well_known}", f"--python_out={ROOT}", f"--pyi_out={ROOT}",
            f"--grpc_python_out={ROOT}", *sources]
    code = protoc.main(args)
    if code != 0:
        print("protoc failed", file=sys.stderr)
        return code
    for directory in sorted({p.parent for p in (ROOT / "sprint").rglob("*.proto")} | {ROOT / "sprint"}):
        while directory != ROOT:
            (directory / "__init__.py").touch()
            directory = directory.parent
    print(f"generated {len(sources)} proto files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
