"""Typed subscribers: a handler is registered by its event class, never by a type string.

Modelled on FastStream's `@subscriber`: the class says which topic to read and which payload the
handler receives, so a handler is typed by what it handles and needs no `isinstance` checks.

    subscriptions = Subscriptions()

    @subscriptions.on(DocumentAccepted)
    async def on_accepted(session: AsyncSession, event: DocumentAccepted, envelope: Envelope): ...

    runtime.add_consumer("intake", subscriptions)

A class with subclasses (`Decision`) subscribes the handler to every concrete event under it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from lipei.events import EVENT_MODELS, Event
from lipei.messaging.envelope import Envelope

E = TypeVar("E", bound=Event)

TypedHandler = Callable[[AsyncSession, E, Envelope], Awaitable[None]]
Handler = Callable[[AsyncSession, Event, Envelope], Awaitable[None]]


class Subscriptions:
    """The handlers of one consumer group, keyed by event class; topics follow from them."""

    def __init__(self) -> None:
        self._handlers: dict[str, tuple[type[Event], Callable[..., Awaitable[None]]]] = {}

    def on(self, event_class: type[E]) -> Callable[[TypedHandler[E]], TypedHandler[E]]:
        """Decorator: `handler` receives every event of `event_class` (or of its subclasses)."""

        def register(handler: TypedHandler[E]) -> TypedHandler[E]:
            self.add(event_class, handler)
            return handler

        return register

    def add(self, event_class: type[E], handler: TypedHandler[E]) -> None:
        models = _concrete(event_class)
        if not models:
            raise ValueError(f"{event_class.__name__} is not an event of the contract")
        for model in models:
            if model.event_type in self._handlers:
                raise ValueError(f"{model.event_type} already has a handler")
            self._handlers[model.event_type] = (model, handler)

    @property
    def event_types(self) -> list[str]:
        return sorted(self._handlers)

    @property
    def topics(self) -> list[str]:
        """The topics to read, in a stable order (an insurer's own topic is not subscribable)."""
        return sorted({model.topic for model, _ in self._handlers.values()})

    def handler_for(self, event_type: str) -> Handler | None:
        """The handler of `event_type`, or None (another consumer's business).

        `parse_event` builds the registered model of each type, so the handler gets its class."""
        entry = self._handlers.get(event_type)
        return entry[1] if entry is not None else None


def _concrete(event_class: type[Event]) -> list[type[Event]]:
    return [m for m in EVENT_MODELS.values() if issubclass(m, event_class)]
