"""Logging in, with throttling: repeated failures are refused for a while.

Every attempt that is checked is recorded (``login_attempts``). An attempt is refused without
checking the password when, within the window (15 minutes by default):

- the username has 5 failures since its last success, or
- the client address has 20 failures since its last success.

Refused attempts are not recorded, so a locked username opens again 15 minutes after the
failure that locked it, however often someone keeps trying. The refusal says until when. An
unknown username is handled like a wrong password (same message, same argon2 work), so the
answer does not tell which usernames exist.

:func:`attempt_login` records the attempt in the caller's transaction and returns a
:class:`LoginOutcome`; it never raises for a refusal, so the caller commits either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from saylau.service.accounts import PASSWORDS, check_password, hash_password
from saylau.service.models import LoginAttempt, User, now


@cache
def _decoy(hasher: PasswordHasher) -> str:
    """A hash to check an unknown username's password against: the same work as a real one."""
    return hash_password("not a password: it equalises the work for unknown usernames", hasher)


CLIENT_LENGTH = 64


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures lock a username or a client address, and for how long."""

    window: timedelta = timedelta(minutes=15)
    per_username: int = 5
    per_client: int = 20


@dataclass(frozen=True)
class LoginOutcome:
    """A signed-in account, or the refusal to show (and, when throttled, until when)."""

    user: User | None
    refusal: str = ""
    retry_after: datetime | None = None

    @property
    def succeeded(self) -> bool:
        return self.user is not None


WRONG = "Wrong username or password."


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M UTC on %d %B %Y").replace(" 0", " ")


def _locked_until(
    session: Session, who: ColumnElement[bool], at: datetime, policy: ThrottlePolicy, limit: int
) -> datetime | None:
    """When the lock on ``who`` ends, or None when it is not locked."""
    since = at - policy.window
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            who, LoginAttempt.succeeded, LoginAttempt.at > since
        )
    )
    start = max(since, last_success) if last_success is not None else since
    failures = list(
        session.scalars(
            select(LoginAttempt.at)
            .where(who, ~LoginAttempt.succeeded, LoginAttempt.at > start)
            .order_by(LoginAttempt.at.desc())
            .limit(limit)
        )
    )
    if len(failures) < limit:
        return None
    return failures[-1] + policy.window


def attempt_login(
    session: Session,
    username: str,
    password: str,
    client: str,
    *,
    at: datetime | None = None,
    policy: ThrottlePolicy | None = None,
    hasher: PasswordHasher = PASSWORDS,
) -> LoginOutcome:
    """Check a login and record it; a refusal comes back in the outcome, never as an error."""
    at = at or now()
    policy = policy or ThrottlePolicy()
    name = username.strip().lower()[:64]
    client = client[:CLIENT_LENGTH]
    until = _locked_until(session, LoginAttempt.username == name, at, policy, policy.per_username)
    if until is not None:
        return LoginOutcome(
            None,
            f"Too many failed logins for {name!r}: {policy.per_username} in"
            f" {int(policy.window.total_seconds() // 60)} minutes. Try again after"
            f" {_clock(until)}, or ask the CEC administrator to check the account.",
            until,
        )
    until = _locked_until(session, LoginAttempt.client == client, at, policy, policy.per_client)
    if until is not None:
        return LoginOutcome(
            None,
            f"Too many failed logins from this address: {policy.per_client} in"
            f" {int(policy.window.total_seconds() // 60)} minutes. Try again after"
            f" {_clock(until)}.",
            until,
        )
    user = session.scalar(select(User).where(User.username == name))
    check = check_password(user.password_hash if user else _decoy(hasher), password, hasher)
    succeeded = user is not None and check.matches and not user.disabled
    session.add(LoginAttempt(username=name, client=client, at=at, succeeded=succeeded))
    if user is None or not check.matches:
        return LoginOutcome(None, WRONG)
    if user.disabled:
        return LoginOutcome(
            None, f"The account {name!r} is disabled; ask the CEC administrator to enable it."
        )
    if check.rehashed is not None:
        user.password_hash = check.rehashed
    return LoginOutcome(user)


def forget_attempts(session: Session, before: datetime) -> int:
    """Delete the attempts recorded before a moment (older than any window); how many."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
