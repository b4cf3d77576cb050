"""Object storage keys cannot climb out of the store; sealed values open only with the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from nacl.exceptions import CryptoError

from lipei.sealing import generate_keypair, public_key_of, seal_json, unseal_json
from lipei.storage import LocalStorage, StorageError


async def test_local_storage_round_trip_and_refuses_traversal(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "docs")
    await store.put("claims/c-1/d-1.jpg", b"\xff\xd8data", "image/jpeg")
    assert await store.get("claims/c-1/d-1.jpg") == b"\xff\xd8data"
    for key in ("../outside", "claims/../../etc/passwd", "/etc/passwd", ""):
        with pytest.raises(StorageError):
            await store.put(key, b"x", "text/plain")
    assert not (tmp_path / "outside").exists()
    with pytest.raises(StorageError):
        await store.get("claims/c-1/missing.jpg")


def test_sealed_values_open_only_with_the_matching_private_key() -> None:
    private, public = generate_keypair()
    other_private, _ = generate_keypair()
    sealed = seal_json(public, {"id_number": "440305195411181145"})
    assert "440305195411181145" not in sealed
    assert unseal_json(private, sealed) == {"id_number": "440305195411181145"}
    assert public_key_of(private) == public
    with pytest.raises(CryptoError):
        unseal_json(other_private, sealed)
