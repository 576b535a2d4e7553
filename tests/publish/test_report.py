"""The HTML report: one self-contained page that shows the count as it stands, escaped.

Every count here comes from the tiny election of ``tests/count/tiny.py`` (a city maslikhat of
4 list seats and 2 districts), entered through an election directory as a clerk would.
"""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from tiny import DEFINITION, VOTES, clean_rows, protocol, write_csv, write_definition

from saylau.count.directory import load
from saylau.count.tally import Count, count_ledger
from saylau.law.numbers import percent_text
from saylau.publish.hemicycle import (
    OPEN_SEATS,
    hashed_colour,
    hemicycle_svg,
    party_colour,
    seating_order,
)
from saylau.publish.report import MANY_OF_A_KIND, render_report, write_report
from saylau.publish.results import overall_progress

ESCAPE_ME = '<b>&"x"'
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def count_of(
    tmp_path: Path,
    rows: list[dict[str, Any]] | None = None,
    definition: dict[str, Any] | None = None,
    later: list[dict[str, Any]] | None = None,
) -> Count:
    """The count of an election directory: ``rows`` in a first protocol file (the clean rows by
    default), ``later`` in a second one read after it."""
    directory = tmp_path / "election"
    write_definition(directory, definition or DEFINITION)
    write_csv(directory / "protocols" / "a.csv", clean_rows() if rows is None else rows)
    if later:
        write_csv(directory / "protocols" / "b.csv", later)
    loaded = load(directory)
    return count_ledger(loaded.ledger, loaded.lots)


def without_precinct(precinct: str) -> list[dict[str, Any]]:
    return [row for row in clean_rows() if row["precinct"] != precinct]


class Tables(HTMLParser):
    """Every table of a page as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables(page: str) -> list[list[list[str]]]:
    reader = Tables()
    reader.feed(page)
    return reader.tables


def table_headed(page: str, first_column: str) -> list[list[str]]:
    """The rows of the first table whose header row starts with ``first_column``."""
    return next(t for t in tables(page) if t and t[0] and t[0][0] == first_column)


class Nesting(HTMLParser):
    """Checks that every element that is opened is closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: dict[str, int] = {}
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen[tag] = self.seen.get(tag, 0) + 1
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else ''}>")
            return
        self.open.pop()


@pytest.fixture
def clean(tmp_path: Path) -> Count:
    return count_of(tmp_path)


@pytest.fixture
def page(clean: Count) -> str:
    return render_report(clean)


# -- the document -------------------------------------------------------------------------------


def test_the_report_is_one_english_html_document(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<html") == 1
    assert '<html lang="en">' in page
    assert '<meta name="viewport"' in page


def test_the_report_loads_nothing_from_elsewhere(page: str) -> None:
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))


def test_every_element_of_the_report_is_closed_in_order(page: str) -> None:
    nesting = Nesting()
    nesting.feed(page)
    nesting.close()
    assert nesting.problems == []
    assert nesting.open == []
    for tag in ("html", "head", "body", "main", "svg"):
        assert nesting.seen[tag] == 1


def test_rendering_the_same_count_twice_gives_the_same_page(clean: Count) -> None:
    assert render_report(clean) == render_report(clean)


