"""Shared by the OCR tests: one engine per run, and one generated document set read once."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from ocr_service.ocr import OcrResult, Pipeline, default_engine
from ocr_synth import ANCHOR_DATE, Sample, generate

# Eleven conditions over six document types: 33 documents show every condition three times.
SYNTH_COUNT = 33
SYNTH_SEED = 2024


@dataclass(frozen=True)
class SynthSet:
    directory: Path
    samples: list[Sample]


@dataclass(frozen=True)
class Read:
    sample: Sample
    result: OcrResult


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline(default_engine())


@pytest.fixture(scope="session")
def synth_set(tmp_path_factory: pytest.TempPathFactory) -> SynthSet:
    directory = tmp_path_factory.mktemp("synth")
    return SynthSet(directory, generate(directory, SYNTH_COUNT, SYNTH_SEED))


@pytest.fixture(scope="session")
def synth_reads(synth_set: SynthSet, pipeline: Pipeline) -> list[Read]:
    """Every generated document read once, as the type it was uploaded as."""
    return [
        Read(sample, pipeline.process(sample.data, sample.doc_type, today=ANCHOR_DATE))
        for sample in synth_set.samples
    ]
