"""Where the platform spends itself: CPU seconds and memory of each process (from /proc), the
consumer lag of each group and the outbox backlog of each service (from their /metrics)."""

from __future__ import annotations

import asyncio
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
_SAMPLE = re.compile(
    r"^(lipei_consumer_lag_messages|lipei_outbox_pending_events)(?:\{([^}]*)\})?\s+(\S+)"
)
_LABEL = re.compile(r'(\w+)="([^"]*)"')


def _name(pid: int) -> str:
    """The platform process's name: its `-m` module (the package), else its program."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"pid {pid}"
    words = [a.decode(errors="replace") for a in args if a]
    if "-m" in words and words.index("-m") + 1 < len(words):
        return words[words.index("-m") + 1]
    return Path(words[0]).name if words else f"pid {pid}"


def children(pid: int) -> list[int]:
    """Every descendant of `pid`."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def load_average() -> float:
    return os.getloadavg()[0]


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


@dataclass
class Window:
    """What one step (or the alert) cost."""

    cpu: dict[str, float] = field(default_factory=dict)  # process → CPU seconds
    peak_rss: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    peak_lag: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    peak_outbox: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    seconds: float = 0.0
    # The machine's 1-minute load average, sampled: how much else wanted the cores meanwhile.
    loads: list[float] = field(default_factory=list)

    @property
    def load_average(self) -> float:
        return sum(self.loads) / len(self.loads) if self.loads else float("nan")


class Sampler:
    def __init__(self, root_pid: int | None, metrics_urls: dict[str, str]) -> None:
        self.root_pid = root_pid
        self.metrics_urls = metrics_urls
        self.pids: dict[int, str] = {}
        self.window = Window()
        self._start_cpu: dict[int, float] = {}
        self._started = 0.0

    def _find(self) -> None:
        if self.root_pid is None:
            return
        for pid in children(self.root_pid):
            self.pids.setdefault(pid, _name(pid))
        self.pids.setdefault(os.getpid(), "load driver")

    def begin(self) -> None:
        self._find()
        self.window = Window()
        self._start_cpu = {pid: cpu_seconds(pid) for pid in self.pids}
        self._started = asyncio.get_running_loop().time()

    def end(self) -> Window:
        for pid, name in self.pids.items():
            used = cpu_seconds(pid) - self._start_cpu.get(pid, 0.0)
            self.window.cpu[name] = self.window.cpu.get(name, 0.0) + max(used, 0.0)
        self.window.seconds = asyncio.get_running_loop().time() - self._started
        return self.window

    async def run(self, client: httpx.AsyncClient, every: float = 1.0) -> None:
        """Peaks of memory, lag and backlog, sampled until cancelled."""
        while True:
            self.window.loads.append(load_average())
            for pid, name in list(self.pids.items()):
                rss = rss_bytes(pid)
                self.window.peak_rss[name] = max(self.window.peak_rss[name], rss)
            for service, url in self.metrics_urls.items():
                try:
                    text = (await client.get(url, timeout=2)).text
                except httpx.HTTPError:
                    continue
                self._read_metrics(service, text)
            await asyncio.sleep(every)

    def _read_metrics(self, service: str, text: str) -> None:
        lag: dict[str, float] = defaultdict(float)
        for line in text.splitlines():
            match = _SAMPLE.match(line)
            if not match:
                continue
            labels = dict(_LABEL.findall(match.group(2) or ""))
            value = float(match.group(3))
            if match.group(1) == "lipei_consumer_lag_messages":
                lag[labels.get("group", service)] += value
            else:
                peak = self.window.peak_outbox
                peak[service] = max(peak[service], value)
        for group, value in lag.items():
            self.window.peak_lag[group] = max(self.window.peak_lag[group], value)
