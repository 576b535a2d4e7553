"""Canonical JSON and SHA-256: how the service turns a document into a hash.

Canonical JSON is the one text of a document that every machine agrees on: keys sorted, no
spaces, UTF-8 (non-ASCII characters as themselves), no NaN or infinity. Two documents with the
same content have the same canonical text, and so the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical_json(document: Any) -> str:
    """The canonical text of a JSON document (a ``ValueError`` for NaN or infinity)."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_hex(text: str) -> str:
    """The SHA-256 of the UTF-8 text, as 64 hexadecimal digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(document: Any) -> str:
    """The hash of a document's content: SHA-256 of its canonical JSON."""
    return sha256_hex(canonical_json(document))


def protocols_hash(hashes: Mapping[str, str]) -> str:
    """One hash over many protocols: the content hash of ``{protocol key: content hash}``.

    Certification stores it: anyone holding the accepted protocols can recompute it, and any
    change to any of them, or a protocol added or left out, changes it.
    """
    return content_hash(dict(hashes))
