"""Accounts: creating users, their argon2 passwords, and their API tokens.

- Passwords are hashed with argon2id (argon2-cffi's defaults). When those defaults change, a
  password is rehashed the next time it is checked (:func:`check_password` returns the new
  hash to store).
- An API token is random (``saylau_`` + 43 URL-safe characters), shown once when issued; only
  its SHA-256 is stored, so a stolen database gives no usable token.
- Creating an account and issuing or revoking a token are audited; nothing here commits.

Roles and what they may do: :mod:`saylau.service.roles`, :mod:`saylau.service.permissions`;
login throttling: :mod:`saylau.service.logins`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.service import audit
from saylau.service.hashing import sha256_hex
from saylau.service.models import ApiToken, ElectionRecord, User, now
from saylau.service.roles import Role
from saylau.service.territory import Territory

PASSWORDS = PasswordHasher()
"""argon2id with argon2-cffi's current parameters."""
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
TOKEN_PREFIX = "saylau_"


class AccountError(Exception):
    """An account that cannot be created or changed as asked; the message says why."""


# -- passwords ------------------------------------------------------------------------------


def check_password_rules(password: str) -> None:
    """Raise :class:`AccountError` unless the password is long enough (and not absurdly long)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters"
            " (a few words together are easy to remember)"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"the password is too long: use at most {MAX_PASSWORD_LENGTH} characters"
        )


def hash_password(password: str, hasher: PasswordHasher = PASSWORDS) -> str:
    """The argon2 hash to store for a password."""
    return hasher.hash(password)


@dataclass(frozen=True)
class PasswordCheck:
    """Whether a password matched, and the new hash to store when the parameters changed."""

    matches: bool
    rehashed: str | None = None


def check_password(stored: str, password: str, hasher: PasswordHasher = PASSWORDS) -> PasswordCheck:
    """Compare a password with its stored hash (in constant time, as argon2 does)."""
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return PasswordCheck(False)
    if hasher.check_needs_rehash(stored):
        return PasswordCheck(True, hasher.hash(password))
    return PasswordCheck(True)


# -- users ----------------------------------------------------------------------------------


def normalise_username(username: str) -> str:
    """The username as stored: trimmed, lower case; an :class:`AccountError` if malformed."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise AccountError(
            f"{username!r} cannot be a username: use 2 to 64 characters, letters a-z, digits,"
            " '.', '-' or '_', starting with a letter or digit"
        )
    return name


def territories(session: Session) -> list[Territory]:
    """The territory of every election in the database."""
    return [Territory.of(record.parsed()) for record in session.scalars(select(ElectionRecord))]


def check_area(role: Role, area: str | None, known: Sequence[Territory]) -> str | None:
    """The area for an account of this role, checked against the elections' territories.

    A territorial operator needs a territorial unit, a precinct operator a precinct, and the
    other roles none. While no election is loaded, any well-formed area is accepted.
    """
    area = area.strip() if area else None
    kind = role.area_kind
    if kind is None:
        if area:
            raise AccountError(f"a {role.value} works everywhere: leave out the area ({area!r})")
        return None
    if not area:
        raise AccountError(f"a {role.value} needs an area: give the {kind} id with --area")
    fits = Territory.is_unit if role is Role.TERRITORIAL else Territory.is_precinct
    if known and not any(fits(territory, area) for territory in known):
        elections = ", ".join(sorted(territory.election for territory in known))
        raise AccountError(
            f"{area!r} is not a {kind} of any election loaded ({elections}); a {role.value}"
            f" needs the id of a {kind} as written in election.json"
        )
    return area


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    area: str | None = None,
    *,
    actor: str,
    known: Sequence[Territory] | None = None,
    hasher: PasswordHasher = PASSWORDS,
) -> User:
    """Add an account (audited as ``user.created`` by ``actor``); nothing is committed here.

    ``known`` are the territories to check the area against (default: every election in the
    database).
    """
    name = normalise_username(username)
    check_password_rules(password)
    checked_area = check_area(role, area, territories(session) if known is None else known)
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise AccountError(f"there is already an account named {name!r}")
    user = User(
        username=name,
        password_hash=hash_password(password, hasher),
        role=role,
        area=checked_area,
        disabled=False,
    )
    session.add(user)
    session.flush()
    audit.append(
        session,
        actor,
        "user.created",
        f"user/{name}",
        {"role": role.value, "area": checked_area},
    )
    return user


def find_user(session: Session, username: str) -> User | None:
    """The account with this username (any case, surrounding spaces ignored), if any."""
    return session.scalar(select(User).where(User.username == username.strip().lower()))


# -- API tokens -----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256 (a token is random, so no salt is needed)."""
    return sha256_hex(token)


def issue_token(
    session: Session, user: User, label: str = "", *, actor: str, at: datetime | None = None
) -> str:
    """A new bearer token for the account, returned once and never stored in clear."""
    if user.disabled:
        raise AccountError(f"the account {user.username!r} is disabled; enable it first")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id, token_hash=token_hash(token), label=label, created_at=at or now()
    )
    session.add(record)
    session.flush()
    audit.append(
        session,
        actor,
        "token.issued",
        f"user/{user.username}",
        {"token": record.id, "label": label},
    )
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The account a bearer token belongs to; None for an unknown, revoked or disabled one."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == token_hash(token),
            ApiToken.revoked_at.is_(None),
            User.disabled.is_(False),
        )
    )


def users_for_tokens(session: Session, tokens: Sequence[str]) -> dict[str, User]:
    """The accounts of several bearer tokens, by token, in one query; an unknown, revoked or
    disabled one is left out."""
    hashes = {token_hash(token): token for token in tokens if token.startswith(TOKEN_PREFIX)}
    if not hashes:
        return {}
    rows = session.execute(
        select(ApiToken.token_hash, User)
        .join(User, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash.in_(sorted(hashes)),
            ApiToken.revoked_at.is_(None),
            User.disabled.is_(False),
        )
    ).all()
    return {hashes[digest]: user for digest, user in rows}


def revoke_token(
    session: Session, token_id: int, *, actor: str, at: datetime | None = None
) -> ApiToken:
    """Revoke a token (audited); revoking it again changes nothing."""
    record = session.get(ApiToken, token_id)
    if record is None:
        raise AccountError(f"there is no API token number {token_id}")
    if record.revoked_at is None:
        record.revoked_at = at or now()
        audit.append(
            session, actor, "token.revoked", f"user/{record.user.username}", {"token": token_id}
        )
    return record
