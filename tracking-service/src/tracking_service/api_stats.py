"""`GET /ops/v1/stats`: the figures of the ops dashboard, from the claims tracking follows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from lipei.app import RuntimeDep
from lipei.clock import china_today
from lipei.web import CallerDep, Problem, require_ops
from tracking_service import schemas
from tracking_service.dependencies import TrackerDep
from tracking_service.domain import stats

router = APIRouter()

DEFAULT_DAYS = 30


ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Days outside these years hold no claims, and day arithmetic near year 1 or 9999 overflows.
FIRST_YEAR, LAST_YEAR = 1970, 2999


@router.get("/ops/v1/stats")
async def ops_stats(
    caller: CallerDep,
    runtime: RuntimeDep,
    tracker: TrackerDep,
    first_day: Annotated[
        str | None,
        Query(
            alias="from",
            pattern=ISO_DATE,
            description="YYYY-MM-DD, China time (default: 29 days before `to`)",
        ),
    ] = None,
    last_day: Annotated[
        str | None,
        Query(alias="to", pattern=ISO_DATE, description="YYYY-MM-DD, China time (default: today)"),
    ] = None,
) -> schemas.Stats:
    """Per China day: claims by stage reached, submit → decision durations, first-try document
    acceptance, the instant-claim share of decisions and legal deadlines breached."""
    require_ops(caller)
    last = _day("to", last_day) or china_today(runtime.clock.now())
    first = _day("from", first_day) or last - timedelta(days=DEFAULT_DAYS - 1)
    try:
        stats.check_range(first, last)
    except stats.RangeRefused as exc:
        raise _invalid("from", str(exc)) from None
    start, end = stats.day_bounds(first, last)
    async with runtime.sessionmaker() as s:
        states = await tracker.store.active_between(s, start, end)
        breaches = await tracker.store.breaches_between(s, start, end)
    return stats_view(stats.compute(states, breaches, first, last))


def _day(field: str, text: str | None) -> date | None:
    """Only `YYYY-MM-DD` of a real calendar day (not a number of seconds, not 2026-02-30)."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _invalid(field, "a date is written YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _invalid(field, f"a date from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _invalid(field: str, message: str) -> Problem:
    errors = [{"field": field, "message": message}]
    return Problem(422, f"{field}: {message}", type="validation-error", errors=errors)


def stats_view(result: stats.Stats) -> schemas.Stats:
    return schemas.Stats.model_validate({"from": result.first.isoformat(), **_figures(result)})


def _figures(result: stats.Stats) -> dict[str, object]:
    return dict(
        to=result.last.isoformat(),
        days=[
            schemas.StatsDay(
                date=d.date.isoformat(),
                **d.stages,
                decisions=d.decisions,
                instant_decisions=d.instant_decisions,
                deadlines_breached=d.deadlines_breached,
            )
            for d in result.days
        ],
        totals=schemas.StageTotals(**{s: result.total(s) for s in stats.STAGES}),
        decision_durations=schemas.DecisionDurations(
            count=len(result.decision_hours),
            p50_hours=result.percentile(50),
            p90_hours=result.percentile(90),
            histogram=[
                schemas.HistogramBucket(from_hours=b.from_hours, to_hours=b.to_hours, count=b.count)
                for b in result.histogram
            ],
        ),
        first_try=[
            schemas.FirstTryAcceptance(
                doc_type=f.doc_type,
                documents=f.documents,
                accepted_first_try=f.accepted_first_try,
                share=f.share,
            )
            for f in result.first_try
        ],
        instant=schemas.InstantShare(
            decisions=result.decisions,
            instant_decisions=result.instant_decisions,
            share=result.instant_share,
        ),
        deadlines_breached=result.deadlines_breached,
        breaches_by_week=[
            schemas.WeekBreaches(week_start=w.isoformat(), deadlines_breached=n)
            for w, n in result.breaches_by_week
        ],
    )
