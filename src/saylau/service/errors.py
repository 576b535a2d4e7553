"""What the service refuses, and how: one exception per HTTP status, each with a code and a
sentence for the person at the keyboard.

Every refusal reaches the API as ``{"error": "<code>", "message": "<sentence>", "field": ...}``
with the status of its class; ``field`` names the figure or parameter at fault, when there is
one. The workflow raises these; the web layer only translates them.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    """A request the service cannot carry out; nothing was changed."""

    status: ClassVar[int] = 400

    def __init__(self, code: str, message: str, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details = details

    def body(self) -> dict[str, Any]:
        """The JSON body of the refusal."""
        return {"error": self.code, "message": self.message, "field": self.field, **self.details}


class Unauthenticated(ServiceError):
    """No valid sign-in (401)."""

    status = 401


class Forbidden(ServiceError):
    """Signed in, but not allowed to do this (403)."""

    status = 403


class NotFound(ServiceError):
    """No such election, precinct's protocol or contest (404)."""

    status = 404


class Conflict(ServiceError):
    """The protocol or contest is not in a state that allows this (409): already approved,
    certified, changed by someone else since it was read."""

    status = 409


class Invalid(ServiceError):
    """The request itself is wrong: a figure that is not a whole number, an unknown precinct
    (422). ``field`` locates it."""

    status = 422


class Throttled(ServiceError):
    """Too many failed logins (429)."""

    status = 429


def unknown_token() -> Unauthenticated:
    """The refusal of a bearer token that opens no account."""
    return Unauthenticated(
        "sign-in-required",
        "This token is unknown, revoked, or its account is disabled; sign in again.",
    )
