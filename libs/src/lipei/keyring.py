"""Encryption at rest (AES-256-GCM) with a key ring, so keys can rotate; no database in it.

`DATA_KEYS` is `id1:base64(32 bytes),id2:...`; the first key encrypts, every key decrypts. Each
stored value is `<key id>:<base64 nonce+ciphertext>`, optionally bound to a context (the row's
primary key), so a value copied into another row does not open.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class KeyRingError(ValueError):
    pass


class KeyRing:
    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise KeyRingError("the key ring needs at least one key")
        for kid, key in keys:
            if not kid or ":" in kid or len(key) != 32:
                raise KeyRingError(f"key {kid!r} must have an id without ':' and 32 bytes")
        self._keys = dict(keys)
        self.current_id = keys[0][0]

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        """`id1:base64key,id2:base64key` — the first key is the one that encrypts."""
        keys = []
        for part in spec.split(","):
            kid, sep, b64 = part.strip().partition(":")
            if not sep:
                raise KeyRingError("each key is written as <id>:<base64 of 32 bytes>")
            try:
                keys.append((kid, base64.b64decode(b64, validate=True)))
            except binascii.Error as exc:
                raise KeyRingError(f"key {kid!r} is not base64") from exc
        return cls(keys)

    def encrypt(self, plaintext: str, *, context: str = "") -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self._keys[self.current_id]).encrypt(
            nonce, plaintext.encode(), context.encode()
        )
        return f"{self.current_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, *, context: str = "") -> str:
        kid, _, b64 = stored.partition(":")
        key = self._keys.get(kid)
        if key is None:
            raise KeyRingError(f"no key {kid!r} in the ring")
        raw = base64.b64decode(b64)
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode()

    def key_id_of(self, stored: str) -> str:
        return stored.partition(":")[0]

    def reencrypt(self, stored: str, *, context: str = "") -> str | None:
        """The value under the current key, or None when it already is."""
        if self.key_id_of(stored) == self.current_id:
            return None
        return self.encrypt(self.decrypt(stored, context=context), context=context)
