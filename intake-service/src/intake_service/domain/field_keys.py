"""intake's own X25519 keys, which open the OCR fields that ocr-service seals to intake.

Written `key1,key2,...` (base64 private keys): OCR seals to the first one's public key; the
others still open values sealed before a rotation, until `rekey` has re-sealed them.
"""

from __future__ import annotations

from typing import Any

from nacl.exceptions import CryptoError

from lipei.sealing import public_key_of, seal_json, unseal_json


class FieldKeysError(ValueError):
    pass


class FieldKeys:
    def __init__(self, private_keys: list[str]) -> None:
        if not private_keys:
            raise FieldKeysError("at least one private key is needed")
        try:
            self.public_key = public_key_of(private_keys[0])
        except Exception as exc:
            raise FieldKeysError("a field key is a base64 X25519 private key") from exc
        self._keys = private_keys

    @classmethod
    def parse(cls, spec: str) -> FieldKeys:
        return cls([part.strip() for part in spec.split(",") if part.strip()])

    def _open(self, sealed: str) -> tuple[int, Any]:
        for index, key in enumerate(self._keys):
            try:
                return index, unseal_json(key, sealed)
            except (CryptoError, ValueError):  # another key's box, or not a box at all
                continue
        raise FieldKeysError("no key of the ring opens this value")

    def open(self, sealed: str) -> Any:
        return self._open(sealed)[1]

    def reseal(self, sealed: str) -> str | None:
        """The value sealed to the current key, or None when it already is."""
        index, value = self._open(sealed)
        return None if index == 0 else seal_json(self.public_key, value)
