"""Write subgraph SDL files and the composed supergraph to `schema/`.

`python -m mediagateway.schema_export`; with `--check` it writes nothing and exits 1 when a
committed file differs from what the code produces.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from mediagateway.registry import SUBGRAPHS

__all__ = ["SCHEMA_DIR", "export_sdl", "stale_files"]

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"


def export_sdl(name: str) -> str:
    schema = importlib.import_module(f"{SUBGRAPHS[name].package}.schema").schema
    return schema.as_str() + "\n"


def stale_files() -> list[str]:
    """Subgraph SDL files that differ from the code."""
    return [
        name
        for name in SUBGRAPHS
        if not (SCHEMA_DIR / f"{name}.graphql").exists()
        or (SCHEMA_DIR / f"{name}.graphql").read_text() != export_sdl(name)
    ]


def _compose(check: bool) -> int:
    command = ["node", "compose.mjs", *(["--check"] if check else [])]
    return subprocess.run(command, cwd=ROOT / "router").returncode


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = stale_files()
        for name in stale:
            print(f"schema/{name}.graphql is out of date", file=sys.stderr)
        return 1 if stale or _compose(check=True) else 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name in SUBGRAPHS:
        (SCHEMA_DIR / f"{name}.graphql").write_text(export_sdl(name))
    return _compose(check=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
