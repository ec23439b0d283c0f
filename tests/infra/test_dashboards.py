"""The Grafana dashboards (infra/monitoring/dashboards) load as Grafana dashboards, every panel
queries Prometheus through the dashboard's data source variable, and every query names only
series and labels that exist and parses as PromQL."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.infra.metrics import problems, series

DASHBOARDS = Path(__file__).resolve().parents[2] / "infra" / "monitoring" / "dashboards"
REQUIRED = {"overview", "subgraph", "sync", "search", "recommendations", "auth"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


def _dashboards() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def _panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    panels = []
    for panel in board["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))  # a collapsed row holds its panels
    return panels


def _exprs() -> list[tuple[str, str, str]]:
    """(dashboard, panel title, expr) for every query of every panel."""
    return [(name, panel["title"], target["expr"]) for name, board in _dashboards().items()
            for panel in _panels(board) if panel["type"] != "row"
            for target in panel["targets"]]


def test_every_required_dashboard_exists_once() -> None:
    boards = _dashboards()
    assert set(boards) >= REQUIRED, sorted(REQUIRED - set(boards))
    uids = [board["uid"] for board in boards.values()]
    titles = [board["title"] for board in boards.values()]
    assert len(set(uids)) == len(uids) and len(set(titles)) == len(titles)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_the_dashboard_has_grafanas_shape(name: str) -> None:
    board = _dashboards()[name]
    assert re.fullmatch(r"[a-zA-Z0-9_-]{1,40}", board["uid"]), board["uid"]
    assert board["title"].strip()
    assert isinstance(board["schemaVersion"], int) and board["schemaVersion"] >= 36
    assert board["time"]["from"] and board["time"]["to"]
    variables = {v["name"]: v for v in board["templating"]["list"]}
    # Panels point at ${datasource}: the dashboard imports into any Grafana's Prometheus.
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    panels = _panels(board)
    assert [p for p in panels if p["type"] != "row"], name
    ids = [p["id"] for p in panels]
    assert len(set(ids)) == len(ids), "panel ids repeat"
    for panel in panels:
        grid = panel["gridPos"]
        assert {"h", "w", "x", "y"} <= set(grid) and grid["x"] + grid["w"] <= 24, panel["title"]
        if panel["type"] == "row":
            continue
        assert panel["title"].strip()
        assert panel["type"] in {"timeseries", "stat", "gauge", "bargauge", "table"}
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE, panel["title"]
            assert target["refId"] and target["expr"].strip(), panel["title"]
        refs = [t["refId"] for t in panel["targets"]]
        assert len(set(refs)) == len(refs), panel["title"]
    # A template variable used in a query is defined, and queries label values that exist.
    used = {v for board_name, _, expr in _exprs() if board_name == name
            for v in re.findall(r"\$(\w+)", expr)}
    assert "__rate_interval" in used  # rates follow the scrape interval Grafana knows
    assert used - {"__rate_interval", "__interval", "__range"} <= set(variables), used
    known = series()
    for variable in variables.values():
        if variable["type"] == "query":
            for query in (variable["definition"], variable["query"]["query"]):
                match = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", query)
                assert match, query
                assert match.group(2) in known[match.group(1)], query


def test_every_query_names_only_series_and_labels_that_exist() -> None:
    found = [(name, title, wrong) for name, title, expr in _exprs()
             for wrong in problems(expr)]
    assert found == []


# What Grafana puts in place of its variables before Prometheus sees a query.
SUBSTITUTES = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h",
               "$subgraph": "content"}


@pytest.mark.skipif(shutil.which("promtool") is None,
                    reason="promtool is missing (Debian package `prometheus`; scripts/test "
                           "installs it when absent, so CI runs this)")
def test_every_query_parses_as_promql(tmp_path: Path) -> None:
    # promtool parses each expression as a recording rule's: a typo fails here, not on a
    # dashboard showing "no data".
    rules = []
    for i, (_, _, expr) in enumerate(_exprs()):
        for variable, value in SUBSTITUTES.items():
            expr = expr.replace(variable, value)
        assert "$" not in expr, expr
        rules.append({"record": f"dashboard:query:{i}", "expr": expr})
    path = tmp_path / "dashboards.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    checked = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
