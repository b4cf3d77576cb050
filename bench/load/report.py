"""The tables `make load` prints."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from record import Recorder, percentile
from sampler import Window

CORES = os.cpu_count() or 1
GROWTH = 1.10  # a step that adds less than 10% claims per minute has passed the knee
MAX_ERROR_RATE = 0.01
BREAKING_ERROR_RATE = 0.05


@dataclass
class Step:
    concurrency: int
    recorder: Recorder
    window: Window

    @property
    def minutes(self) -> float:
        return max(self.window.seconds, 1e-9) / 60

    @property
    def claims_per_minute(self) -> float:
        return self.recorder.claims_done / self.minutes

    @property
    def error_rate(self) -> float:
        attempts = sum(c[0] for c in self.recorder.steps.values())
        errors = sum(c[1] for c in self.recorder.steps.values())
        return errors / attempts if attempts else 0.0

    def p95_all(self) -> float:
        return percentile([v for vs in self.recorder.routes.values() for v in vs], 0.95)


def _ms(seconds: float) -> str:
    return "–" if seconds != seconds else f"{seconds * 1000:.0f}"


def _s(seconds: float) -> str:
    return "–" if seconds != seconds else f"{seconds:.1f}"


def knee(steps: list[Step]) -> int | None:
    """Index of the first step past the knee, or None while throughput still grows."""
    for i in range(1, len(steps)):
        before, now = steps[i - 1], steps[i]
        flat = now.claims_per_minute < before.claims_per_minute * GROWTH
        if now.error_rate > MAX_ERROR_RATE or (flat and now.p95_all() > before.p95_all()):
            return i
    return None


def broken(steps: list[Step]) -> bool:
    """Past the knee and failing: no point loading it further."""
    return knee(steps) is not None and steps[-1].error_rate > BREAKING_ERROR_RATE


def step_line(step: Step) -> str:
    r = step.recorder
    return (
        f"{step.concurrency:>3} users: {r.claims_done} claims decided in "
        f"{step.window.seconds:.0f} s ({step.claims_per_minute:.1f}/min), {r.requests()} requests, "
        f"errors {step.error_rate:.1%}, p95 {_ms(step.p95_all())} ms"
    )


def _busiest(window: Window) -> str:
    if not window.cpu:
        return "–"
    name, used = max(window.cpu.items(), key=lambda item: item[1])
    return f"{name} {used / max(window.seconds, 1e-9):.0%}"


def steps_table(steps: list[Step]) -> list[str]:
    lines = [
        "| users | claims decided | claims/min | claims/min per core | requests/s | errors "
        "| p95 all routes (ms) | upload → verdict p95 (s) | submit → package p95 (s) "
        "| submit → instant decision p95 (s) | busiest process (CPU of one core) "
        "| peak OCR lag | peak outbox backlog | machine load average |",
        "| " + " | ".join(["---"] * 14) + " |",
    ]
    for step in steps:
        r, w = step.recorder, step.window
        lines.append(
            f"| {step.concurrency} | {r.claims_done} ({r.instant} instant) "
            f"| {step.claims_per_minute:.1f} | {step.claims_per_minute / CORES:.1f} "
            f"| {r.requests() / max(w.seconds, 1e-9):.1f} | {step.error_rate:.1%} "
            f"| {_ms(step.p95_all())} | {_s(percentile(r.upload_to_verdict, 0.95))} "
            f"| {_s(percentile(r.submit_to_package, 0.95))} "
            f"| {_s(percentile(r.submit_to_instant, 0.95))} | {_busiest(w)} "
            f"| {w.peak_lag.get('ocr', 0):.0f} | {max(w.peak_outbox.values(), default=0):.0f} "
            f"| {w.load_average:.1f} |"
        )
    return lines


def routes_table(step: Step) -> list[str]:
    lines = [
        f"Per route at {step.concurrency} users:",
        "",
        "| route | requests | p50 (ms) | p95 (ms) | p99 (ms) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for route, values in sorted(step.recorder.routes.items()):
        lines.append(
            f"| `{route}` | {len(values)} | {_ms(percentile(values, 0.5))} "
            f"| {_ms(percentile(values, 0.95))} | {_ms(percentile(values, 0.99))} |"
        )
    return lines


def errors_table(steps: list[Step]) -> list[str]:
    names = [
        "login",
        "guide",
        "draft",
        "upload and verdict",
        "sign and submit",
        "decision",
        "inbox",
    ]
    lines = [
        "Error rate per step of the visit (failed / attempted):",
        "",
        "| users | " + " | ".join(names) + " |",
        "| --- | " + " | ".join(["---"] * len(names)) + " |",
    ]
    for step in steps:
        cells = []
        for name in names:
            attempts, errors = step.recorder.steps.get(name, [0, 0])
            cells.append(f"{errors}/{attempts}" if attempts else "–")
        lines.append(f"| {step.concurrency} | " + " | ".join(cells) + " |")
    return lines


def cpu_table(steps: list[Step]) -> list[str]:
    names = sorted({n for s in steps for n in s.window.cpu})
    lines = [
        "Where it goes: CPU of each process (share of one core), peak consumer lag per group:",
        "",
        "| users | " + " | ".join(names) + " | peak lag |",
        "| --- | " + " | ".join(["---"] * len(names)) + " | --- |",
    ]
    for step in steps:
        seconds = max(step.window.seconds, 1e-9)
        cells = [f"{step.window.cpu.get(n, 0) / seconds:.0%}" for n in names]
        lag = ", ".join(f"{g} {v:.0f}" for g, v in sorted(step.window.peak_lag.items()) if v) or "0"
        lines.append(f"| {step.concurrency} | " + " | ".join(cells) + f" | {lag} |")
    return lines


def _broker_cpu(window: Window) -> float:
    return sum(v for k, v in window.cpu.items() if k.startswith(("tansu", "lipei_dev.broker")))


def alert_table(alert: Any, wechat_rate: float) -> list[str]:
    window: Window = alert.window
    wechat = alert.wechat
    span = (wechat["last_at"] or 0) - (wechat["first_at"] or 0)
    rate = wechat["messages"] / span if span > 0 else float("nan")
    probe = alert.probe
    mib = 1024 * 1024
    rows = [
        ("policyholders in the region", f"{alert.users:,}"),
        ("machine load average meanwhile (2 cores)", f"{window.load_average:.1f}"),
        ("seeded (bulk SQL into intake and notify)", f"{alert.seed_seconds:.1f} s"),
        ("alert → every message queued", f"{alert.queued_seconds:.1f} s"),
        ("alert → every WeChat message at the stand-in", f"{alert.wechat_seconds:.1f} s"),
        ("alert → every SMS allowed now at the stand-in", f"{alert.sms_seconds:.1f} s"),
        ("WeChat messages per second (first to last)", f"{rate:.0f} /s"),
        ("WeChat stand-in's rate limit / notify's pace", f"{wechat_rate:.0f} /s"),
        ("answered 45011 (over the limit)", f"{wechat['rate_limited']}"),
        (
            "WeChat messages / distinct users / most to one user",
            f"{wechat['messages']:,} / {wechat['recipients']:,} / {wechat['most_to_one']}",
        ),
        (
            "SMS sent / expected (phones not in quiet hours or capped)",
            f"{alert.sms_sent:,} / {alert.sms_expected:,}",
        ),
        ("SMS to users in quiet hours or over their cap", f"{alert.sms_to_held}"),
        (
            "peak memory, notify-service",
            f"{window.peak_rss.get('notify_service', 0) / mib:.0f} MiB",
        ),
        ("peak memory, stand-ins", f"{window.peak_rss.get('lipei_dev.standins', 0) / mib:.0f} MiB"),
        (
            "CPU, notify-service / stand-ins / broker",
            f"{window.cpu.get('notify_service', 0):.0f} / "
            f"{window.cpu.get('lipei_dev.standins', 0):.0f} / {_broker_cpu(window):.0f} s",
        ),
        (
            "peak outbox backlog, notify-service (delivery log to Kafka)",
            f"{window.peak_outbox.get('notify_service', 0):,.0f} events",
        ),
        (
            f"claim reminder → WeChat during the fan-out, p50 / p95 / max ({len(probe.latencies)})",
            f"{_s(percentile(probe.latencies, 0.5))} / {_s(percentile(probe.latencies, 0.95))} / "
            f"{_s(max(probe.latencies, default=float('nan')))} s",
        ),
        ("claim reminders not delivered within 120 s", f"{probe.lost}"),
    ]
    return ["| measure | value |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)]


def render(steps: list[Step], alert: Any, wechat_rate: float) -> str:
    out = [f"Cores: {CORES} (the machine load average is in the last column)", ""]
    if steps:
        at = knee(steps)
        best = steps[at - 1] if at else steps[-1]
        if at:
            growth = steps[at].claims_per_minute / max(best.claims_per_minute, 1e-9) - 1
            out.append(
                f"Knee: {best.concurrency} concurrent users, "
                f"{best.claims_per_minute:.1f} claims/min; at {steps[at].concurrency} "
                f"claims/min grew {growth:+.0%} "
                f"while p95 went {_ms(best.p95_all())} → {_ms(steps[at].p95_all())} ms "
                f"(errors {steps[at].error_rate:.1%})."
            )
        else:
            out.append("No knee within the steps run: claims/min still grew at the last one.")
        out += ["", *steps_table(steps), "", *routes_table(best), "", *errors_table(steps)]
        out += ["", *cpu_table(steps)]
    if alert is not None:
        out += ["", "Disaster alert fan-out:", "", *alert_table(alert, wechat_rate)]
    return "\n".join(out)
