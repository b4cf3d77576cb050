"""Reading claim documents: quality gate, PP-OCR, field extraction. Free of web, database and
messaging code, so the service's consumer and the `lipei-ocr` tool share it as is."""

from ocr_service.ocr.engine import OcrEngine, OcrLine, default_engine
from ocr_service.ocr.extract import DOC_TYPES, REQUIRED_FIELDS
from ocr_service.ocr.pipeline import AUTO, OcrResult, Pipeline
from ocr_service.ocr.quality import MESSAGES, Reason
from ocr_service.ocr.sensitive import SENSITIVE_FIELDS, mask_fields

__all__ = [
    "AUTO",
    "DOC_TYPES",
    "MESSAGES",
    "REQUIRED_FIELDS",
    "SENSITIVE_FIELDS",
    "OcrEngine",
    "OcrLine",
    "OcrResult",
    "Pipeline",
    "Reason",
    "default_engine",
    "mask_fields",
]
