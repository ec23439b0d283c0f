"""Schema extensions every subgraph installs: error codes and query limits."""

from subgraphs.common.extensions.complexity import MaxComplexity
from subgraphs.common.extensions.error_codes import ErrorCodes
from subgraphs.common.extensions.limits import default_limits

__all__ = ["ErrorCodes", "MaxComplexity", "default_limits"]
