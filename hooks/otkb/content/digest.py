"""One digest for everything otkb keys by content: records, pages' inputs, files' bytes.

BLAKE2b, 16 bytes as hex (`hasher` for input fed in parts): fast, and collisions need an attacker who can
already edit the records. Not for what the site publishes (a milestone's
checklist key and the finder's version stay SHA-256, as parents' browsers
and caches keep them) nor for the warm cache's integrity checks, which are
SHA-256 by design (SECURITY.md).
"""

from __future__ import annotations

import hashlib


def digest(data: str | bytes) -> str:
    """The hex digest of `data` (text is encoded as UTF-8)."""
    return hasher(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def hasher(data: bytes = b""):
    """The same digest as a hashlib object, to feed input that comes in parts (many files' states or
    bytes) with `update`."""
    return hashlib.blake2b(data, digest_size=16)
