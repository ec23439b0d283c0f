"""`stable_id` as text, for the ids ingestion writes by the ten thousand (offers, people).

The same uuid5 as `subgraphs.common.ids.stable_id`, formatted straight from the SHA-1 digest:
building a `uuid.UUID` only to print it cost more than the hash.
"""

from __future__ import annotations

import hashlib

from subgraphs.common.ids import NAMESPACE

__all__ = ["stable_text"]

_NAMESPACE = NAMESPACE.bytes


def stable_text(*parts: object) -> str:
    """`str(stable_id(*parts))`."""
    digest = bytearray(hashlib.sha1(_NAMESPACE + ":".join(map(str, parts)).encode()).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest[:16].hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
