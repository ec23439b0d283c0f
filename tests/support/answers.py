"""What every answer of the graph must be, whatever it was sent: never our fault, always coded."""

from __future__ import annotations

import json
from typing import Any


def assert_well_refused(response: Any, label: str) -> None:
    """No server error, every error with a code, none INTERNAL_SERVER_ERROR, no trace."""
    assert response.status_code < 500, f"{label}: HTTP {response.status_code} {response.text[:300]}"
    for error in response.json().get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code, f"{label}: error without a code: {error}"
        assert code != "INTERNAL_SERVER_ERROR", f"{label}: {error}"
        assert "Traceback" not in json.dumps(error)
