"""Scoring the pipeline against a truth.jsonl (the shared samples' format, or a generated set).

Fields: a true field counts right only when read exactly; an absent one counts wrong, and one
read with another value is also counted apart, since a wrong value is worse than none. The
headline figure is over the documents whose truth is `accept` (a photo a person would retake has
no fields to trust); the same count over every document is reported beside it. A value reported
for a field the truth does not have (a `valid_to` on a card valid for life) is a wrong value too.

Verdicts: right when the pipeline accepts what the truth accepts and rejects what it rejects.
For a truth `reject:<reason>`, the reason is right when that code is among the reported ones.
Read as `auto`, a document found to be of another type than it was uploaded as counts as
rejected for `wrong_type`, as the platform, which knows the type asked for, would reject it.
A clean document accepted with fields for a person to key in is a right verdict; how many were
is reported beside it ("clean sent to review"), and "clean refused" counts clean ones rejected.

A generated set says in families.jsonl which variant family each file is of (families.py):
every figure is then reported per family, so the held-out family stands apart.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from ocr_service.ocr.pipeline import AUTO, OcrResult, Pipeline
from ocr_service.ocr.quality import Reason
from ocr_synth.generate import FAMILIES_FILE

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
    types_right: int = 0  # with `auto`: clean documents whose type was recognised
    clean: int = 0  # documents whose truth is `accept`
    refused_clean: int = 0  # of those, refused
    to_review: int = 0  # of those, accepted with fields for a person to key in
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


def _total(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total.add(tally)
    return total


@dataclass
class Report:
    auto: bool = False
    # family (families.jsonl beside truth.jsonl; "all" without it) -> doc_type -> tally
    families: dict[str, dict[str, Tally]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def tally(self, family: str, doc_type: str) -> Tally:
        return self.families.setdefault(family, {}).setdefault(doc_type, Tally())

    @property
    def by_type(self) -> dict[str, Tally]:
        """Every family together, by document type."""
        merged: dict[str, Tally] = defaultdict(Tally)
        for by_type in self.families.values():
            for doc_type, tally in by_type.items():
                merged[doc_type].add(tally)
        return merged

    @property
    def overall(self) -> Tally:
        return _total(self.by_type.values())

    def family_overall(self, family: str) -> Tally:
        return _total(self.families.get(family, {}).values())

    def table(self, by_type: dict[str, Tally]) -> Iterator[str]:
        yield (
            "| doc_type | documents | field accuracy | present but wrong | verdict accuracy"
            " | reason right | clean refused | clean sent to review | fields on every document |"
            + (" type recognised (clean) |" if self.auto else "")
        )
        yield "| --- |" + " ---: |" * (8 + self.auto)
        for name, tally in [*sorted(by_type.items()), ("overall", _total(by_type.values()))]:
            accepted, every = tally.accepted_fields, tally.all_fields
            yield (
                f"| {name} | {tally.documents}"
                f" | {_share(accepted.right, accepted.expected)}"
                f" | {accepted.wrong + accepted.extra}"
                f" | {_share(tally.verdicts_right, tally.documents)}"
                f" | {_share(tally.reasons_right, tally.rejects)}"
                f" | {tally.refused_clean}"
                f" | {_share(tally.to_review, tally.clean)}"
                f" | {_share(every.right, every.expected)}, {every.wrong + every.extra} wrong |"
                + (f" {_share(tally.types_right, tally.clean)} |" if self.auto else "")
            )

    def summary(self) -> Iterator[str]:
        """One row per family: the figures the bar is set on, side by side."""
        yield (
            "| family | documents | verdicts right | fields right (clean) | wrong | absent"
            " | clean refused | clean sent to review |"
            + (" type recognised |" if self.auto else "")
        )
        yield "| --- |" + " ---: |" * (7 + self.auto)
        for family in sorted(self.families):
            tally = self.family_overall(family)
            count = tally.accepted_fields
            wrong = count.wrong + count.extra
            absent = count.expected - count.right - count.wrong
            yield (
                f"| {family} | {tally.documents} | {_share(tally.verdicts_right, tally.documents)}"
                f" | {_share(count.right, count.expected)} | {_share(wrong, count.expected)}"
                f" | {_share(absent, count.expected)} | {tally.refused_clean}"
                f" | {_share(tally.to_review, tally.clean)} |"
                + (f" {_share(tally.types_right, tally.clean)} |" if self.auto else "")
            )

    def lines(self) -> Iterator[str]:
        named = len(self.families) > 1 or "all" not in self.families
        if named:
            yield from self.summary()
        for family, by_type in sorted(self.families.items()):
            if named:
                yield f"\nfamily: {family}\n"
            yield from self.table(by_type)
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


def read_families(directory: Path) -> dict[str, str]:
    """file -> family, from the families.jsonl a generated set has beside its truth."""
    path = directory / FAMILIES_FILE
    if not path.exists():
        return {}
    rows = (json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip())
    return {row["file"]: row["family"] for row in rows}


def _judged(result: OcrResult, case: Case, auto: bool) -> tuple[bool, list[str]]:
    """Accepted or not, and the reason codes, as the platform would see them: read as `auto`, a
    document of another type than the one it was uploaded as is of the wrong type."""
    codes = [reason["code"] for reason in result.reasons]
    if auto and result.accepted and result.doc_type != case.doc_type:
        return False, [Reason.WRONG_TYPE.value]
    return result.accepted, codes


def score(report: Report, family: str, case: Case, result: OcrResult) -> None:
    """Count one document's result against its truth."""
    tally = report.tally(family, case.doc_type)
    tally.documents += 1
    truth_accepts = case.quality == "accept"
    # The type is judged on clean documents: a spoiled photo may show too little to tell.
    if truth_accepts:
        tally.types_right += result.doc_type == case.doc_type
        if report.auto and result.doc_type != case.doc_type:
            report.misses.append(f"{case.file}: recognised as {result.doc_type}")
    accepted, codes = _judged(result, case, report.auto)
    verdict_right = accepted == truth_accepts
    tally.verdicts_right += verdict_right
    to_review = list(getattr(result, "fields_to_review", []))
    if truth_accepts:
        tally.clean += 1
        tally.refused_clean += not accepted
        tally.to_review += accepted and bool(to_review)
        reason_right = True
    else:
        tally.rejects += 1
        reason_right = not accepted and case.quality in truth_verdicts(codes)
        tally.reasons_right += reason_right
    if not (verdict_right and reason_right):
        verdict = "accept" if accepted else "reject"
        report.misses.append(f"{case.file}: verdict {verdict} {codes}, truth {case.quality}")
    elif to_review:
        report.misses.append(f"{case.file}: accepted, to review {to_review}")
    read, truth = result.fields, case.fields
    if truth_accepts:
        _count_fields(tally.accepted_fields, truth, read, case.file, report.misses)
        _count_fields(tally.all_fields, truth, read, case.file, [])
    else:
        note = f"{case.file} ({case.quality})"
        _count_fields(tally.all_fields, truth, read, note, report.misses)


def evaluate(
    directory: Path, pipeline: Pipeline, *, today: date | None = None, auto: bool = False
) -> Report:
    """Read every file of DIR/truth.jsonl as its true type (or as `auto`) and score it, by
    family where the set says which family each file is of."""
    report = Report(auto=auto)
    families = read_families(directory)
    for case in read_truth(directory):
        data = (directory / case.file).read_bytes()
        result = pipeline.process(data, AUTO if auto else case.doc_type, today=today)
        score(report, families.get(case.file, "all"), case, result)
    return report
