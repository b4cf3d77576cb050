"""The composition object: everything intake's services work with, built once per process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from intake_service.domain.field_keys import FieldKeys
from intake_service.domain.guide import Guide, load_guide
from intake_service.domain.submission import DownloadLinks
from intake_service.settings import Settings
from lipei.keyring import KeyRing
from lipei.runtime import ServiceRuntime
from lipei.storage import ObjectStorage, open_storage


@dataclass
class Intake:
    settings: Settings
    # Database sessions, the clock and the outbox.
    runtime: ServiceRuntime
    keys: KeyRing
    field_keys: FieldKeys
    storage: ObjectStorage
    guide: Guide
    links: DownloadLinks

    @classmethod
    def build(cls, settings: Settings, runtime: ServiceRuntime) -> Intake:
        return cls(
            settings=settings,
            runtime=runtime,
            keys=KeyRing.parse(settings.data_keys),
            field_keys=FieldKeys.parse(settings.fields_private_key),
            storage=open_storage(settings.storage_url),
            guide=load_guide(Path(settings.claim_guide_file))
            if settings.claim_guide_file
            else load_guide(),
            links=DownloadLinks(settings.document_link_secret, settings.document_link_ttl_seconds),
        )
