"""Write subgraph SDL files, the composed supergraph and the event catalogue to `schema/`.

`python -m mediagateway.schema_export` writes them all; `--events` writes only the event
catalogue (`schema/events/<stream>.json`, from `subgraphs.common.contracts`) and leaves the SDL
as it is; with `--check` it writes nothing and exits 1 when a committed file differs from what
the code produces.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from mediagateway.registry import SUBGRAPHS
from subgraphs.common.contracts import CATALOGUE

__all__ = ["EVENTS_DIR", "SCHEMA_DIR", "export_event", "export_sdl", "stale_event_files",
           "stale_files", "write_event_files"]

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
EVENTS_DIR = SCHEMA_DIR / "events"


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


def export_event(name: str) -> str:
    return json.dumps(CATALOGUE[name].document(), indent=2) + "\n"


def stale_event_files(directory: Path = EVENTS_DIR) -> list[str]:
    """Event catalogue files that differ from the contracts, are missing, or name a stream
    that has no contract any more."""
    stale = [
        f"{name}.json" for name in CATALOGUE
        if not (directory / f"{name}.json").exists()
        or (directory / f"{name}.json").read_text() != export_event(name)
    ]
    wanted = {f"{name}.json" for name in CATALOGUE}
    return stale + sorted(p.name for p in directory.glob("*.json") if p.name not in wanted)


def write_event_files(directory: Path = EVENTS_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in CATALOGUE:
        (directory / f"{name}.json").write_text(export_event(name))
    for path in directory.glob("*.json"):  # a stream whose contract was removed
        if path.stem not in CATALOGUE:
            path.unlink()


def _compose(check: bool) -> int:
    command = ["node", "compose.mjs", *(["--check"] if check else [])]
    return subprocess.run(command, cwd=ROOT / "router").returncode


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = stale_files()
        for name in stale:
            print(f"schema/{name}.graphql is out of date", file=sys.stderr)
        stale_events = stale_event_files()
        for file in stale_events:
            print(f"schema/events/{file} differs from subgraphs/common/contracts", file=sys.stderr)
        return 1 if stale or stale_events or _compose(check=True) else 0
    write_event_files()
    if "--events" in argv:
        return 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name in SUBGRAPHS:
        (SCHEMA_DIR / f"{name}.graphql").write_text(export_sdl(name))
    return _compose(check=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
