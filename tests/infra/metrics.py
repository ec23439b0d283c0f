"""The metric names (and their labels) alerts and dashboards may use, and a small reader of
the PromQL they are written in.

Router metrics are the Hive Gateway prometheus plugin's defaults (router/gateway.config.ts
turns the plugin on without changing them); test_manifests checks against the running router
that it declares every one of them. Subgraph metrics are subgraphs/common/metrics.py's; their
`operation` label is `<type>:<first root field>` (subgraphs/common/extensions/metrics.py), so
a value an alert names must be a root field of that subgraph's schema (schema/*.graphql)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from graphql import ObjectTypeDefinitionNode, ObjectTypeExtensionNode, parse

OPERATION = frozenset({"operationName", "operationType"})


@dataclass(frozen=True)
class Metric:
    kind: str  # counter, gauge, histogram, summary
    labels: frozenset[str] = field(default_factory=frozenset)


ROUTER: dict[str, Metric] = {
    "graphql_yoga_http_duration": Metric(
        "histogram", OPERATION | {"method", "statusCode", "url"}),
    "graphql_envelop_phase_parse": Metric("histogram", OPERATION),
    "graphql_envelop_phase_validate": Metric("histogram", OPERATION),
    "graphql_envelop_phase_context": Metric("histogram", OPERATION),
    "graphql_envelop_phase_execute": Metric("histogram", OPERATION),
    "graphql_envelop_phase_subscribe": Metric("histogram", OPERATION),
    "graphql_envelop_request_duration": Metric("histogram", OPERATION),
    "graphql_envelop_request_time_summary": Metric("summary", OPERATION),
    "graphql_envelop_request": Metric("counter", OPERATION),
    "graphql_envelop_error_result": Metric("counter", OPERATION | {"phase", "path"}),
    "graphql_envelop_deprecated_field": Metric("counter", OPERATION | {"fieldName", "typeName"}),
    "graphql_envelop_schema_change": Metric("counter"),
    "graphql_gateway_fetch_duration": Metric(
        "histogram", frozenset({"url", "method", "statusCode", "statusText"})),
    "graphql_gateway_subgraph_execute_duration": Metric("histogram", OPERATION | {"subgraphName"}),
    "graphql_gateway_subgraph_execute_errors": Metric("counter", OPERATION | {"subgraphName"}),
}

SUBGRAPH: dict[str, Metric] = {
    "mg_request_duration_seconds": Metric("histogram", frozenset({"subgraph", "operation"})),
    "mg_errors_total": Metric("counter", frozenset({"subgraph", "code"})),
    "mg_subscriptions_active": Metric("gauge", frozenset({"subgraph"})),
    "mg_event_consumer_lag": Metric("gauge", frozenset({"subgraph", "stream", "group"})),
    "mg_events_handled_total": Metric("counter", frozenset({"subgraph", "stream", "outcome"})),
    "mg_timing_seconds": Metric("histogram", frozenset({"subgraph", "step"})),
}

# Prometheus's own series for every target.
PROMETHEUS: dict[str, Metric] = {"up": Metric("gauge")}

# Labels Prometheus adds to every scraped series (the scrape job and target).
TARGET_LABELS = frozenset({"job", "instance"})

SUBGRAPHS = frozenset({"content", "users", "recommendations", "playback"})
SCHEMA = Path(__file__).resolve().parents[2] / "schema"


@cache
def operations(subgraph: str) -> frozenset[str]:
    """The `operation` label values a subgraph can report: `query:search`, ..."""
    document = parse((SCHEMA / f"{subgraph}.graphql").read_text())
    return frozenset(
        f"{node.name.value.lower()}:{field_.name.value}" for node in document.definitions
        if isinstance(node, ObjectTypeDefinitionNode | ObjectTypeExtensionNode)
        and node.name.value in {"Query", "Mutation", "Subscription"}
        for field_ in node.fields or ())


def series() -> dict[str, frozenset[str]]:
    """Every series name a query can select, with the labels it carries."""
    names: dict[str, frozenset[str]] = {}
    for name, metric in {**ROUTER, **SUBGRAPH, **PROMETHEUS}.items():
        labels = metric.labels | TARGET_LABELS
        if metric.kind == "histogram":
            names[f"{name}_bucket"] = labels | {"le"}
            names[f"{name}_count"] = labels
            names[f"{name}_sum"] = labels
        elif metric.kind == "summary":
            names[name] = labels | {"quantile"}
            names[f"{name}_count"] = labels
            names[f"{name}_sum"] = labels
        else:
            names[name] = labels
    return names


@dataclass
class Query:
    # metric name, label matchers (label: (operator, value))
    selectors: list[tuple[str, dict[str, tuple[str, str]]]]
    grouping: set[str]  # labels of by/without/on/ignoring/group_left/group_right


_STRING = re.compile(r'"(?:\\.|[^"\\])*"')
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_SELECTOR = re.compile(r"([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}")
_MATCHER = re.compile(r"([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*\"((?:\\.|[^\"\\])*)\"")
_IDENTIFIER = re.compile(r"(?<![\w:.$])([a-zA-Z_:][\w:]*)(?![\w:])")
_NOT_METRICS = frozenset({"and", "or", "unless", "bool", "offset", "inf", "nan", "by",
                          "without", "on", "ignoring", "group_left", "group_right"})


def read(expr: str) -> Query:
    """The series an expression selects and the labels it groups by."""
    selectors: list[tuple[str, dict[str, tuple[str, str]]]] = []
    grouping: set[str] = set()
    for match in _GROUPING.finditer(expr):
        grouping |= {label.strip() for label in match.group(1).split(",") if label.strip()}
    rest = _GROUPING.sub(" ", expr)
    for match in _SELECTOR.finditer(rest):
        matchers = {label: (op, value) for label, op, value in _MATCHER.findall(match.group(2))}
        name = matchers.pop("__name__", ("", ""))[1] or match.group(1) or ""
        selectors.append((name, matchers))
    rest = _SELECTOR.sub(" ", rest)
    rest = _STRING.sub(" ", rest)
    rest = re.sub(r"\[[^\]]*\]", " ", rest)  # range and subquery durations
    for match in _IDENTIFIER.finditer(rest):
        name = match.group(1)
        after = rest[match.end():].lstrip()
        if name.lower() in _NOT_METRICS or after.startswith("("):
            continue  # an operator or a function
        selectors.append((name, {}))
    return Query(selectors, grouping)


def problems(expr: str) -> list[str]:
    """What in an expression names a series or a label that does not exist."""
    known = series()
    query = read(expr)
    found: list[str] = []
    if not query.selectors:
        found.append(f"selects no series: {expr}")
    labels_here: set[str] = set()
    for name, matchers in query.selectors:
        if name not in known:
            found.append(f"unknown metric {name!r}")
            continue
        labels_here |= known[name]
        for label in set(matchers) - known[name]:
            found.append(f"{name} has no label {label!r}")
        subgraphs = SUBGRAPHS
        for label in ("subgraph", "subgraphName"):
            op, value = matchers.get(label, ("", ""))
            # A fixed subgraph must be one that exists (template variables are free).
            if value and "$" not in value and op in {"=", "=~"}:
                named = set(value.split("|"))
                if not named <= SUBGRAPHS:
                    found.append(f"{name}: no subgraph {sorted(named - SUBGRAPHS)}")
                subgraphs = frozenset(named & SUBGRAPHS)
        if "operation" in matchers:
            found += _operation_problems(name, *matchers["operation"], subgraphs)
    for label in query.grouping - labels_here:
        found.append(f"groups by {label!r}, which none of its series has")
    return found


def _operation_problems(name: str, op: str, value: str, subgraphs: frozenset[str]) -> list[str]:
    """An operation an expression selects must be one those subgraphs serve: a misspelt or
    renamed one would leave the alert silent forever."""
    if "$" in value or op not in {"=", "=~"}:
        return []
    known = frozenset().union(*(operations(s) for s in subgraphs))
    # Each top-level alternative must select something (PromQL regexes are anchored).
    alternatives = [value] if op == "=" or "(" in value else value.split("|")
    wrong = []
    for alternative in alternatives:
        if op == "=":
            selects = alternative in known
        else:
            selects = any(re.fullmatch(alternative, o) for o in known)
        if not selects:
            wrong.append(f"{name}: no operation {alternative!r} in {sorted(subgraphs)}")
    return wrong
