"""HTTP entrypoint: `POST /v1/extract` reads one file, as `lipei-ocr extract` does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from lipei.app import RuntimeDep
from lipei.web import CallerDep, Problem
from ocr_service.ocr.pipeline import ALL_DOC_TYPES, AUTO
from ocr_service.reading import DocumentReader
from ocr_service.settings import Settings

router = APIRouter(tags=["ocr"])


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _reader(request: Request) -> DocumentReader:
    reader: DocumentReader = request.app.state.reader
    return reader


SettingsDep = Annotated[Settings, Depends(_settings)]
ReaderDep = Annotated[DocumentReader, Depends(_reader)]


class QualityReason(BaseModel):
    code: str = Field(examples=["blurry"])
    message: str = Field(examples=["照片模糊，请重新拍摄"])


class Quality(BaseModel):
    verdict: str = Field(description="`accept` or `reject`")
    reasons: list[QualityReason]


class Extraction(BaseModel):
    file: str | None = Field(description="the uploaded file's name")
    doc_type: str = Field(description="the type asked for, or the one detected for `auto`")
    quality: Quality
    fields: dict[str, str] = Field(description="extracted fields, unmasked")
    fields_to_review: list[str] = Field(
        default=[], description="fields a sharp, complete document shows but OCR could not place"
    )
    timings_ms: dict[str, float] = Field(description="milliseconds per stage, and the total")


@router.post("/v1/extract")
async def extract(
    caller: CallerDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
    reader: ReaderDep,
    file: Annotated[UploadFile, File()],
    doc_type: Annotated[str, Form()] = AUTO,
) -> Extraction:
    if doc_type != AUTO and doc_type not in ALL_DOC_TYPES:
        raise Problem(
            422,
            f"doc_type must be one of {', '.join((*ALL_DOC_TYPES, AUTO))}",
            type="validation-error",
            errors=[{"field": "doc_type", "message": "unsupported"}],
        )
    max_bytes = settings.max_upload_bytes
    data = await file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Problem(413, f"the file is larger than {max_bytes} bytes", type="too-large")
    result = await reader.read(
        data, doc_type, content_type=file.content_type, today=runtime.clock.now().date()
    )
    return Extraction(
        file=file.filename,
        doc_type=result.doc_type,
        quality=Quality(
            verdict=result.verdict,
            reasons=[QualityReason(code=r["code"], message=r["message"]) for r in result.reasons],
        ),
        fields=result.fields,
        fields_to_review=result.fields_to_review,
        timings_ms=result.timings_ms,
    )
