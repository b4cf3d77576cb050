"""intake's refusals as RFC 9457 problems: the one place where a domain error gets its status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from intake_service.domain.errors import Conflict, Forbidden, IntakeError, NotFound, Refused
from intake_service.domain.uploads import UploadRefused
from lipei.web import problem_response

STATUS: tuple[tuple[type[IntakeError], int], ...] = (
    (NotFound, 404),
    (Conflict, 409),
    (Refused, 422),
    (Forbidden, 403),
)


def problem_of(error: IntakeError) -> JSONResponse:
    # An error of no kind is a mistake in intake itself.
    status = next((code for kind, code in STATUS if isinstance(error, kind)), 500)
    extra = error.extra()
    if error.errors:
        extra["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    return problem_response(status, error.detail, type=error.code, **extra)


def refused_upload(refused: UploadRefused) -> JSONResponse:
    """The upload checks judge the file itself, so their errors name the `file` field."""
    return problem_response(
        refused.status,
        refused.detail,
        type=refused.code,
        errors=[{"field": "file", "message": refused.detail}],
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(IntakeError)
    async def _intake_error(_: Request, error: IntakeError) -> JSONResponse:
        return problem_of(error)

    @app.exception_handler(UploadRefused)
    async def _upload_refused(_: Request, refused: UploadRefused) -> JSONResponse:
        return refused_upload(refused)
