"""ocr-service tables."""

from sqlalchemy import MetaData

metadata = MetaData()
