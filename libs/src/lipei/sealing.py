"""Sealed boxes (libsodium, X25519): only the holder of the private key can open a value.

OCR seals document fields to intake-service's key; intake seals an insurer's sensitive fields
to that insurer's key. Keys travel as base64.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from nacl.public import PrivateKey, PublicKey, SealedBox


def generate_keypair() -> tuple[str, str]:
    """A new (private, public) key pair, base64."""
    private = PrivateKey.generate()
    return _b64(bytes(private)), _b64(bytes(private.public_key))


def public_key_of(private_key_b64: str) -> str:
    return _b64(bytes(PrivateKey(base64.b64decode(private_key_b64)).public_key))


def seal(public_key_b64: str, plaintext: bytes) -> str:
    return _b64(SealedBox(PublicKey(base64.b64decode(public_key_b64))).encrypt(plaintext))


def unseal(private_key_b64: str, sealed_b64: str) -> bytes:
    return SealedBox(PrivateKey(base64.b64decode(private_key_b64))).decrypt(
        base64.b64decode(sealed_b64)
    )


def seal_json(public_key_b64: str, value: Any) -> str:
    return seal(public_key_b64, json.dumps(value, ensure_ascii=False).encode())


def unseal_json(private_key_b64: str, sealed_b64: str) -> Any:
    return json.loads(unseal(private_key_b64, sealed_b64))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
