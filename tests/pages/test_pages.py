"""The public pages over HTTP: every page answers in the language the user chose, shows the
count's figures, escapes every name, loads nothing from elsewhere, and says when something
it names does not exist."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pages_helpers import (
    ESCAPE_ME,
    client_of,
    election_directory,
    hostile_definition,
    tables,
)
from tiny import VOTES, clean_rows, protocol

from saylau.law.numbers import percent_text
from saylau.service.i18n import COOKIE, LANGUAGES, catalogs
from saylau.service.pages import pages_router
from saylau.service.sources import DirectorySource, ProgressPoint

PAGES = [
    "/",
    "/elections/tiny",
    "/elections/tiny/parties",
    "/elections/tiny/regions",
    "/elections/tiny/regions/R1",
    "/elections/tiny/districts",
    "/elections/tiny/precincts/P1",
    "/elections/tiny/progress",
]
ELECTION_PAGES = [path.replace("tiny", "{id}") for path in PAGES if path != "/"]
NBSP = "\u00a0"


def html_attributes(page: str) -> dict[str, str]:
    opening = re.search(r"<html([^>]*)>", page)
    assert opening is not None
    return dict(re.findall(r'(\w+)="([^"]*)"', opening.group(1)))


# -- every page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_answers_in_the_language_asked_for(
    client: TestClient, path: str, language: str
) -> None:
    response = client.get(path, params={"lang": language})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == language
    direction = "rtl" if language == "ar" else "ltr"
    assert html_attributes(response.text) == {"lang": language, "dir": direction}
    assert catalogs()[language].t("site.title") in response.text


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_self_contained_without_script(client: TestClient, path: str) -> None:
    page = client.get(path).text
    assert "<script" not in page
    assert "<style>" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_language_switcher(client: TestClient, path: str) -> None:
    page = client.get(path, params={"lang": "kk"}).text
    for code in LANGUAGES:
        assert f'href="?lang={code}" lang="{code}"' in page
    assert 'hreflang="kk" aria-current="true">Қазақша</a>' in page


# -- choosing the language ----------------------------------------------------------------------


def test_without_a_choice_the_browser_s_language_is_used_else_english(
    client: TestClient,
) -> None:
    assert html_attributes(client.get("/").text)["lang"] == "en"
    russian = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
    assert html_attributes(russian.text)["lang"] == "ru"
    assert COOKIE not in russian.cookies
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert html_attributes(french.text)["lang"] == "en"


def test_a_chosen_language_is_kept_in_a_cookie_for_the_next_pages(client: TestClient) -> None:
    chosen = client.get("/elections/tiny", params={"lang": "ar"})
    assert chosen.cookies[COOKIE] == "ar"
    cookie = chosen.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    following = client.get("/elections/tiny/parties", headers={"Accept-Language": "ru"})
    assert html_attributes(following.text) == {"lang": "ar", "dir": "rtl"}
    assert "الحزب" in following.text


def test_an_unknown_language_is_passed_over(client: TestClient) -> None:
    response = client.get("/", params={"lang": "xx"}, headers={"Accept-Language": "kk"})
    assert html_attributes(response.text)["lang"] == "kk"
    assert COOKIE not in response.cookies


def test_pages_vary_by_language_for_caches(client: TestClient) -> None:
    assert client.get("/").headers["vary"] == "Accept-Language, Cookie"


# -- the pages ----------------------------------------------------------------------------------


def test_the_elections_page_links_each_election(client: TestClient) -> None:
    page = client.get("/").text
    assert '<a href="/elections/tiny">A tiny test election</a>' in page
    assert "2023-03-19" in page


def test_the_national_page_shows_the_hemicycle_and_the_seats(client: TestClient) -> None:
    page = client.get("/elections/tiny").text
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<circle") == 6
    assert 'aria-label="6 seats; Amanat 4; Ak Zhol 1; Auyl 1"' in svg
    assert tables(page)["seats"] == [
        ["Party", "Seats"],
        ["Amanat", "4"],
        ["Ak Zhol", "1"],
        ["Auyl", "1"],
        ["Total", "6"],
    ]
    assert 'City maslikhat <span class="badge final">Final</span>' in page
    assert "SYNTHETIC DATA" in page


def test_the_national_page_in_arabic_labels_the_hemicycle_in_arabic(client: TestClient) -> None:
    page = client.get("/elections/tiny", params={"lang": "ar"}).text
    assert 'aria-label="عدد المقاعد: 6; Amanat 4; Ak Zhol 1; Auyl 1"' in page
    assert tables(page)["seats"][0] == ["الحزب", "المقاعد"]


def test_the_parties_page_shows_votes_shares_and_seats_by_tier(client: TestClient) -> None:
    rows = tables(client.get("/elections/tiny/parties").text)["parties"]
    assert rows == [
        ["Party", "Votes", "%", "List seats", "District seats", "Seats"],
        ["Amanat", "1,560", "58.43%", "2", "2", "4"],
        ["Ak Zhol", "760", "28.46%", "1", "0", "1"],
        ["Auyl", "290", "10.86%", "1", "0", "1"],
        ["Against all", "60", "2.25%", "", "", ""],
        ["Total", "", "", "4", "2", "6"],
    ]


def test_numbers_are_written_in_the_page_s_language_with_the_same_digits(
    client: TestClient,
) -> None:
    rows = tables(client.get("/elections/tiny/parties", params={"lang": "ru"}).text)["parties"]
    assert rows[1] == ["Amanat", f"1{NBSP}560", f"58,43{NBSP}%", "2", "2", "4"]
    assert rows[0][:2] == ["Партия", "Голоса"]


def test_the_regions_page_links_each_region_with_turnout_and_leader(client: TestClient) -> None:
    page = client.get("/elections/tiny/regions").text
    rows = tables(page)["regions"]
    assert rows[0] == ["Region", "Protocols in", "Turnout", "Leading list", "%"]
    assert [row[0] for row in rows[1:]] == ["North", "South"]
    assert rows[1][1] == "3 / 3 (100.00%)" and rows[1][3] == "Amanat"
    assert '<a href="/elections/tiny/regions/R1">North</a>' in page


def test_a_region_page_shows_its_vote_and_links_its_precincts(client: TestClient) -> None:
    page = client.get("/elections/tiny/regions/R1").text
    votes = tables(page)["votes"]
    north = [sum(VOTES[p][0][k] for p in ("P1", "P2", "P3")) for k in range(3)]
    base = sum(north) + 3 * 10
    assert votes == [
        ["List", "Votes", "%"],
        ["Amanat", f"{north[0]:,}", percent_text(north[0], base)],
        ["Ak Zhol", f"{north[1]:,}", percent_text(north[1], base)],
        ["Auyl", f"{north[2]:,}", percent_text(north[2], base)],
        ["Against all", "30", percent_text(30, base)],
    ]
    assert [row[0] for row in tables(page)["precincts"][1:]] == [
        "School 1 P1",
        "School 2 P2",
        "School 3 P3",
    ]
    assert '<a href="/elections/tiny/precincts/P3">School 3</a>' in page


def test_the_districts_page_shows_winners_with_party_votes_and_margin(client: TestClient) -> None:
    rows = tables(client.get("/elections/tiny/districts").text)["districts"]
    assert rows[0] == ["District", "Winner", "Party", "Votes", "%", "Margin", "Protocols in"]
    # District 1: 960 to 420, 30 against all; District 2: 570 to 530 and 80, 30 against all.
    assert rows[1] == [
        "District 1",
        "Aida Amanova",
        "Amanat",
        "960",
        percent_text(960, 960 + 420 + 30),
        "540",
        "3 / 3 (100.00%)",
    ]
    assert rows[2] == [
        "District 2",
        "Erlan Esov",
        "Amanat",
        "570",
        percent_text(570, 530 + 570 + 80 + 30),
        "40",
        "3 / 3 (100.00%)",
    ]


def test_a_precinct_page_shows_every_figure_and_line_and_the_state(client: TestClient) -> None:
    page = client.get("/elections/tiny/precincts/P1").text
    expected = protocol("P1", "lists", VOTES["P1"][0])
    figures = tables(page)["figures"]
    assert len(figures) == 2 * 11
    assert figures[0] == ["Voters on the list", "1,000"]
    assert figures[9] == ["Invalid ballots", str(expected["invalid"])]
    lines = tables(page)["lines"]
    assert lines[:4] == [
        ["№", "Candidate or list", "Votes"],
        ["1", "Amanat", "300"],
        ["2", "Ak Zhol", "100"],
        ["3", "Auyl", "50"],
    ]
    assert page.count('<span class="badge accepted">Accepted</span>') == 2
    assert '<a href="/elections/tiny/regions/R1">North</a>' in page


def test_a_precinct_page_shows_a_blocked_protocol_with_its_codes_and_an_awaited_one(
    tmp_path: Path,
) -> None:
    rows = [r for r in clean_rows() if (r["precinct"], r["contest"]) != ("P1", "districts")]
    rows[0] = protocol("P1", "lists", VOTES["P1"][0], invalid=50)
    page = (
        client_of(election_directory(tmp_path, rows))
        .get("/elections/tiny/precincts/P1", params={"lang": "ru"})
        .text
    )
    assert '<span class="badge blocked">Задержан</span>' in page
    assert "E-BALLOTS-VALID: " in page
    assert '<span class="badge awaited">Ожидается</span>' in page
    assert "Этот протокол ещё не введён." in page


def test_the_progress_page_shows_the_count_over_time_as_a_table_and_a_chart(
    client: TestClient,
) -> None:
    page = client.get("/elections/tiny/progress").text
    [header, point] = tables(page)["progress"]
    assert header[1:] == [
        "Protocols in",
        "Protocols expected",
        "%",
        "Voters in",
        "Registered voters",
        "%",
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", point[0])
    assert point[1:] == ["12", "12", "100.00%", "5,700", "5,700", "100.00%"]
    chart = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640') :]
    assert 'aria-label="Share of protocols in, over time"' in chart
    assert chart.count('class="dot"') == 1


def test_a_partial_count_is_marked_partial_and_provisional(tmp_path: Path) -> None:
    rows = [row for row in clean_rows() if row["precinct"] != "P6"]
    page = client_of(election_directory(tmp_path, rows)).get("/elections/tiny").text
    assert '<span class="badge partial">Partial</span>' in page
    assert "83.33% of protocols (10 of 12) and 87.72% of registered voters" in page
    assert 'City maslikhat <span class="badge provisional">Provisional</span>' in page


# -- escaping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_names_from_the_election_are_escaped_on_every_page(
    tmp_path: Path, path: str, language: str
) -> None:
    client = client_of(election_directory(tmp_path, definition=hostile_definition()))
    page = client.get(path, params={"lang": language}).text
    assert ESCAPE_ME not in page
    assert "<b>" not in page
    assert "&lt;b&gt;&amp;&#34;x&#34;" in page or "&lt;b&gt;&amp;&quot;x&quot;" in page


# -- not found ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ELECTION_PAGES)
def test_an_unknown_election_is_a_404_page_that_says_so(client: TestClient, path: str) -> None:
    response = client.get(path.format(id="nope"), params={"lang": "en"})
    assert response.status_code == 404
    assert "There is no election with the id “nope”." in response.text
    assert html_attributes(response.text)["lang"] == "en"


@pytest.mark.parametrize(
    ("path", "language", "sentence"),
    [
        ("/elections/tiny/precincts/P99", "en", "This election has no precinct with the id “P99”."),
        ("/elections/tiny/regions/R9", "ru", "На этих выборах нет региона с идентификатором «R9»."),
        ("/elections/tiny/regions/R1-A", "en", "This election has no region with the id “R1-A”."),
        ("/elections/nope", "ar", "لا توجد انتخابات بالمعرّف «nope»."),
    ],
)
def test_an_unknown_region_or_precinct_is_a_404_page_in_the_user_s_language(
    client: TestClient, path: str, language: str, sentence: str
) -> None:
    response = client.get(path, params={"lang": language})
    assert response.status_code == 404
    assert sentence in response.text


def test_a_hostile_id_in_the_address_is_escaped_on_the_404_page(client: TestClient) -> None:
    response = client.get("/elections/%3Cb%3E%26%22x%22")
    assert response.status_code == 404
    assert "<b>" not in response.text and "&lt;b&gt;&amp;" in response.text


class ThreePoints(DirectorySource):
    """A source whose count came in over an evening: three moments of progress."""

    def progress(self, election_id: str) -> list[ProgressPoint]:
        super().progress(election_id)
        return [
            ProgressPoint(datetime(2023, 3, 19, 22, 0, tzinfo=UTC), 6, 12, 2000, 5700),
            ProgressPoint(datetime(2023, 3, 19, 20, 0, tzinfo=UTC), 0, 12, 0, 5700),
            ProgressPoint(datetime(2023, 3, 20, 2, 0, tzinfo=UTC), 12, 12, 5700, 5700),
        ]


def test_progress_over_an_evening_is_a_line_through_every_moment_in_order(
    tmp_path: Path,
) -> None:
    app = FastAPI()
    app.include_router(pages_router(ThreePoints([election_directory(tmp_path)])))
    page = TestClient(app).get("/elections/tiny/progress", params={"lang": "kk"}).text
    rows = tables(page)["progress"][1:]
    assert [row[0] for row in rows] == [
        "2023-03-19 20:00 UTC",
        "2023-03-19 22:00 UTC",
        "2023-03-20 02:00 UTC",
    ]
    assert [row[1:4] for row in rows] == [
        ["0", "12", "0,00\u00a0%"],
        ["6", "12", "50,00\u00a0%"],
        ["12", "12", "100,00\u00a0%"],
    ]
    line = re.search(r'<polyline points="([^"]+)"', page)
    assert line is not None
    points = [tuple(map(float, p.split(","))) for p in line.group(1).split()]
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    assert [y for _, y in points] == sorted((y for _, y in points), reverse=True)
    assert page.count('class="dot"') == 3


def test_a_district_not_yet_decided_says_so_with_the_open_question(tmp_path: Path) -> None:
    rows = [row for row in clean_rows() if row["precinct"] != "P6"]
    page = client_of(election_directory(tmp_path, rows)).get(
        "/elections/tiny/districts", params={"lang": "ar"}
    )
    district_2 = tables(page.text)["districts"][2]
    assert district_2[0] == "District 2"
    assert district_2[1].startswith("أولي لم يُعلن فائز بعد (")
    assert '<bdi lang="en" dir="ltr">(' in page.text
