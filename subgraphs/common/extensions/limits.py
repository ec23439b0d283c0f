"""The query limits every subgraph enforces (the router enforces its own in front), and the
parse and validation caches that keep them cheap.
"""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from subgraphs.common.extensions.complexity import MaxComplexity

__all__ = ["MAX_ALIASES", "MAX_COMPLEXITY", "MAX_DEPTH", "MAX_TOKENS", "default_limits"]

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 30
MAX_COMPLEXITY = 5_000
_CACHE_SIZE = 1_000

# Built once: the validation cache is keyed by the rule classes, so they must not change
# from one request to the next.
_RULES = [depth_rule(MAX_DEPTH, should_ignore=None), aliases_rule(MAX_ALIASES)]


def default_limits() -> list[Callable[[], SchemaExtension]]:
    """Factories, so each request gets fresh extension instances.

    Order matters: the validation cache sets the validation errors, then the cost limit adds
    its own before Strawberry reads them.
    """
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=_CACHE_SIZE),
        lambda: AddValidationRules(_RULES),
        lambda: ValidationCache(maxsize=_CACHE_SIZE),
        lambda: MaxComplexity(MAX_COMPLEXITY),
    ]
