"""Signing in and out on the pages, and the form tokens: a cookie session bound to a revocable
token, refused over plain HTTP except on loopback, and every state-changing form checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from desk_helpers import (
    HTTPS,
    Desk,
    csrf_of,
    enter,
    form_of,
    make_desk,
    password_of,
    protocol_path,
    send,
    sign_in,
)
from sqlalchemy import func, select, update

from saylau.count.definition import Election
from saylau.service.accounts import issue_token
from saylau.service.db import Database
from saylau.service.models import ApiToken, ProtocolRecord, User
from saylau.service.sessions import SESSION_LABEL, SESSION_LIFETIME


@pytest.fixture
def desk(database: Database, tiny_election: Election) -> Desk:
    return make_desk(database, tiny_election)


def protocols_stored(desk: Desk) -> int:
    with desk.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(ProtocolRecord)) or 0)


def session_tokens(desk: Desk, username: str) -> list[ApiToken]:
    with desk.database.read() as session:
        return list(
            session.scalars(
                select(ApiToken)
                .join(User)
                .where(User.username == username, ApiToken.label == SESSION_LABEL)
            )
        )


# -- signing in -------------------------------------------------------------------------------


def test_signing_in_sets_a_secure_http_only_strict_cookie_and_opens_the_desk(desk: Desk) -> None:
    browser = desk.browser()
    response = sign_in(browser, "p1", password_of("p1"))
    assert response.status_code == 303
    assert response.headers["location"] == "/desk"
    [cookie] = [c for c in response.headers.get_list("set-cookie") if "saylau_session=" in c]
    assert cookie.startswith("__Host-saylau_session=saylau_")
    flags = {flag.strip().lower() for flag in cookie.split(";")[1:]}
    assert {"httponly", "secure", "path=/", "samesite=strict"} <= flags
    assert not any(flag.startswith("domain") for flag in flags)
    desk_page = browser.get("/desk")
    assert desk_page.status_code == 200
    assert "Signed in as" in desk_page.text and ">p1</bdi>" in desk_page.text
    assert desk_page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in desk_page.headers["content-security-policy"]
    [token] = session_tokens(desk, "p1")
    assert token.revoked_at is None


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(desk: Desk) -> None:
    wrong = sign_in(desk.browser(), "p1", "not the password")
    unknown = sign_in(desk.browser(), "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "Wrong username or password." in response.text
        assert "saylau_session" not in response.headers.get("set-cookie", "")
    assert wrong.text.replace('value="p1"', 'value="nobody"') == unknown.text.replace(
        csrf_of(unknown.text), csrf_of(wrong.text)
    )


def test_a_wrong_password_is_told_in_the_page_language(desk: Desk) -> None:
    response = sign_in(desk.browser(), "p1", "not the password", language="ru")
    assert response.status_code == 401
    assert "Неверное имя пользователя или пароль." in response.text
    assert 'value="p1"' in response.text, "the username typed is kept"


def test_repeated_failed_sign_ins_are_throttled_with_the_time_to_try_again(desk: Desk) -> None:
    browser = desk.browser()
    for _ in range(5):
        assert sign_in(browser, "p1", "not the password").status_code == 401
    throttled = sign_in(browser, "p1", password_of("p1"), language="ar")
    assert throttled.status_code == 429
    assert "محاولات دخول فاشلة كثيرة جدًا" in throttled.text
    assert " UTC" in throttled.text
    assert session_tokens(desk, "p1") == []


def test_a_disabled_account_is_told_so(desk: Desk) -> None:
    with desk.database.write() as session:
        session.execute(update(User).where(User.username == "p1").values(disabled=True))
    response = sign_in(desk.browser(), "p1", password_of("p1"))
    assert response.status_code == 403
    assert "is disabled; ask the CEC administrator" in response.text


def test_the_sign_in_form_is_refused_without_the_token_of_its_page(desk: Desk) -> None:
    browser = desk.browser()
    response = browser.post(
        "/signin", data={"username": "p1", "password": password_of("p1"), "csrf": "x"}
    )
    assert response.status_code == 403
    assert "This sign-in form has expired" in response.text
    assert session_tokens(desk, "p1") == []


def test_a_sign_in_form_from_another_site_is_refused(desk: Desk) -> None:
    browser = desk.browser()
    token = csrf_of(browser.get("/signin").text)
    response = browser.post(
        "/signin",
        data={"username": "p1", "password": password_of("p1"), "csrf": token},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 403
    assert "sent from another site" in response.text
    assert session_tokens(desk, "p1") == []


def test_over_plain_http_a_loopback_address_signs_in_with_a_plain_cookie(desk: Desk) -> None:
    browser = desk.browser("http://127.0.0.1:8000")
    response = sign_in(browser, "p1", password_of("p1"))
    assert response.status_code == 303
    [cookie] = [c for c in response.headers.get_list("set-cookie") if "saylau_session=" in c]
    assert cookie.startswith("saylau_session=")
    assert "secure" not in cookie.lower()
    assert browser.get("/desk").status_code == 200


def test_over_plain_http_a_public_address_cannot_sign_in(desk: Desk) -> None:
    browser = desk.browser("http://results.example")
    page = browser.get("/signin")
    assert "encrypted connection" in page.text
    assert 'name="password"' not in page.text
    response = browser.post(
        "/signin", data={"username": "p1", "password": password_of("p1"), "csrf": "x"}
    )
    assert response.status_code == 403
    assert "saylau_session" not in response.headers.get("set-cookie", "")
    assert session_tokens(desk, "p1") == []


def test_a_remote_browser_naming_localhost_over_plain_http_cannot_sign_in(desk: Desk) -> None:
    browser = desk.browser("http://localhost", peer="203.0.113.7")
    response = browser.post(
        "/signin", data={"username": "p1", "password": password_of("p1"), "csrf": "x"}
    )
    assert response.status_code == 403
    assert session_tokens(desk, "p1") == []


def test_a_cookie_of_the_plain_http_name_is_not_read_over_https(desk: Desk) -> None:
    loopback = desk.browser("http://localhost")
    sign_in(loopback, "p1", password_of("p1"))
    token = loopback.cookies.get("saylau_session")
    assert token
    browser = desk.browser()
    browser.cookies.set("saylau_session", token)
    assert browser.get("/desk").headers["location"] == "/signin"


# -- the session ------------------------------------------------------------------------------


def test_signing_out_revokes_the_session_on_the_server(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    token = browser.cookies.get("__Host-saylau_session")
    form = csrf_of(browser.get("/desk").text)
    response = browser.post("/signout", data={"csrf": form})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?done=signed-out"
    assert "__Host-saylau_session=" in response.headers["set-cookie"]
    assert "Max-Age=0" in response.headers["set-cookie"]
    [record] = session_tokens(desk, "p1")
    assert record.revoked_at is not None
    assert "You are signed out." in browser.get(response.headers["location"]).text
    copied = desk.browser()
    copied.cookies.set("__Host-saylau_session", token or "")
    assert copied.get("/desk").headers["location"] == "/signin"


def test_signing_out_needs_the_form_token(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    refused = browser.post("/signout", data={})
    assert refused.status_code == 403
    assert "no security token" in refused.text
    assert browser.get("/desk").status_code == 200
    [record] = session_tokens(desk, "p1")
    assert record.revoked_at is None


def test_a_signed_in_browser_is_shown_who_is_signed_in_instead_of_the_form(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    page = browser.get("/signin")
    assert page.status_code == 200
    assert ">p1</bdi>" in page.text
    assert 'name="password"' not in page.text
    assert 'href="/desk"' in page.text


def test_a_page_session_ends_after_its_lifetime(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    assert browser.get("/desk").status_code == 200
    with desk.database.write() as session:
        record = session.scalars(select(ApiToken).where(ApiToken.label == SESSION_LABEL)).one()
        record.created_at -= SESSION_LIFETIME + timedelta(minutes=1)
    assert browser.get("/desk").headers["location"] == "/signin"


def test_a_bearer_token_of_the_api_does_not_open_the_pages(desk: Desk) -> None:
    with desk.database.write() as session:
        user = session.scalars(select(User).where(User.username == "p1")).one()
        token = issue_token(session, user, "api login", actor="test")
    browser = desk.browser()
    browser.cookies.set("__Host-saylau_session", token)
    assert browser.get("/desk").headers["location"] == "/signin"


def test_the_desk_sends_a_browser_that_is_not_signed_in_to_the_sign_in_page(desk: Desk) -> None:
    browser = desk.browser()
    for path in ("/desk", protocol_path("P1", "lists"), "/signout"):
        response = browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/signin"


# -- form tokens ------------------------------------------------------------------------------


def test_a_form_without_its_token_is_refused_and_nothing_is_stored(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    fields = {"action": "enter", "entry": "1", **form_of("P1", "lists")}
    response = browser.post(protocol_path("P1", "lists"), data=fields)
    assert response.status_code == 403
    assert "The form has no security token. Nothing was stored." in response.text
    assert f'href="{protocol_path("P1", "lists")}"' in response.text
    assert protocols_stored(desk) == 0


def test_a_form_with_another_sessions_token_is_refused(desk: Desk) -> None:
    mine = desk.sign_in("p1")
    theirs = desk.sign_in("p1b")
    their_token = csrf_of(theirs.get("/desk").text)
    fields = {"action": "enter", "entry": "1", **form_of("P1", "lists")}
    response = send(mine, "P1", "lists", fields, token=their_token)
    assert response.status_code == 403
    assert "does not belong to this sign-in" in response.text
    assert protocols_stored(desk) == 0


def test_a_form_sent_after_signing_out_is_refused(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    cookie = browser.cookies.get("__Host-saylau_session") or ""
    page = browser.get(protocol_path("P1", "lists")).text
    token = csrf_of(page)
    assert browser.post("/signout", data={"csrf": token}).status_code == 303
    browser.cookies.set("__Host-saylau_session", cookie)  # a copy of the old cookie
    fields = {"csrf": token, "action": "enter", "entry": "1", **form_of("P1", "lists")}
    response = browser.post(protocol_path("P1", "lists"), data=fields)
    assert response.status_code == 403
    assert "You are signed out, or your session has ended. Nothing was stored." in response.text
    assert protocols_stored(desk) == 0


def test_a_form_from_another_site_is_refused_even_with_the_right_token(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    token = csrf_of(browser.get(protocol_path("P1", "lists")).text)
    fields = {"csrf": token, "action": "enter", "entry": "1", **form_of("P1", "lists")}
    for header in (
        {"Origin": "https://elsewhere.example"},
        {"Origin": "null"},
        {"Referer": "https://elsewhere.example/form.html"},
        {"Origin": HTTPS.replace("https", "http")},
    ):
        response = browser.post(protocol_path("P1", "lists"), data=fields, headers=header)
        assert response.status_code == 403, header
        assert "sent from another site" in response.text
    assert protocols_stored(desk) == 0
    same_site = browser.post(protocol_path("P1", "lists"), data=fields, headers={"Origin": HTTPS})
    assert same_site.status_code == 303


def test_a_refused_form_is_explained_in_the_page_language(desk: Desk) -> None:
    browser = desk.sign_in("p1", language="ar")
    response = browser.post(protocol_path("P1", "lists"), data={"action": "enter"})
    assert response.status_code == 403
    assert 'dir="rtl"' in response.text
    assert "لا يحمل النموذج رمز الأمان" in response.text


def test_the_form_token_differs_from_session_to_session(desk: Desk) -> None:
    first = csrf_of(desk.sign_in("p1").get("/desk").text)
    second = csrf_of(desk.sign_in("p1").get("/desk").text)
    assert first != second
    assert len(first) == 64


def test_a_stored_entry_redirects_so_that_reloading_sends_nothing(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    response = enter(browser, "P1", "lists", 1)
    assert response.status_code == 303
    assert response.headers["location"] == protocol_path("P1", "lists") + "?done=entered&entry=1"
