"""The query limits every subgraph enforces (the router enforces its own in front)."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from subgraphs.common.extensions.complexity import MaxComplexity

__all__ = ["MAX_ALIASES", "MAX_COMPLEXITY", "MAX_DEPTH", "MAX_TOKENS", "default_limits"]

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 30
MAX_COMPLEXITY = 5_000


def default_limits() -> list[Callable[[], SchemaExtension]]:
    """Factories, so each request gets fresh extension instances."""
    return [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxComplexity(MAX_COMPLEXITY),
    ]
