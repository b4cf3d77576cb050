"""Lipei ocr-service: reads claim documents, judges their quality, extracts their fields."""
