"""What the load measures: latency per route, errors per step, and the journeys' milestones."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Recorder:
    """One concurrency step's measurements."""

    started: float = field(default_factory=time.monotonic)
    routes: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    steps: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    server_errors: int = 0
    upload_to_verdict: list[float] = field(default_factory=list)
    submit_to_package: list[float] = field(default_factory=list)
    submit_to_instant: list[float] = field(default_factory=list)
    submit_to_decided: list[float] = field(default_factory=list)
    claims_done: int = 0
    instant: int = 0
    referred: int = 0

    def request(self, route: str, seconds: float, status: int) -> None:
        self.routes[route].append(seconds)
        if status >= 500:
            self.server_errors += 1

    def step(self, name: str, ok: bool) -> None:
        counts = self.steps[name]
        counts[0] += 1
        counts[1] += 0 if ok else 1

    def requests(self) -> int:
        return sum(len(v) for v in self.routes.values())
