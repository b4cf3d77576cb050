"""OCR throughput and latency: the full pipeline against the raw RapidOCR engine; worker scaling.

Measured in one run on the same generated clean documents (two of each type):
- the raw engine: `RapidOCR(bytes)` with the settings the service uses, nothing else;
- the full path: `Pipeline.process(bytes)`: decode, quality gate, OCR, extraction, verdict;
- the full path in a pool of N worker processes, each with an engine using its share of the cores.

    python ocr-service/bench/bench_ocr.py [--per-type 2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from ocr_service.ocr.engine import default_engine, rapidocr_params
from ocr_service.ocr.pipeline import Pipeline
from ocr_synth import ANCHOR_DATE, Sample, make_sample
from ocr_synth.generate import CONDITIONS, DOC_CYCLE


@dataclass(frozen=True)
class Timing:
    label: str
    latencies: list[float]  # seconds, one per document
    wall: float  # seconds for all of them

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def clean_documents(per_type: int, seed: int = 1) -> list[Sample]:
    """The first `per_type` clean generated documents of every type."""
    wanted = {doc_type: per_type for doc_type in DOC_CYCLE}
    samples, index = [], 0
    while any(wanted.values()):
        doc_type = DOC_CYCLE[index % len(DOC_CYCLE)]
        if CONDITIONS[index % len(CONDITIONS)] == "clean" and wanted[doc_type]:
            samples.append(make_sample(seed, index))
            wanted[doc_type] -= 1
        index += 1
    return samples


def seconds(run: Callable[[], object]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


_worker_pipeline: Pipeline | None = None


def _start_worker(threads: int) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(default_engine("rapidocr", threads))


def _process(data: bytes) -> float:
    assert _worker_pipeline is not None
    began = time.perf_counter()
    _worker_pipeline.process(data, "auto", today=ANCHOR_DATE)
    return time.perf_counter() - began


def pooled(workers: int, documents: Sequence[bytes]) -> Timing:
    cores = os.cpu_count() or 1
    threads = max(1, cores // workers)
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(threads,)) as pool:
        list(pool.map(_process, documents[:workers]))  # every worker has loaded its models
        start = time.perf_counter()
        latencies = list(pool.map(_process, documents))
        wall = time.perf_counter() - start
    return Timing(f"pipeline, {workers} worker process(es) x {threads} thread(s)", latencies, wall)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-type", type=int, default=2, help="clean documents of each type")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the documents")
    args = parser.parse_args(argv)

    from rapidocr import RapidOCR

    documents = [sample.data for sample in clean_documents(args.per_type)] * args.rounds
    raw_engine = RapidOCR(params=rapidocr_params())
    pipeline = Pipeline(default_engine())
    raw_engine(documents[0])  # both load their models before timing

    # Alternate document by document so that both see the machine in the same state.
    raw_times: list[float] = []
    full_times: list[float] = []
    for data in documents:
        raw_times.append(seconds(lambda data=data: raw_engine(data)))
        full_times.append(
            seconds(lambda data=data: pipeline.process(data, "auto", today=ANCHOR_DATE))
        )
    rows = [
        Timing("raw RapidOCR engine (1 process, all cores)", raw_times, sum(raw_times)),
        Timing("full Pipeline.process (1 process, all cores)", full_times, sum(full_times)),
        pooled(1, documents),
        pooled(2, documents),
    ]

    print(f"{len(documents)} documents ({len(DOC_CYCLE)} types), {os.cpu_count()} cores\n")
    print("| path | docs/s | median ms | p95 ms |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row.label} | {row.per_second:.2f} | {1000 * statistics.median(row.latencies):.0f}"
            f" | {1000 * row.percentile(0.95):.0f} |"
        )
    ratio_total = sum(full_times) / sum(raw_times)
    ratio_median = statistics.median(full_times) / statistics.median(raw_times)
    print(f"\npipeline / raw engine: {ratio_total:.3f} in total time, {ratio_median:.3f} at median")
    return 0


if __name__ == "__main__":
    sys.exit(main())
