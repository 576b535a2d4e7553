"""The public pages in a real browser: Playwright driving Debian's chromium, headless.

The pages are served over loopback by uvicorn (the ``served`` fixture). Screenshots of the
national page in English and Arabic are saved under ``test-artifacts/screenshots/`` at the
top of the repository (ignored by git). No JavaScript of the pages is needed: there is none.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browsing import CHROMIUM, NEEDS_CHROMIUM, chromium, screenshot

pytestmark = NEEDS_CHROMIUM

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab (no cookies) whose browser prefers English."""
    context = browser.new_context(locale="en-US", viewport={"width": 1024, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_national_page_shows_the_seats_and_the_hemicycle(page: Page, served: str) -> None:
    page.goto(f"{served}/elections/tiny?lang=en")
    hemicycle = page.locator("figure.hemicycle svg")
    assert hemicycle.is_visible()
    assert hemicycle.locator("circle").count() == 6
    box = hemicycle.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    seats = page.locator("table.seats tbody tr")
    assert seats.all_inner_texts() == ["Amanat\t4", "Ak Zhol\t1", "Auyl\t1"]
    assert page.locator("table.seats tfoot").inner_text() == "Total\t6"
    assert screenshot(page, "national-en.png").stat().st_size > 0


def test_the_national_page_in_arabic_is_right_to_left_with_arabic_labels(
    page: Page, served: str
) -> None:
    page.goto(f"{served}/elections/tiny?lang=ar")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.locator("table.seats thead th").all_inner_texts() == ["الحزب", "المقاعد"]
    assert page.locator("nav.sections a[aria-current=page]").inner_text() == "النتيجة"
    # Mirrored: the site's name starts on the right, the language switcher ends on the left.
    home = page.locator("a.home").bounding_box()
    languages = page.locator("nav.languages").bounding_box()
    assert home is not None and languages is not None
    assert home["x"] > languages["x"]
    party = page.locator("table.seats tbody th").first.bounding_box()
    seats = page.locator("table.seats tbody td").first.bounding_box()
    assert party is not None and seats is not None and party["x"] > seats["x"]
    assert page.locator("figure.hemicycle svg circle").count() == 6
    assert screenshot(page, "national-ar.png").stat().st_size > 0


def test_a_language_chosen_with_the_switcher_is_kept_on_the_next_page(
    page: Page, served: str
) -> None:
    page.goto(f"{served}/elections/tiny")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Русский").click()
    assert page.locator("html").get_attribute("lang") == "ru"
    page.get_by_role("link", name="Партии").click()
    assert page.url == f"{served}/elections/tiny/parties"
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("table.parties thead th").first.inner_text() == "Партия"
    screenshot(page, "parties-ru.png")


def test_a_precinct_page_shows_its_figures(page: Page, served: str) -> None:
    page.goto(f"{served}/elections/tiny/regions/R1?lang=en")
    page.get_by_role("link", name="School 1").click()
    assert page.url == f"{served}/elections/tiny/precincts/P1"
    figures = page.locator("table.figures").first
    assert figures.locator("tr").first.inner_text() == "Voters on the list\t1,000"
    lines = page.locator("table.lines").first.locator("tbody tr").all_inner_texts()
    assert lines == ["1\tAmanat\t300", "2\tAk Zhol\t100", "3\tAuyl\t50"]
    assert page.locator(".protocol .badge.accepted").count() == 2
    screenshot(page, "precinct-en.png")
