"""What the butler's services refuse, in the product's words; the routes turn each into a
problem+json answer (routes.py)."""

from __future__ import annotations


class ButlerError(Exception):
    status = 400
    kind = "bad-request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(ButlerError):
    """Unknown, or not the caller's to see (another butler's user, another user's claim)."""

    status = 404

    def __init__(self, what: str) -> None:
        super().__init__(f"no such {what}")
        self.kind = f"{what.replace(' ', '-')}-not-found"


class Forbidden(ButlerError):
    status = 403
    kind = "forbidden"


class Unavailable(ButlerError):
    """A service the butler's request needs did not answer; trying again may work."""

    status = 503
    kind = "unavailable"


class Conflict(ButlerError):
    status = 409

    def __init__(self, detail: str, *, kind: str) -> None:
        super().__init__(detail)
        self.kind = kind


class Invalid(ButlerError):
    """A field breaks a rule the schema cannot say (control characters, a score above max)."""

    status = 422
    kind = "validation-error"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
