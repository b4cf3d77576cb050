"""Synthetic claim documents with ground truth, for tests, tuning and benchmarks."""

from ocr_synth.generate import ANCHOR_DATE, Sample, generate, make_document, make_sample

__all__ = ["ANCHOR_DATE", "Sample", "generate", "make_document", "make_sample"]
