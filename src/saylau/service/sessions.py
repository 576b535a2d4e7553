"""Signing in on the pages: a cookie that carries a page-session token, and the form token
(CSRF) bound to it.

**The session.** Signing in issues an API token (``accounts.issue_token``, label
:data:`SESSION_LABEL`) and puts it in a cookie; the database keeps only its SHA-256, as for
every token. Signing out revokes it (``accounts.revoke_token``), so a copied cookie is useless
from then on, whatever the browser keeps. A page session lasts :data:`SESSION_LIFETIME` from
sign-in (a night of counting), then the clerk signs in again; bearer tokens of the API are not
page sessions and are not accepted in the cookie.

**The cookie** is ``HttpOnly`` (no script reads it; the pages have none anyway), ``Path=/`` and
``SameSite=Strict``: the browser never sends it with a request that another site starts, not
even a link followed from elsewhere. Lax would let such a link arrive signed in; the commission
desk is reached by typing its address or from its own pages, so nothing is lost by Strict, and
every cross-site request, a top-level one included, arrives signed out.

**HTTPS and plain HTTP.** A request that came over HTTPS (``request.url.scheme``; behind a
proxy, uvicorn takes it from ``X-Forwarded-Proto`` of the addresses in
``--forwarded-allow-ips``) gets a ``Secure`` cookie named with the ``__Host-`` prefix, which
browsers accept only from HTTPS, with ``Path=/`` and no ``Domain``: a neighbouring host or a
plain-HTTP page cannot plant one. Over plain HTTP, signing in is allowed only when the address
the browser asked for is a loopback one (``localhost``, ``*.localhost``, ``127.0.0.0/8``,
``[::1]``): the tests, and ``saylau serve`` on the machine itself. There the cookie has its plain
name and no ``Secure`` flag, and is read only by plain-HTTP requests, so it never stands in for
the HTTPS one. Anything else over plain HTTP is refused with a page that says to use HTTPS. A
TLS proxy that does not say so would make the browser's ``Origin`` (``https://...``) differ
from the request's own, which the form check below refuses, so a misconfigured production
fails closed.

**Form tokens.** Every state-changing form carries a hidden ``csrf`` field:

- signed in: HMAC-SHA256 of a fixed purpose, keyed with the session token. Every worker
  process can check it with nothing shared but the database, it changes with every session,
  and it says nothing about the token it is made from;
- the sign-in form (no session yet): HMAC-SHA256 keyed with a random nonce kept in its own
  short-lived cookie (``SameSite=Strict``, ``HttpOnly``), so another site cannot sign a
  browser in to an account of its choosing.

The field is compared in constant time (``hmac.compare_digest``). The ``Origin`` header, or
failing it ``Referer``, must name this site when the browser sends one (``null`` does not).
A refusal is a :class:`FormRefused` whose ``key`` is the sentence to show (in the page's
language).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from saylau.service import accounts
from saylau.service.models import ApiToken, User, now

SESSION_LABEL = "page session"
"""The label of the tokens issued at sign-in on the pages (``api_tokens.label``)."""
SESSION_LIFETIME = timedelta(hours=12)
"""How long a page session lasts from sign-in."""
SESSION_COOKIE = "saylau_session"
SIGNIN_COOKIE = "saylau_signin"
SIGNIN_LIFETIME = timedelta(hours=2)
"""How long a sign-in form may stay open before it must be reloaded."""
SECURE_PREFIX = "__Host-"
"""The cookie-name prefix browsers accept only from HTTPS, with ``Path=/`` and no domain."""
CSRF_FIELD = "csrf"
"""The hidden field of every state-changing form."""
FORM_PURPOSE = b"saylau page form/1"
SIGNIN_PURPOSE = b"saylau sign-in form/1"
MAX_TOKEN_LENGTH = 100
"""Longer cookie values are not tokens; they are not looked up."""

REFUSAL_KEYS = (
    "refused.origin",
    "refused.missing",
    "refused.wrong",
    "refused.signed_out",
    "refused.signin_expired",
)
"""The sentences of the refused-form page, one per reason (message keys)."""


class FormRefused(Exception):
    """A state-changing form that is not trusted; ``key`` names the sentence to show."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


# -- how the request arrived ----------------------------------------------------------------


def is_loopback_host(host: str | None) -> bool:
    """Whether a host name or address stays on this machine."""
    if not host:
        return False
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Transport:
    """How a request reached the service, as far as cookies care: over HTTPS, or plain HTTP to
    a loopback address (a test, or ``saylau serve`` on the same machine)."""

    https: bool
    loopback: bool

    @property
    def may_sign_in(self) -> bool:
        return self.https or self.loopback

    def cookie_name(self, base: str) -> str:
        """The name of a cookie on this transport: ``__Host-`` prefixed over HTTPS."""
        return SECURE_PREFIX + base if self.https else base


def transport_of(request: Request) -> Transport:
    """Plain HTTP counts as loopback only when both the address asked for (the ``Host``
    header) and the address the request came from (the TCP peer, which a remote browser
    cannot choose) are loopback ones."""
    https = request.url.scheme == "https"
    peer = request.client.host if request.client else None
    loopback = not https and is_loopback_host(request.url.hostname) and is_loopback_host(peer)
    return Transport(https=https, loopback=loopback)


