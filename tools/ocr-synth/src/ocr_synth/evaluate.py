"""Scoring the pipeline against a truth.jsonl (the shared samples' format, or a generated set).

Fields: a true field counts right only when read exactly; an absent one counts wrong, and one
read with another value is also counted apart, since a wrong value is worse than none. The
headline figure is over the documents whose truth is `accept` (a photo a person would retake has
no fields to trust); the same count over every document is reported beside it. A value reported
for a field the truth does not have (a `valid_to` on a card valid for life) is a wrong value too.

Verdicts: right when the pipeline accepts what the truth accepts and rejects what it rejects.
For a truth `reject:<reason>`, the reason is right when that code is among the reported ones.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from ocr_service.ocr.pipeline import AUTO, Pipeline
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
class FieldCount:
    expected: int = 0
    right: int = 0
    wrong: int = 0  # present with another value
    extra: int = 0  # present though the truth has no such field


@dataclass
class Tally:
    documents: int = 0
    verdicts_right: int = 0
    rejects: int = 0  # documents whose truth is a rejection
    reasons_right: int = 0
    types_right: int = 0  # with `auto`: the type recognised
    accepted_fields: FieldCount = field(default_factory=FieldCount)
    all_fields: FieldCount = field(default_factory=FieldCount)

    def add(self, other: Tally) -> None:
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, FieldCount):
                mine.expected += theirs.expected
                mine.right += theirs.right
                mine.wrong += theirs.wrong
                mine.extra += theirs.extra
            else:
                setattr(self, item.name, mine + theirs)


def _share(part: int, whole: int) -> str:
    return f"{part / whole if whole else 1.0:.1%} ({part}/{whole})"


@dataclass
class Report:
    auto: bool = False
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.by_type.values():
            total.add(tally)
        return total

    def lines(self) -> Iterator[str]:
        yield (
            "| doc_type | documents | field accuracy | present but wrong | verdict accuracy"
            " | reason right | fields on every document |"
            + (" type recognised |" if self.auto else "")
        )
        yield "| --- | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: |" if self.auto else "")
        rows = [*sorted(self.by_type.items()), ("overall", self.overall)]
        for name, tally in rows:
            accepted, every = tally.accepted_fields, tally.all_fields
            yield (
                f"| {name} | {tally.documents}"
                f" | {_share(accepted.right, accepted.expected)}"
                f" | {accepted.wrong + accepted.extra}"
                f" | {_share(tally.verdicts_right, tally.documents)}"
                f" | {_share(tally.reasons_right, tally.rejects)}"
                f" | {_share(every.right, every.expected)}, {every.wrong + every.extra} wrong |"
                + (f" {_share(tally.types_right, tally.documents)} |" if self.auto else "")
            )
        yield ""
        yield f"misses: {len(self.misses)}"
        yield from (f"- {miss}" for miss in self.misses)


def _count_fields(
    count: FieldCount, truth: dict[str, str], read: dict[str, str], note: str, misses: list[str]
) -> None:
    for name, expected in truth.items():
        got = read.get(name)
        count.expected += 1
        count.right += got == expected
        count.wrong += got is not None and got != expected
        if got != expected:
            misses.append(f"{note}: {name} read {got!r}, truth {expected!r}")
    for name in sorted(read.keys() - truth.keys()):
        count.extra += 1
        misses.append(f"{note}: {name} read {read[name]!r}, truth has none")


def evaluate(
    directory: Path, pipeline: Pipeline, *, today: date | None = None, auto: bool = False
) -> Report:
    """Read every file of DIR/truth.jsonl as its true type (or as `auto`) and score it."""
    report = Report(auto=auto)
    for case in read_truth(directory):
        data = (directory / case.file).read_bytes()
        result = pipeline.process(data, AUTO if auto else case.doc_type, today=today)
        tally = report.by_type[case.doc_type]
        tally.documents += 1
        tally.types_right += result.doc_type == case.doc_type
        if auto and result.doc_type != case.doc_type:
            report.misses.append(f"{case.file}: recognised as {result.doc_type}")
        codes = [reason["code"] for reason in result.reasons]
        truth_accepts = case.quality == "accept"
        verdict_right = result.accepted == truth_accepts
        tally.verdicts_right += verdict_right
        if not truth_accepts:
            tally.rejects += 1
            reason_right = not result.accepted and case.quality in truth_verdicts(codes)
            tally.reasons_right += reason_right
        else:
            reason_right = True
        if not (verdict_right and reason_right):
            report.misses.append(
                f"{case.file}: verdict {result.verdict} {codes}, truth {case.quality}"
            )
        read, truth = result.fields, case.fields
        if truth_accepts:
            _count_fields(tally.accepted_fields, truth, read, case.file, report.misses)
            _count_fields(tally.all_fields, truth, read, case.file, [])
        else:
            note = f"{case.file} ({case.quality})"
            _count_fields(tally.all_fields, truth, read, note, report.misses)
    return report
