"""Scoring the pipeline against a truth.jsonl (the shared samples' format, or a generated set).

Field accuracy counts fields read exactly right over fields in the truth, on the documents whose
truth is `accept` (a document a person would reject has no fields to trust). A verdict is right
when it accepts what the truth accepts, or rejects with the truth's reason among its reasons.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ocr_service.ocr.pipeline import Pipeline
from ocr_service.ocr.quality import Reason

# Reason codes as truth.jsonl spells them ("reject:dark"); the rest are spelled alike.
TRUTH_SPELLING = {Reason.TOO_DARK: "dark"}
TRUTH_VERDICTS = frozenset(
    {"accept"} | {f"reject:{TRUTH_SPELLING.get(reason, reason.value)}" for reason in Reason}
)


def truth_verdicts(reasons: list[str]) -> set[str]:
    """The truth spellings of a result's reason codes."""
    return {f"reject:{TRUTH_SPELLING.get(Reason(code), code)}" for code in reasons}


@dataclass(frozen=True, slots=True)
class Case:
    file: str
    doc_type: str
    quality: str
    fields: dict[str, str]


def read_truth(directory: Path) -> list[Case]:
    cases = []
    for number, line in enumerate((directory / "truth.jsonl").read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["quality"] not in TRUTH_VERDICTS:
            raise ValueError(f"truth.jsonl line {number}: unknown quality {row['quality']!r}")
        cases.append(Case(row["file"], row["doc_type"], row["quality"], row.get("fields", {})))
    return cases


@dataclass
class Tally:
    documents: int = 0
    verdicts_right: int = 0
    fields: int = 0
    fields_right: int = 0

    def add(self, other: Tally) -> None:
        self.documents += other.documents
        self.verdicts_right += other.verdicts_right
        self.fields += other.fields
        self.fields_right += other.fields_right

    @property
    def field_accuracy(self) -> float:
        return self.fields_right / self.fields if self.fields else 1.0

    @property
    def verdict_accuracy(self) -> float:
        return self.verdicts_right / self.documents if self.documents else 1.0


@dataclass
class Report:
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.by_type.values():
            total.add(tally)
        return total

    def lines(self) -> Iterator[str]:
        yield "| doc_type | documents | field accuracy | verdict accuracy |"
        yield "| --- | ---: | ---: | ---: |"
        rows = [*sorted(self.by_type.items()), ("overall", self.overall)]
        for name, tally in rows:
            yield (
                f"| {name} | {tally.documents}"
                f" | {tally.field_accuracy:.1%} ({tally.fields_right}/{tally.fields})"
                f" | {tally.verdict_accuracy:.1%} ({tally.verdicts_right}/{tally.documents}) |"
            )
        yield ""
        yield f"misses: {len(self.misses)}"
        yield from (f"- {miss}" for miss in self.misses)


def evaluate(directory: Path, pipeline: Pipeline, *, today: date | None = None) -> Report:
    report = Report()
    for case in read_truth(directory):
        result = pipeline.process((directory / case.file).read_bytes(), case.doc_type, today=today)
        tally = report.by_type[case.doc_type]
        tally.documents += 1
        codes = [reason["code"] for reason in result.reasons]
        verdict_right = (
            result.accepted if case.quality == "accept" else case.quality in truth_verdicts(codes)
        )
        tally.verdicts_right += verdict_right
        if not verdict_right:
            report.misses.append(
                f"{case.file}: verdict {result.verdict} {codes}, truth {case.quality}"
            )
        if case.quality != "accept":
            continue
        for name, expected in case.fields.items():
            got = result.fields.get(name)
            tally.fields += 1
            tally.fields_right += got == expected
            if got != expected:
                report.misses.append(f"{case.file}: {name} read {got!r}, truth {expected!r}")
    return report
