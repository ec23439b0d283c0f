"""The alert rules load in Prometheus (promtool check), every alert fires in its unit tests and
stays quiet in another (promtool test rules), and every expression names only series and
labels that exist (the router's, the subgraphs' agreed names)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.infra.metrics import problems

MONITORING = Path(__file__).resolve().parents[2] / "infra" / "monitoring"
RULES = MONITORING / "alerts.yml"
UNIT_TESTS = sorted((MONITORING / "tests").glob("*.yml"))

# promtool ships in Debian's `prometheus` package; scripts/test installs it when missing.
PROMTOOL = pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool is missing (Debian package `prometheus`; scripts/test installs it when "
           "absent, so CI runs these)",
)


def _rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=60,
                          cwd=MONITORING)


@PROMTOOL
def test_the_rules_and_the_scrape_config_load() -> None:
    checked = _promtool("check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The scrape config names the rule file (a wrong path would load no alert at all).
    checked = _promtool("check", "config", str(MONITORING / "prometheus.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(_rules())} rules found" in checked.stdout, checked.stdout


@PROMTOOL
def test_the_alert_unit_tests_pass() -> None:
    assert UNIT_TESTS
    tested = _promtool("test", "rules", *map(str, UNIT_TESTS))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_has_a_case_that_fires_and_one_that_stays_quiet() -> None:
    fires: set[str] = set()
    quiet: set[str] = set()
    for path in UNIT_TESTS:
        suite = yaml.safe_load(path.read_text())
        assert suite["rule_files"] == ["../alerts.yml"], path.name
        for test in suite["tests"]:
            for case in test.get("alert_rule_test", []):
                (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
    alerts = {rule["alert"] for rule in _rules()}
    assert len(alerts) == len(_rules()), "two alerts share a name"
    assert alerts - fires == set(), "never shown to fire"
    assert alerts - quiet == set(), "never shown to stay quiet"
    assert fires | quiet <= alerts, "tests of alerts that do not exist"


def test_every_alert_names_only_series_and_labels_that_exist() -> None:
    for rule in _rules():
        assert problems(rule["expr"]) == [], rule["alert"]


def test_every_alert_says_how_urgent_it_is_and_what_is_wrong() -> None:
    for rule in _rules():
        assert rule["labels"]["severity"] in {"page", "ticket"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        # A single bad scrape must not page anyone.
        assert rule.get("for"), rule["alert"]
