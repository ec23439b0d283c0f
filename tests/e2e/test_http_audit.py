"""The router passes the GraphQL-over-HTTP audit of the `graphql-http` package."""

from __future__ import annotations

import subprocess

from mediagateway.stack import ROUTER_DIR, Stack


def test_graphql_over_http_audit_has_no_failures(stack: Stack) -> None:
    audit = subprocess.run(
        ["node", "audit.mjs", stack.router_url],
        cwd=ROUTER_DIR, capture_output=True, text=True, timeout=120,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
