"""What the policyholder signs: a sha256 over the claim's form and its accepted documents."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(form: dict[str, Any], accepted_document_hashes: list[tuple[str, str]]) -> str:
    """`accepted_document_hashes`: (document_id, sha256) pairs; their order does not matter."""
    canonical = json.dumps(
        {"form": form, "documents": sorted(accepted_document_hashes)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def signature_valid(signed_hash: str | None, current_hash: str) -> bool:
    return signed_hash is not None and signed_hash == current_hash
