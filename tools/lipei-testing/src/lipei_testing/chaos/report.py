"""One row per scenario, and the table `make chaos` prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    scenario: str
    done: str  # what was done, in a few words
    volume: str  # how many events or claims
    lost: int
    twice: int  # applied twice
    errors_outside: int  # server errors outside the injected faults
    errors_during: int  # server errors while a fault was injected (expected; retried)
    recover_seconds: float | None  # from the fault's end until the platform was whole again
    database: str = "sqlite"
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.lost == 0 and self.twice == 0 and self.errors_outside == 0 and not self.note


HEADER = (
    "| scenario | database | what was done | events / claims | lost | applied twice "
    "| 5xx outside faults | 5xx during faults | time to recover | result |"
)


def markdown(rows: list[Row]) -> str:
    lines = [HEADER, "|" + " --- |" * 10]
    for row in rows:
        recover = "-" if row.recover_seconds is None else f"{row.recover_seconds:.1f} s"
        verdict = "pass" if row.passed else f"FAIL {row.note}".strip()
        lines.append(
            f"| {row.scenario} | {row.database} | {row.done} | {row.volume} | {row.lost} "
            f"| {row.twice} | {row.errors_outside} | {row.errors_during} | {recover} | {verdict} |"
        )
    return "\n".join(lines)