def test_write_report_writes_the_rendered_page(clean: Count, tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.html"
    assert write_report(clean, path) == path
    assert path.read_text(encoding="utf-8") == render_report(clean)


# -- the header ---------------------------------------------------------------------------------


def test_a_synthetic_election_carries_the_synthetic_data_banner(page: str) -> None:
    assert DEFINITION["synthetic"] is True
    assert "SYNTHETIC DATA" in page


def test_a_real_election_has_no_synthetic_banner(tmp_path: Path) -> None:
    definition = copy.deepcopy(DEFINITION)
    definition["synthetic"] = False
    assert "SYNTHETIC DATA" not in render_report(count_of(tmp_path, definition=definition))


def test_a_complete_count_says_so_and_marks_no_result_provisional(page: str) -> None:
    assert '<span class="badge complete">complete</span>' in page
    assert "Partial count" not in page
    assert 'City maslikhat <span class="badge final">final</span></h2>' in page
    assert '<tr class="provisional">' not in page
    assert "not yet decided" not in page


def test_a_partial_count_is_marked_partial_with_its_shares_of_protocols_and_voters(
    tmp_path: Path,
) -> None:
    count = count_of(tmp_path, without_precinct("P6"))
    progress = overall_progress(count)
    page = render_report(count)
    assert '<span class="badge partial">partial</span>' in page
    protocols = percent_text(progress.protocols_in, progress.protocols_expected)
    voters = percent_text(progress.voters_in, progress.voters_expected)
    assert (protocols, voters) == ("83.33%", "87.72%")
    assert f"<strong>{protocols}</strong> of protocols (10 of 12)" in page
    assert f"<strong>{voters}</strong> of registered voters (5,000 of 5,700)" in page
    assert 'City maslikhat <span class="badge provisional">provisional</span></h2>' in page
    assert '<tr class="provisional">' in page


# -- the main body ------------------------------------------------------------------------------


def svg_of(page: str) -> str:
    return page[page.index("<svg") : page.index("</svg>")]


def test_the_hemicycle_has_a_circle_for_every_seat_of_the_house(clean: Count, page: str) -> None:
    result = clean.bodies[0].result
    assert result is not None
    house = 4 + 2  # list_seats + districts
    assert sum(result.seats.values()) == house
    assert svg_of(page).count("<circle") == house


def test_seats_not_yet_decided_are_drawn_as_open_seats(tmp_path: Path) -> None:
    rows = [r for r in clean_rows() if not (r["contest"] == "districts" and r["precinct"] != "P1")]
    count = count_of(tmp_path, rows)
    result = count.bodies[0].result
    assert result is not None and list(result.winners) == ["District 1"]
    svg = svg_of(render_report(count))
    assert svg.count("<circle") == 6
    assert f"<title>{OPEN_SEATS}</title>" in svg
    assert re.search(r"not yet decided 1", svg)


def test_the_party_table_shows_the_seats_of_the_result(clean: Count, page: str) -> None:
    result = clean.bodies[0].result
    assert result is not None
    list_tier, district_tier = result.tiers.values()
    rows = {row[0]: row for row in table_headed(page, "Party")[1:]}
    for party, seats in result.seats.items():
        list_seats, district_seats, total = rows[party][3:]
        assert int(list_seats) == list_tier.get(party, 0)
        assert int(district_seats) == district_tier.get(party, 0)
        assert int(total) == seats
    assert rows["Total"][-1] == "6"


def test_the_party_table_shows_list_votes_and_shares_of_lists_and_against_all(page: str) -> None:
    rows = {row[0]: row for row in table_headed(page, "Party")[1:]}
    amanat = sum(lists[0] for lists, _ in VOTES.values())
    against_all = 10 * len(VOTES)
    base = sum(sum(lists) for lists, _ in VOTES.values()) + against_all
    assert rows["Amanat"][1:3] == [f"{amanat:,}", percent_text(amanat, base)]
    assert rows["Against all"][1:3] == [f"{against_all:,}", percent_text(against_all, base)]


def test_the_district_winners_show_party_votes_and_margin(page: str) -> None:
    rows = {row[0]: row for row in table_headed(page, "Constituency")[1:]}
    # District 2: Dana Dosova 530, Erlan Esov 570, Gulnar Gabit 80, against all 30
    assert rows["District 2"][1:6] == ["Erlan Esov", "Amanat", "570", "47.11%", "40"]


def test_the_regional_breakdown_shows_turnout_and_the_leading_list(page: str) -> None:
    rows = {row[0]: row for row in table_headed(page, "Region")[1:]}
    # North: P1-P3, 3,000 voters; ballots issued = votes + 10 against all + 2 invalid
    issued = sum(sum(VOTES[p][0]) + 12 for p in ("P1", "P2", "P3"))
    north_amanat = sum(VOTES[p][0][0] for p in ("P1", "P2", "P3"))
    north_base = sum(sum(VOTES[p][0]) + 10 for p in ("P1", "P2", "P3"))
    assert rows["North"][1:] == [
        "3 / 3 (100.00%)",
        percent_text(issued, 3000),
        "Amanat",
        percent_text(north_amanat, north_base),
    ]


def test_count_progress_lists_the_main_body_contests(tmp_path: Path) -> None:
    page = render_report(count_of(tmp_path, without_precinct("P6")))
    rows = {row[0]: row for row in table_headed(page, "Contest")[1:]}
    assert rows["Maslikhat: party lists"][1:] == ["5 / 6 (83.33%)", "87.72%", "partial"]


def test_the_main_body_is_the_first_body_unless_another_is_named(tmp_path: Path) -> None:
    definition = copy.deepcopy(DEFINITION)
    definition["bodies"].append(
        {"id": "d", "name": "Districts only", "rulebook": "kz.maslikhat.district",
         "districts": "districts"}
    )  # fmt: skip
    count = count_of(tmp_path, definition=definition)
    assert 'id="main-body-title">City maslikhat' in render_report(count)
    assert 'id="main-body-title">Districts only' in render_report(count, main_body="d")
    with pytest.raises(ValueError, match="unknown body 'nope'"):
        render_report(count, main_body="nope")


# -- other bodies -------------------------------------------------------------------------------


def with_bodies(number: int) -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["bodies"] += [
        {"id": f"m{i}", "name": f"Maslikhat {i}", "rulebook": "kz.maslikhat.oblast",
         "lists": "lists", "districts": "districts", "list_seats": 4 + i}
        for i in range(number)
    ]  # fmt: skip
    return definition


def test_other_bodies_are_listed_with_their_seats_and_status(tmp_path: Path) -> None:
    count = count_of(tmp_path, definition=with_bodies(2))
    rows = {row[0]: row for row in table_headed(render_report(count), "Body")[1:]}
    seats = count.bodies[2].result.seats  # type: ignore[union-attr]
    assert rows["Maslikhat 1"][1:] == [
        "12 / 12 (100.00%)",
        "100.00%",
        ", ".join(f"{party} {seats[party]}" for party in seating_order(seats)),
        "final",
    ]
    assert "<details>" not in render_report(count)


def test_many_bodies_under_one_rulebook_are_summed_up_with_the_bodies_folded(
    tmp_path: Path,
) -> None:
    count = count_of(tmp_path, definition=with_bodies(MANY_OF_A_KIND + 1))
    page = render_report(count)
    bodies = MANY_OF_A_KIND + 1
    assert f"<p>{bodies} bodies; {bodies} final." in page
    assert f"<summary>Each of the {bodies} bodies</summary>" in page
    assert len(table_headed(page, "Body")) == 1 + bodies


# -- checks and corrections ---------------------------------------------------------------------


def test_a_blocked_protocol_appears_with_its_code_and_message(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0] = protocol("P1", "lists", VOTES["P1"][0], invalid=50)
    count = count_of(tmp_path, rows)
    page = render_report(count)
    slot = int(count.review.blocked.nonzero()[0][0])
    mask = int(count.review.findings[slot])
    messages = count.ledger.messages(slot, mask)
    assert any(m.startswith("E-BALLOTS-VALID: ") for m in messages)
    for message in messages:
        code, text = message.split(": ", 1)
        assert f'<span class="code">{code}</span>: {escape(text)}' in page
    assert "School 1" in page and '<span class="badge blocked">blocked</span>' in page
    checks = {row[0]: row for row in table_headed(page, "Code")[1:]}
    assert checks["E-BALLOTS-VALID"][1:] == ["error", "found in the boxes = invalid + valid",
                                             "1", "1"]  # fmt: skip


def test_two_entries_that_differ_are_listed_field_by_field(tmp_path: Path) -> None:
    first = protocol("P2", "lists", VOTES["P2"][0], entered_by="clerk A")
    second = protocol("P2", "lists", VOTES["P2"][0], entry=2, entered_by="clerk B", line_3=61)
    rows = [r for r in clean_rows() if (r["precinct"], r["contest"]) != ("P2", "lists")]
    page = render_report(count_of(tmp_path, [*rows, first, second]))
    assert "<caption>The two entries differ</caption>" in page
    assert [["Field", "First entry", "Second entry"], ["line_3", "60", "61"]] in tables(page)


def test_a_correction_shows_who_why_and_the_numbers_before_and_after(tmp_path: Path) -> None:
    lines = VOTES["P3"][0]
    moved = [lines[0] - 5, lines[1] + 5, lines[2]]
    fix = protocol("P3", "lists", moved, correction="recount of ballots for Amanat & Ak Zhol",
                   entered_by="Clerk <Dana>")  # fmt: skip
    page = render_report(count_of(tmp_path, later=[fix]))
    row = table_headed(page, "Protocol")[1]
    assert row[2].startswith("Clerk <Dana>")
    assert row[3] == "recount of ballots for Amanat & Ak Zhol"
    assert row[4] == f"line_1 {lines[0]} → {moved[0]} line_2 {lines[1]} → {moved[1]}"
    assert "Clerk &lt;Dana&gt;" in page and "Amanat &amp; Ak Zhol" in page


# -- the trail ----------------------------------------------------------------------------------


def test_the_trail_is_shown_step_by_step_with_the_rulebook_reference(
    clean: Count, page: str
) -> None:
    result = clean.bodies[0].result
    assert result is not None
    assert f'<span class="code">{result.rulebook}</span>' in page
    trail = page[page.index('<ol class="trail">') :]
    for line in result.trail.explain().splitlines():
        assert f">{escape(line)}</li>" in trail


def test_provisional_provisions_are_highlighted_in_the_trail_and_the_provisions(
    clean: Count, page: str
) -> None:
    rulebook = clean.election.rulebook_of(clean.bodies[0].body)
    assert rulebook.provisional
    for provision in rulebook.provisional:
        assert re.search(
            rf'<li class="provisional">== provisional: {re.escape(escape(provision.name))}:',
            page,
        )
        assert f'{escape(provision.name)} <span class="badge provisional">' in page
    settled = next(p for p in rulebook.provisions if not p.provisional)
    assert f'{escape(settled.name)} <span class="badge provisional">' not in page


# -- escaping -----------------------------------------------------------------------------------


def test_names_from_the_election_are_escaped_everywhere(tmp_path: Path) -> None:
    definition = copy.deepcopy(DEFINITION)
    definition["name"] = f"Election {ESCAPE_ME}"
    definition["contests"][1]["constituencies"][0]["options"][0]["name"] = ESCAPE_ME
    definition["contests"][0]["constituencies"][0]["options"][2]["name"] = f"Auyl {ESCAPE_ME}"
    definition["contests"][1]["constituencies"][1]["name"] = f"District {ESCAPE_ME}"
    count = count_of(tmp_path, definition=definition)
    result = count.bodies[0].result
    assert result is not None
    assert result.winners["District 1"] == ESCAPE_ME
    assert result.seats[f"Auyl {ESCAPE_ME}"] == 1
    page = render_report(count)
    assert ESCAPE_ME not in page
    assert "&lt;b&gt;&amp;&#34;x&#34;" in page
    winners = {row[0]: row[1] for row in table_headed(page, "Constituency")[1:]}
    assert winners["District 1"] == ESCAPE_ME
    nesting = Nesting()
    nesting.feed(page)
    assert nesting.problems == [] and "b" not in nesting.seen


# -- the hemicycle ------------------------------------------------------------------------------


MAZHILIS_2023 = {
    "Amanat": 62,
    "Auyl": 8,
    "Self-nominated": 7,
    "Respublica": 6,
    "Ak Zhol": 6,
    "People's Party of Kazakhstan": 5,
    "OSDP": 4,
}


@pytest.mark.parametrize(
    "seats",
    [MAZHILIS_2023, {"A": 1}, {"A": 0, "B": 3}, {"Solo": 150}, {f"P{i}": i for i in range(1, 30)}],
)
def test_hemicycle_svg_is_deterministic_with_one_circle_per_seat(seats: dict[str, int]) -> None:
    svg = hemicycle_svg(seats)
    assert svg == hemicycle_svg(dict(reversed(list(seats.items()))))
    assert svg.count("<circle") == sum(seats.values())
    assert svg.startswith("<svg") and "viewBox=" in svg and "<?xml" not in svg


def test_hemicycle_svg_seats_the_largest_party_first_and_equals_by_name() -> None:
    svg = hemicycle_svg(MAZHILIS_2023)
    titles = re.findall(r"<title>(.*?)</title>", svg)
    assert [html.unescape(t) for t in titles] == [
        "Amanat",
        "Auyl",
        "Self-nominated",
        "Ak Zhol",
        "Respublica",
        "People's Party of Kazakhstan",
        "OSDP",
    ]
    assert seating_order({"B": 2, "A": 2, "C": 0, "D": 5}) == ["D", "A", "B"]


def test_hemicycle_svg_adds_open_seats_after_the_parties() -> None:
    svg = hemicycle_svg({"Amanat": 3}, open_seats=2)
    assert svg.count("<circle") == 5
    assert re.findall(r"<title>(.*?)</title>", svg) == ["Amanat", OPEN_SEATS]


def test_hemicycle_svg_takes_its_words_in_another_language_escaped() -> None:
    svg = hemicycle_svg(
        {"Amanat": 3}, open_seats=2, label=f"{ESCAPE_ME} 5", open_title="Ещё не распределены"
    )
    assert f'aria-label="{html.escape(ESCAPE_ME, quote=True)} 5"' in svg
    assert re.findall(r"<title>(.*?)</title>", svg) == ["Amanat", "Ещё не распределены"]


def test_hemicycle_svg_escapes_party_names() -> None:
    svg = hemicycle_svg({ESCAPE_ME: 2})
    assert ESCAPE_ME not in svg
    assert f"<title>{html.escape(ESCAPE_ME)}</title>" in svg


def test_known_parties_have_fixed_colours_under_their_usual_spellings() -> None:
    assert party_colour("Amanat") == party_colour("AMANAT") == party_colour("Nur Otan")
    assert party_colour("QHP") == party_colour("People's Party of Kazakhstan")
    assert party_colour("OSDP/JSDP") == party_colour("OSDP")
    assert party_colour("Ak Zhol") == party_colour("Ақ жол")
    known = ["Amanat", "Auyl", "Respublica", "Ak Zhol", "QHP", "OSDP", "Baytaq", "Self-nominated"]
    colours = [party_colour(name) for name in known]
    assert len(set(colours)) == len(known)
    assert all(colour != hashed_colour(name) for name, colour in zip(known, colours, strict=True))


def test_other_parties_take_a_colour_hashed_from_their_name() -> None:
    assert party_colour("Adal") == hashed_colour("Adal") == "#a69a32"
    assert hashed_colour("Adal") != hashed_colour("Adal ")
    for name in ("Adal", "Birlik", "Ult Tagdyry", ESCAPE_ME):
        assert re.fullmatch(r"#[0-9a-f]{6}", hashed_colour(name))


def test_hemicycle_svg_takes_given_colours_and_refuses_anything_but_hex() -> None:
    assert 'fill:#123456"' in hemicycle_svg({"Amanat": 2}, {"Amanat": "#123456"})
    with pytest.raises(ValueError, match="colour must be #rgb or #rrggbb"):
        hemicycle_svg({"Amanat": 2}, {"Amanat": 'red" onload="x'})
    with pytest.raises(ValueError, match="seats must be a whole number"):
        hemicycle_svg({"Amanat": -1})
