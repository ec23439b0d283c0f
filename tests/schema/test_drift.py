"""The committed SDL files, supergraph and event catalogue match what the code produces."""

from __future__ import annotations

import subprocess
import sys

from mediagateway.schema_export import ROOT, stale_event_files, stale_files


def test_subgraph_sdl_files_match_the_code() -> None:
    assert stale_files() == [], "run: .venv/bin/python -m mediagateway.schema_export"


def test_event_catalogue_files_match_the_contracts() -> None:
    assert stale_event_files() == [], "run: .venv/bin/python -m mediagateway.schema_export --events"


def test_supergraph_matches_the_subgraph_files() -> None:
    check = subprocess.run(
        [sys.executable, "-m", "mediagateway.schema_export", "--check"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
