"""Typed subscriptions, the UTC column type and the shared cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from lipei.events import (
    CLAIMS_TOPIC,
    DECISION_TYPES,
    DECISIONS_TOPIC,
    ClaimDrafted,
    Decision,
    DecisionPaid,
    Event,
)
from lipei.messaging import Envelope, Subscriptions
from lipei.paging import BadCursor, decode_cursor, encode_cursor
from lipei.timestamps import UtcDateTime, iso, utc


async def _noop(session: AsyncSession, event: Event, envelope: Envelope) -> None:
    return None


def test_topics_follow_from_the_event_classes_and_a_base_class_covers_its_events() -> None:
    subs = Subscriptions()
    subs.add(ClaimDrafted, _noop)
    subs.add(Decision, _noop)
    assert subs.topics == sorted([CLAIMS_TOPIC, DECISIONS_TOPIC])
    assert set(subs.event_types) == {"claim.drafted", *DECISION_TYPES}
    assert subs.handler_for("claim.decision.paid") is _noop
    assert subs.handler_for("claim.signed") is None


def test_an_event_type_has_one_handler_and_only_contract_events_subscribe() -> None:
    subs = Subscriptions()
    subs.add(DecisionPaid, _noop)
    with pytest.raises(ValueError, match="already has a handler"):
        subs.add(Decision, _noop)

    class NotInTheContract(Event):
        event_type = "nobody.publishes.this"
        topic = "nowhere"

    with pytest.raises(ValueError, match="not an event of the contract"):
        subs.add(NotInTheContract, _noop)


async def test_times_are_stored_in_utc_and_read_back_aware() -> None:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    meta = MetaData()
    table = Table("t", meta, Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    china = timezone(timedelta(hours=8))
    written = datetime(2026, 1, 1, 8, 30, tzinfo=china)
    async with engine.begin() as conn:
        await conn.run_sync(meta.create_all)
        await conn.execute(table.insert().values(id=1, at=written))
        read = (await conn.execute(select(table.c.at))).scalar_one()
        # A bound in another zone compares as the same instant, even on SQLite's text times.
        later = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
        found = (await conn.execute(select(table.c.id).where(table.c.at < later))).all()
    await engine.dispose()
    assert read == written and read.tzinfo == UTC
    assert found == [(1,)]


def test_naive_times_are_taken_as_utc() -> None:
    naive = datetime(2026, 5, 1, 12, 0)
    assert utc(naive) == naive.replace(tzinfo=UTC)
    assert iso(naive) == "2026-05-01T12:00:00+00:00"
    assert iso(None) is None


def test_cursors_round_trip_and_refuse_what_we_did_not_issue() -> None:
    assert decode_cursor(encode_cursor(7)) == 7
    for forged in ("!!", "bm90LW91cnM", "bzp4"):
        with pytest.raises(BadCursor):
            decode_cursor(forged)
