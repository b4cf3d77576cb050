"""Typed subscribers: a handler is registered by its event class, never by a type string.

Modelled on FastStream's `@subscriber`: the class says which topic to read and which payload the
handler receives, so a handler is typed by what it handles and needs no `isinstance` checks.

    subscriptions = Subscriptions()

    @subscriptions.on(DocumentAccepted)
    async def on_accepted(session: AsyncSession, event: DocumentAccepted, envelope: Envelope): ...

    runtime.add_consumer("intake", subscriptions)

A class with subclasses (`Decision`) subscribes the handler to every concrete event under it.

Slow work that needs no database (reading a file, OCR) goes in a `prepare` step, which runs before
the handler's transaction opens, so no pooled connection is held while it works; its result is
the handler's fourth argument:

    async def read(event: ClaimDocumentUploaded, envelope: Envelope) -> Reading: ...

    @subscriptions.on_prepared(ClaimDocumentUploaded, read)
    async def on_uploaded(session, event, envelope, reading: Reading): ...

An event already applied is skipped before `prepare` runs; the transaction checks again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import EVENT_MODELS, Event
from lipei.messaging.envelope import Envelope

E = TypeVar("E", bound=Event)
P = TypeVar("P")

TypedHandler = Callable[[AsyncSession, E, Envelope], Awaitable[None]]
Handler = Callable[[AsyncSession, Event, Envelope], Awaitable[None]]
Prepare = Callable[[E, Envelope], Awaitable[P]]
PreparedHandler = Callable[[AsyncSession, E, Envelope, P], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Subscriber:
    """One event type's handler, and the step to run outside the transaction before it, if any."""

    model: type[Event]
    handler: Callable[..., Awaitable[None]]
    prepare: Callable[[Any, Envelope], Awaitable[Any]] | None = None

    async def apply(
        self, session: AsyncSession, event: Event, envelope: Envelope, prepared: Any
    ) -> None:
        if self.prepare is None:
            await self.handler(session, event, envelope)
        else:
            await self.handler(session, event, envelope, prepared)


class Subscriptions:
    """The handlers of one consumer group, keyed by event class; topics follow from them."""

    def __init__(self) -> None:
        self._subscribers: dict[str, Subscriber] = {}

    def on(self, event_class: type[E]) -> Callable[[TypedHandler[E]], TypedHandler[E]]:
        """Decorator: `handler` receives every event of `event_class` (or of its subclasses)."""

        def register(handler: TypedHandler[E]) -> TypedHandler[E]:
            self.add(event_class, handler)
            return handler

        return register

    def on_prepared(
        self, event_class: type[E], prepare: Prepare[E, P]
    ) -> Callable[[PreparedHandler[E, P]], PreparedHandler[E, P]]:
        """Decorator: `prepare(event, envelope)` runs first, outside any transaction; then
        `handler` receives its result after the session, event and envelope."""

        def register(handler: PreparedHandler[E, P]) -> PreparedHandler[E, P]:
            self._register(event_class, handler, prepare)
            return handler

        return register

    def add(self, event_class: type[E], handler: TypedHandler[E]) -> None:
        self._register(event_class, handler, None)

    def _register(
        self,
        event_class: type[Event],
        handler: Callable[..., Awaitable[None]],
        prepare: Callable[[Any, Envelope], Awaitable[Any]] | None,
    ) -> None:
        models = _concrete(event_class)
        if not models:
            raise ValueError(f"{event_class.__name__} is not an event of the contract")
        for model in models:
            if model.event_type in self._subscribers:
                raise ValueError(f"{model.event_type} already has a handler")
            self._subscribers[model.event_type] = Subscriber(model, handler, prepare)

    @property
    def event_types(self) -> list[str]:
        return sorted(self._subscribers)

    @property
    def topics(self) -> list[str]:
        """The topics to read, in a stable order (an insurer's own topic is not subscribable)."""
        return sorted({subscriber.model.topic for subscriber in self._subscribers.values()})

    def subscriber_for(self, event_type: str) -> Subscriber | None:
        """The subscriber of `event_type`, or None (another consumer's business).

        `parse_event` builds the registered model of each type, so the handler gets its class."""
        return self._subscribers.get(event_type)

    def handler_for(self, event_type: str) -> Callable[..., Awaitable[None]] | None:
        subscriber = self._subscribers.get(event_type)
        return subscriber.handler if subscriber is not None else None


def _concrete(event_class: type[Event]) -> list[type[Event]]:
    return [m for m in EVENT_MODELS.values() if issubclass(m, event_class)]