def _origin(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of a URL, default ports made explicit; None if it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def same_origin(request: Request) -> bool:
    """Whether the browser's ``Origin`` (or, without one, ``Referer``) names this site; true
    when it sends neither."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return True
    named = _origin(sent)
    return named is not None and named == _origin(str(request.base_url))


# -- tokens ---------------------------------------------------------------------------------


def form_token(key: str, purpose: bytes = FORM_PURPOSE) -> str:
    """The form token made from a secret: HMAC-SHA256 of the purpose, keyed with it (hex)."""
    return hmac.new(key.encode(), purpose, hashlib.sha256).hexdigest()


def tokens_match(sent: object, expected: str) -> bool:
    """Whether a form's token is the expected one (compared in constant time)."""
    if not isinstance(sent, str) or not sent:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


def check_form(request: Request, form: Mapping[str, object], expected: str | None) -> None:
    """Raise :class:`FormRefused` unless the form comes from this site and carries the
    expected token; ``expected`` is None when there is no session to bind it to."""
    if not same_origin(request):
        raise FormRefused("refused.origin")
    if expected is None:
        raise FormRefused("refused.signed_out")
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not sent:
        raise FormRefused("refused.missing")
    if not tokens_match(sent, expected):
        raise FormRefused("refused.wrong")


# -- page sessions --------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSession:
    """A signed-in browser: its account, the row of the token its cookie carries, when the
    session ends, and the token its forms carry."""

    user: User
    token_id: int
    ends: datetime
    csrf: str


def session_token(request: Request) -> str | None:
    """The token in the request's session cookie (the cookie of its transport), if any."""
    token = request.cookies.get(transport_of(request).cookie_name(SESSION_COOKIE))
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token


def page_session(
    session: Session, request: Request, *, at: datetime | None = None
) -> PageSession | None:
    """The page session of a request: None without a cookie, or when its token is unknown,
    revoked, not a page session, older than :data:`SESSION_LIFETIME`, or its account is
    disabled."""
    token = session_token(request)
    if token is None:
        return None
    user = accounts.user_for_token(session, token)
    if user is None:
        return None
    record = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == accounts.token_hash(token))
    )
    if record is None or record.label != SESSION_LABEL:
        return None
    ends = record.created_at + SESSION_LIFETIME
    if ends <= (at or now()):
        return None
    return PageSession(user, record.id, ends, form_token(token))


def start_session(session: Session, user: User, *, at: datetime | None = None) -> str:
    """A new page-session token for an account that has just signed in (audited)."""
    return accounts.issue_token(session, user, SESSION_LABEL, actor=user.username, at=at)


def end_session(session: Session, page: PageSession) -> None:
    """Revoke the session's token (audited): its cookie opens nothing from now on."""
    accounts.revoke_token(session, page.token_id, actor=page.user.username)


def _set(response: Response, request: Request, base: str, value: str, age: timedelta) -> None:
    transport = transport_of(request)
    response.set_cookie(
        transport.cookie_name(base),
        value,
        max_age=int(age.total_seconds()),
        path="/",
        secure=transport.https,
        httponly=True,
        samesite="strict",
    )


def _clear(response: Response, request: Request, base: str) -> None:
    transport = transport_of(request)
    response.delete_cookie(
        transport.cookie_name(base),
        path="/",
        secure=transport.https,
        httponly=True,
        samesite="strict",
    )


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    _set(response, request, SESSION_COOKIE, token, SESSION_LIFETIME)


def clear_session_cookie(response: Response, request: Request) -> None:
    _clear(response, request, SESSION_COOKIE)


# -- the sign-in form -----------------------------------------------------------------------


def signin_nonce(request: Request) -> str:
    """The nonce of the browser's sign-in form: the one in its cookie, else a new one."""
    kept = request.cookies.get(transport_of(request).cookie_name(SIGNIN_COOKIE))
    if kept and len(kept) <= MAX_TOKEN_LENGTH:
        return kept
    return secrets.token_urlsafe(32)


def signin_token(nonce: str) -> str:
    """The form token of a sign-in form opened with this nonce."""
    return form_token(nonce, SIGNIN_PURPOSE)


def check_signin_form(request: Request, form: Mapping[str, object]) -> None:
    """Raise :class:`FormRefused` unless the sign-in form comes from this site and carries the
    token of the nonce in this browser's sign-in cookie."""
    if not same_origin(request):
        raise FormRefused("refused.origin")
    kept = request.cookies.get(transport_of(request).cookie_name(SIGNIN_COOKIE))
    if not kept or len(kept) > MAX_TOKEN_LENGTH:
        raise FormRefused("refused.signin_expired")
    if not tokens_match(form.get(CSRF_FIELD), signin_token(kept)):
        raise FormRefused("refused.signin_expired")


def set_signin_cookie(response: Response, request: Request, nonce: str) -> None:
    _set(response, request, SIGNIN_COOKIE, nonce, SIGNIN_LIFETIME)


def clear_signin_cookie(response: Response, request: Request) -> None:
    _clear(response, request, SIGNIN_COOKIE)


# -- the header of every page ---------------------------------------------------------------


@dataclass(frozen=True)
class Banner:
    """What the header of a page shows of the browser's sign-in: the account's name and the
    token of the sign-out button, or (both None) a link to sign in."""

    username: str | None = None
    csrf: str | None = None

    @classmethod
    def of(cls, page: PageSession | None) -> Banner:
        return cls() if page is None else cls(page.user.username, page.csrf)


__all__ = [
    "CSRF_FIELD",
    "REFUSAL_KEYS",
    "SESSION_COOKIE",
    "SESSION_LABEL",
    "SESSION_LIFETIME",
    "Banner",
    "FormRefused",
    "PageSession",
    "Transport",
    "check_form",
    "check_signin_form",
    "page_session",
    "same_origin",
    "transport_of",
]
