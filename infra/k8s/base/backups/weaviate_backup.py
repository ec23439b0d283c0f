"""One Weaviate backup to GCS (the backup-gcs module), waited for: exits 0 once Weaviate reports
SUCCESS, 1 on FAILED or CANCELED or when it takes longer than BACKUP_TIMEOUT seconds.

Run by the backup-weaviate CronJob; tests/infra/test_backups.py runs it against a stand-in.
Retention (7 days) is the bucket's lifecycle rule (infra/terraform/storage.tf): Weaviate keeps
no list of its own to prune."""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from datetime import UTC, datetime


def _call(method: str, url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main() -> int:
    base = os.environ["WEAVIATE_URL"].rstrip("/")
    backend = os.environ.get("BACKUP_BACKEND", "gcs")
    timeout = float(os.environ.get("BACKUP_TIMEOUT", "3600"))
    poll = float(os.environ.get("BACKUP_POLL_SECONDS", "10"))
    # Lower-case letters, digits, dashes: what Weaviate accepts as a backup id.
    backup_id = "weaviate-" + datetime.now(UTC).strftime("%Y%m%dt%H%M%Sz")
    started = _call("POST", f"{base}/v1/backups/{backend}", {"id": backup_id})
    print(json.dumps({"backup": backup_id, "status": started.get("status")}), flush=True)
    deadline = time.monotonic() + timeout
    while True:
        status = _call("GET", f"{base}/v1/backups/{backend}/{backup_id}").get("status")
        if status == "SUCCESS":
            print(json.dumps({"backup": backup_id, "status": status}), flush=True)
            return 0
        if status in ("FAILED", "CANCELED"):
            print(json.dumps({"backup": backup_id, "status": status}), file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            print(json.dumps({"backup": backup_id, "status": status, "error": "timeout"}),
                  file=sys.stderr)
            return 1
        time.sleep(poll)


if __name__ == "__main__":
    sys.exit(main())
