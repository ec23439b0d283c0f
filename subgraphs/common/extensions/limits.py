"""The query limits every subgraph enforces (the router enforces its own in front)."""

from __future__ import annotations

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


def default_limits() -> list[SchemaExtension]:
    return [
        QueryDepthLimiter(max_depth=MAX_DEPTH),
        MaxTokensLimiter(max_token_count=MAX_TOKENS),
        MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        MaxComplexity(MAX_COMPLEXITY),
    ]
