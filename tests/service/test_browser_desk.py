"""The commission's pages in a real browser, in English and in Arabic: Playwright driving
Debian's chromium (headless) against the whole service, ``create_app(database)``, served by
uvicorn on a loopback port, over each test database.

One clerk's night, through the pages only: sign in as a precinct operator; enter a protocol
whose ballots do not add up and see the coded message; correct it; sign out. A second person
enters the second entry; the superior commission approves it; the public national page then
counts one more protocol. Screenshots of each step are kept under
``test-artifacts/screenshots/`` (``desk-signin-ar.png``, ``desk-error-en.png``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from desk_helpers import form_of, make_desk, password_of

from browsing import CHROMIUM, NEEDS_CHROMIUM, chromium, screenshot, serving
from saylau.count.definition import Election
from saylau.service.db import Database

pytestmark = NEEDS_CHROMIUM

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page


@dataclass(frozen=True)
class Night:
    """Who does what in one language: the precinct, its two clerks, the approver, and the
    words the test looks for on the pages."""

    language: str
    precinct: str
    first: str
    second: str
    approver: str
    failed_check: str
    passes: str
    signed_out: str
    approved: str
    registered_label: str


NIGHTS = {
    "en": Night(
        "en",
        "P1",
        "p1",
        "p1b",
        "north",
        "This protocol fails a check",
        "The figures pass every check.",
        "You are signed out.",
        "The protocol is approved",
        "Voters on the list *",
    ),
    "ar": Night(
        "ar",
        "P4",
        "p4",
        "south",
        "cec",
        "لا يجتاز هذا المحضر أحد الفحوص",
        "تجتاز الأرقام كل الفحوص.",
        "لقد سجَّلت الخروج.",
        "اعتُمد المحضر",
        "عدد الناخبين في القائمة *",
    ),
}
PROTOCOLS_IN = re.compile(r"(\d+) / (\d+)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def served(database: Database, tiny_election: Election) -> Iterator[str]:
    """The whole service over a test database with the tiny election and its accounts."""
    desk = make_desk(database, tiny_election)
    with serving(desk.app) as url:
        yield url


def protocols_in(page: Page, base: str) -> tuple[int, int]:
    """The protocols counted on the public national page, and those expected."""
    page.goto(f"{base}/elections/tiny")
    text = page.locator("main p.muted").filter(has_text=PROTOCOLS_IN).first.inner_text()
    found = PROTOCOLS_IN.search(text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def sign_in(page: Page, who: str) -> None:
    """Follow the header's sign-in link and sign in."""
    page.locator(".account a[href='/signin']").click()
    page.fill("#username", who)
    page.fill("#password", password_of(who))
    page.locator("form.signin button[type=submit]").click()
    assert page.url.endswith("/desk")
    assert page.locator(".account bdi.who").inner_text() == who


def sign_out(page: Page, night: Night) -> None:
    page.locator(".account form button").click()
    assert night.signed_out in page.locator(".alert.ok").inner_text()
    assert page.locator(".account a[href='/signin']").is_visible()


def open_protocol(page: Page, precinct: str) -> None:
    """Open the list ballot of a precinct with the desk's form."""
    page.fill("#precinct-tiny", precinct)
    page.select_option("#contest-tiny", "lists")
    page.locator("form.open button[type=submit]").click()
    assert page.url.endswith(f"/desk/tiny/protocols/{precinct}/lists")


def fill_protocol(page: Page, typed: dict[str, str]) -> None:
    for name, value in typed.items():
        page.fill(f"#f-{name}", value)
    page.locator("form.entry button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_protocol_entered_with_an_error_corrected_and_approved_reaches_the_public_page(
    browser: Browser, served: str, language: str
) -> None:
    night = NIGHTS[language]
    context = browser.new_context(locale="en-US", viewport={"width": 1024, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{served}/elections/tiny?lang={language}")
        before, expected = protocols_in(page, served)
        assert (before, expected) == (0, 12)

        # The precinct operator signs in from the public page's header.
        page.locator(".account a[href='/signin']").click()
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        screenshot(page, f"desk-signin-{language}.png")
        page.go_back()
        sign_in(page, night.first)
        page.locator(f"a[href='/desk/tiny/protocols/{night.precinct}/lists']").click()
        assert night.registered_label in page.locator("form.entry").inner_text()

        # Ballots that do not add up: stored, with the coded message.
        wrong = form_of(night.precinct, "lists")
        right_received = wrong["received"]
        wrong["received"] = str(int(right_received) + 7)
        fill_protocol(page, wrong)
        checks = page.locator("section.checks")
        assert night.failed_check in checks.locator("h2").inner_text()
        assert "E-BALLOTS-RECEIVED" in checks.inner_text()
        assert f"received {wrong['received']} ballots" in checks.inner_text()
        screenshot(page, f"desk-error-{language}.png")

        # The correction form is filled with what was stored; put the one figure right.
        assert page.input_value("#f-received") == wrong["received"]
        page.fill("#f-received", right_received)
        page.locator("form.entry button[type=submit]").click()
        assert night.passes in page.locator("p.checks").inner_text()
        assert page.locator("section.checks").count() == 0
        screenshot(page, f"desk-corrected-{language}.png")
        sign_out(page, night)

        # Another person makes the second entry, typed from the paper.
        sign_in(page, night.second)
        open_protocol(page, night.precinct)
        assert page.input_value("#f-received") == ""
        fill_protocol(page, form_of(night.precinct, "lists"))
        assert page.locator(".badge.matched").count() == 1
        sign_out(page, night)

        # The superior commission approves it from its desk.
        sign_in(page, night.approver)
        page.locator(f"a[href='/desk/tiny/protocols/{night.precinct}/lists']").click()
        page.locator("section.approve button[type=submit]").click()
        assert night.approved in page.locator(".alert.ok.notice").inner_text()
        screenshot(page, f"desk-approved-{language}.png")

        # The public national page counts it.
        after, _ = protocols_in(page, served)
        assert after == before + 1
        screenshot(page, f"desk-public-{language}.png")
    finally:
        context.close()


def test_a_figure_typed_as_text_is_marked_in_the_browser_and_nothing_is_lost(
    browser: Browser, served: str
) -> None:
    context = browser.new_context(locale="ar", viewport={"width": 1024, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{served}/?lang=ar")
        sign_in(page, "p1")
        page.locator("a[href='/desk/tiny/protocols/P1/lists']").click()
        typed = form_of("P1", "lists")
        typed["invalid"] = "اثنان"
        fill_protocol(page, typed)
        assert page.locator("#f-invalid").get_attribute("aria-invalid") == "true"
        assert page.input_value("#f-invalid") == "اثنان"
        assert page.input_value("#f-registered") == typed["registered"]
        assert page.locator(".alert.refusal h2").inner_text() == "في النموذج ما ليس صحيحًا"
        screenshot(page, "desk-invalid-ar.png")
    finally:
        context.close()
