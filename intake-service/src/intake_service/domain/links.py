"""Time-limited document download links for insurers: an HMAC over who may fetch what until when."""

from __future__ import annotations

import hashlib
import hmac


def _message(insurer_code: str, claim_id: str, document_id: str, expires: int) -> bytes:
    return f"{insurer_code}\n{claim_id}\n{document_id}\n{expires}".encode()


def sign_link(secret: str, insurer_code: str, claim_id: str, document_id: str, expires: int) -> str:
    return hmac.new(
        secret.encode(), _message(insurer_code, claim_id, document_id, expires), hashlib.sha256
    ).hexdigest()


def document_path(
    secret: str, insurer_code: str, claim_id: str, document_id: str, expires: int
) -> str:
    signature = sign_link(secret, insurer_code, claim_id, document_id, expires)
    return (
        f"/partner/v1/claims/{claim_id}/documents/{document_id}"
        f"?expires={expires}&signature={signature}"
    )


def link_valid(
    secret: str,
    insurer_code: str,
    claim_id: str,
    document_id: str,
    expires: int,
    signature: str,
    *,
    now: int,
) -> bool:
    if expires < now:
        return False
    expected = sign_link(secret, insurer_code, claim_id, document_id, expires)
    # As bytes: a forged signature may hold any character, which a str comparison refuses.
    return hmac.compare_digest(expected.encode(), signature.encode())
