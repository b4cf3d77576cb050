"""HTTP entrypoint: `POST /v1/extract` reads one file, as `lipei-ocr extract` does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from lipei.web import CallerDep, Problem
from ocr_service.ocr.pipeline import ALL_DOC_TYPES, AUTO
from ocr_service.reading import DocumentReader


def router(reader: DocumentReader, max_bytes: int) -> APIRouter:
    r = APIRouter(tags=["ocr"])

    @r.post("/v1/extract")
    async def extract(
        request: Request,
        caller: CallerDep,
        file: Annotated[UploadFile, File()],
        doc_type: Annotated[str, Form()] = AUTO,
    ) -> dict[str, Any]:
        if doc_type != AUTO and doc_type not in ALL_DOC_TYPES:
            raise Problem(
                422,
                f"doc_type must be one of {', '.join((*ALL_DOC_TYPES, AUTO))}",
                type="validation-error",
                errors=[{"field": "doc_type", "message": "unsupported"}],
            )
        data = await file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise Problem(413, f"the file is larger than {max_bytes} bytes", type="too-large")
        runtime = request.app.state.runtime
        result = await reader.read(
            data, doc_type, content_type=file.content_type, today=runtime.clock.now().date()
        )
        return {"file": file.filename, **result.to_dict()}

    return r
