"""OCR: accuracy by variant family and document type, and the cost against the raw engine.

Both on generated documents (tools/ocr-synth, families.py), read as `auto` the way
`lipei-ocr extract --doc-type auto` reads them:
- accuracy: a tuned set and a set of each held-out family, scored by the evaluator, by family and
  by document type. The held-out families' wordings, fonts, paper, cameras and faults are never
  tuned on: their figures are what the reader does on documents it has never seen;
- speed: the held-out images (clean and spoiled, as users send them) read by the raw RapidOCR
  engine's default call (`RapidOCR()(bytes)`, the service's engine settings, nothing else) and by
  `Pipeline.process(bytes, "auto")` (decode, quality gate, OCR, type, fields, verdict), document by
  document in one run, so both see the machine in the same state; then the pipeline in a pool of
  worker processes, each engine on its share of the cores.

    python ocr-service/bench/bench_ocr.py [--per-family 66] [--seed 2025]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from ocr_service.ocr.engine import default_engine, rapidocr_params
from ocr_service.ocr.pipeline import AUTO, Pipeline
from ocr_synth import ANCHOR_DATE, Sample, make_sample
from ocr_synth.evaluate import Case, Report, score
from ocr_synth.families import HELD_OUT_FAMILIES, TUNED
from ocr_synth.generate import FAMILY_TAGS


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


def _tagged(sample: Sample) -> Sample:
    """The sample with its family's tag before its file name (t-…, h-…, h2-…)."""
    return replace(sample, file=f"{FAMILY_TAGS[sample.family]}-{sample.file}")


def _case(sample: Sample) -> Case:
    return Case(sample.file, sample.doc_type, sample.quality, sample.fields)


_worker_pipeline: Pipeline | None = None


def _start_worker(threads: int) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(default_engine("rapidocr", threads))


def _process(data: bytes) -> float:
    assert _worker_pipeline is not None
    began = time.perf_counter()
    _worker_pipeline.process(data, AUTO, today=ANCHOR_DATE)
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


def side_by_side(
    samples: Sequence[Sample], pipeline: Pipeline, report: Report
) -> tuple[list[float], list[float]]:
    """Each document read by the raw engine, then by the pipeline, whose result is scored."""
    from rapidocr import RapidOCR

    raw_engine = RapidOCR(params=rapidocr_params())
    raw_engine(samples[0].data)  # both load their models before timing
    raw_times: list[float] = []
    full_times: list[float] = []
    for sample in samples:
        began = time.perf_counter()
        raw_engine(sample.data)
        raw_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        result = pipeline.process(sample.data, AUTO, today=ANCHOR_DATE)
        full_times.append(time.perf_counter() - began)
        score(report, sample.family, _case(sample), result)
    return raw_times, full_times


def _print_speed(rows: list[Timing]) -> None:
    print("| path | documents | docs/s | median ms | p95 ms | total s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row.label} | {len(row.latencies)} | {row.per_second:.2f}"
            f" | {1000 * statistics.median(row.latencies):.0f}"
            f" | {1000 * row.percentile(0.95):.0f} | {sum(row.latencies):.1f} |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=66, help="documents of each family")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--pool-docs", type=int, default=12, help="documents for the pool rows")
    args = parser.parse_args(argv)

    pipeline = Pipeline(default_engine())
    report = Report(auto=True)
    held_out = [
        _tagged(make_sample(args.seed, index, family))
        for family in HELD_OUT_FAMILIES
        for index in range(args.per_family)
    ]
    raw_times, full_times = side_by_side(held_out, pipeline, report)
    for index in range(args.per_family):
        sample = _tagged(make_sample(args.seed, index, TUNED))
        score(report, TUNED, _case(sample), pipeline.process(sample.data, AUTO, today=ANCHOR_DATE))

    print(f"\nAccuracy by family ({args.per_family} documents each, read as `auto`):\n")
    for line in report.summary():
        print(line)
    for family in (TUNED, *HELD_OUT_FAMILIES):
        print(f"\nAccuracy, {family} family, by document type:\n")
        for line in report.table(report.families[family]):
            print(line)
    verdicts = [miss for miss in report.misses if ": verdict " in miss]
    tags = ", ".join(f"{FAMILY_TAGS[family]}-… {family}" for family in (TUNED, *HELD_OUT_FAMILIES))
    print(f"\nWrong verdicts ({len(verdicts)}; files {tags}):")
    for miss in verdicts:
        print(f"- {miss}")

    clean = [index for index, sample in enumerate(held_out) if sample.quality == "accept"]
    raw_clean = [raw_times[index] for index in clean]
    full_clean = [full_times[index] for index in clean]
    rows = [
        Timing("raw RapidOCR engine, default call", raw_times, sum(raw_times)),
        Timing("lipei-ocr extract --doc-type auto (Pipeline.process)", full_times, sum(full_times)),
        Timing("raw engine, clean documents only", raw_clean, sum(raw_clean)),
        Timing("pipeline --doc-type auto, clean documents only", full_clean, sum(full_clean)),
    ]
    pool_docs = [sample.data for sample in held_out[: args.pool_docs]]
    rows += [pooled(1, pool_docs), pooled(2, pool_docs)]
    print(
        f"\nSpeed on the held-out families' images, {os.cpu_count()} cores"
        f" (pool rows: the first {len(pool_docs)}):\n"
    )
    _print_speed(rows)
    ratio_all = sum(full_times) / sum(raw_times)
    ratio_clean = sum(full_clean) / sum(raw_clean)
    ratio_median = statistics.median(full_times) / statistics.median(raw_times)
    print(
        f"\npipeline / raw engine: {ratio_all:.3f} in total time ({ratio_clean:.3f} on the clean"
        f" documents alone), {ratio_median:.3f} at median"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
