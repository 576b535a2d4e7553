"""The entry desk and the protocol form: entries with their coded checks, corrections,
approval, and every refusal shown as a page with what the clerk typed kept."""

from __future__ import annotations

import re

import pytest
from api_helpers import figures
from desk_helpers import (
    Desk,
    approve,
    csrf_of,
    enter,
    form_of,
    input_value,
    make_desk,
    marked_invalid,
    protocol_path,
    send,
)
from fastapi.testclient import TestClient
from sqlalchemy import select

from saylau.count.definition import Election
from saylau.service.db import Database
from saylau.service.models import ProtocolRecord, ProtocolState


@pytest.fixture
def desk(database: Database, tiny_election: Election) -> Desk:
    return make_desk(database, tiny_election)


def state_of(desk: Desk, precinct: str, contest: str) -> ProtocolState | None:
    with desk.database.read() as session:
        return session.scalar(
            select(ProtocolRecord.state).where(
                ProtocolRecord.precinct == precinct, ProtocolRecord.contest == contest
            )
        )


def followed(client: TestClient, response: object) -> str:
    """The page a redirect leads to."""
    assert getattr(response, "status_code", None) == 303, getattr(response, "text", response)
    return client.get(response.headers["location"]).text  # type: ignore[attr-defined]


def entered_agreeing(desk: Desk, precinct: str = "P1", contest: str = "lists") -> None:
    """Entries 1 and 2 of a P1 protocol, by p1 and p1b, agreeing."""
    assert enter(desk.sign_in("p1"), precinct, contest, 1).status_code == 303
    assert enter(desk.sign_in("p1b"), precinct, contest, 2).status_code == 303


# -- the desk ---------------------------------------------------------------------------------


def test_the_desk_lists_a_precinct_operators_own_protocols(desk: Desk) -> None:
    page = desk.sign_in("p1").get("/desk").text
    assert "The protocols of your precinct" in page
    assert f'href="{protocol_path("P1", "lists")}"' in page
    assert f'href="{protocol_path("P1", "districts")}"' in page
    assert "/P2/" not in page
    assert 'name="precinct" value="P1"' in page
    assert "Waiting for your approval" not in page


def test_the_desk_lists_what_waits_for_a_territorial_operators_approval(desk: Desk) -> None:
    entered_agreeing(desk)
    north = desk.sign_in("north").get("/desk").text
    assert "Waiting for your approval" in north
    assert f'href="{protocol_path("P1", "lists")}"' in north
    south = desk.sign_in("south").get("/desk").text
    assert "Waiting for your approval" not in south
    assert 'name="precinct" value=""' in south


def test_a_protocol_is_opened_from_the_desk_by_precinct_and_ballot(desk: Desk) -> None:
    browser = desk.sign_in("north")
    response = browser.get("/desk/open?election=tiny&precinct=%20P2%20&contest=districts")
    assert response.status_code == 303
    assert response.headers["location"] == protocol_path("P2", "districts")
    page = browser.get(response.headers["location"]).text
    assert "School 2" in page and "Aida Amanova" in page and "Bolat Bekov" in page


def test_an_unknown_precinct_is_a_404_page_that_says_so(desk: Desk) -> None:
    browser = desk.sign_in("north")
    response = browser.get(protocol_path("P9", "lists"))
    assert response.status_code == 404
    assert "has no precinct &#39;P9&#39;" in response.text
    malformed = browser.get("/desk/open?election=tiny&precinct=P/1&contest=lists")
    assert malformed.status_code == 404
    assert "is not a precinct number" in malformed.text


# -- the protocol form ------------------------------------------------------------------------


def test_the_form_has_every_figure_and_ballot_line_labelled_in_the_page_language(
    desk: Desk,
) -> None:
    page = desk.sign_in("p1", language="ru").get(protocol_path("P1", "lists")).text
    assert "Ввод 1 протокола" in page
    assert "Число избирателей в списке *" in page
    assert "Погашено бюллетеней</label>" in page
    for name in (*figures("P1", "lists"),):
        assert input_value(page, name) == "", name
    assert "1. <bdi>Amanat</bdi> *" in page and "3. <bdi>Auyl</bdi> *" in page


def test_an_entry_that_fails_a_check_is_stored_and_its_coded_message_shown(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    wrong = form_of("P1", "lists")
    received = int(wrong["received"]) + 7
    wrong["received"] = str(received)
    page = followed(browser, enter(browser, "P1", "lists", 1, wrong))
    assert state_of(desk, "P1", "lists") is ProtocolState.ENTERED
    assert "Entry 1 is stored." in page
    assert "This protocol fails a check" in page
    assert "It is stored all the same" in page
    assert (
        f'<strong class="code">E-BALLOTS-RECEIVED</strong> received {received} ballots, but'
        f" issued 462 + cancelled 100 = {received - 7}"
    ) in page
    # The correction form is open, filled with the figures as stored.
    assert "Correct entry 1" in page
    assert input_value(page, "received") == str(received)
    corrected = followed(
        browser,
        send(
            browser,
            "P1",
            "lists",
            {"action": "correct", "entry": "1", **form_of("P1", "lists")},
        ),
    )
    assert "The correction of entry 1 is stored." in corrected
    assert "E-BALLOTS-RECEIVED" not in corrected
    assert "The figures pass every check." in corrected


def test_two_agreeing_entries_are_approved_by_the_superior_commission(desk: Desk) -> None:
    entered_agreeing(desk)
    assert state_of(desk, "P1", "lists") is ProtocolState.MATCHED
    north = desk.sign_in("north")
    page = north.get(protocol_path("P1", "lists")).text
    assert "The two entries agree." in page
    assert "Approve the protocol" in page
    done = followed(north, approve(north, "P1", "lists"))
    assert "The protocol is approved" in done
    assert state_of(desk, "P1", "lists") is ProtocolState.APPROVED
    results = north.get("/api/elections/tiny/results").json()
    assert results["progress"]["protocols_in"] == 1


def test_differing_entries_are_shown_side_by_side_with_the_differences_marked(
    desk: Desk,
) -> None:
    assert enter(desk.sign_in("p1"), "P1", "lists", 1).status_code == 303
    second = desk.sign_in("p1b")
    page = followed(second, enter(second, "P1", "lists", 2, against_all=11))
    assert state_of(desk, "P1", "lists") is ProtocolState.MISMATCH
    assert "The two entries differ in 1 figures" in page
    rows = re.findall(r'<tr class="differs">(.*?)</tr>', page)
    assert rows == [
        '<th scope="row">Votes against all</th><td class="num">10</td><td class="num">11</td>'
    ]
    north = desk.sign_in("north").get(protocol_path("P1", "lists")).text
    assert "Approve the protocol" not in north


def test_the_second_entry_is_typed_blind(desk: Desk) -> None:
    odd = form_of("P1", "lists")
    odd["cancelled"] = "123"
    odd["received"] = str(int(odd["received"]) + 23)
    assert enter(desk.sign_in("p1"), "P1", "lists", 1, odd).status_code == 303
    page = desk.sign_in("p1b").get(protocol_path("P1", "lists")).text
    assert "Entry 2 of the protocol" in page
    assert "its figures are shown only to the person who made it" in page.lower()
    assert "123" not in page
    assert input_value(page, "cancelled") == ""


def test_a_warning_is_acknowledged_by_ticking_it_in_a_correction(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    high = form_of("P1", "lists", registered=900)  # the definition has 1,000 voters
    page = followed(browser, enter(browser, "P1", "lists", 1, high))
    assert "W-LIST-CHANGED" in page
    assert 'name="acknowledged" value="W-LIST-CHANGED"' in page
    fields = {"action": "correct", "entry": "1", **high}
    acknowledged = followed(
        browser, send(browser, "P1", "lists", fields, acknowledged=("W-LIST-CHANGED",))
    )
    assert 'value="W-LIST-CHANGED" checked' in acknowledged
    assert "<h2>Warnings</h2>" not in acknowledged


def test_the_same_entry_sent_twice_changes_nothing(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    assert enter(browser, "P1", "lists", 1).status_code == 303
    again = browser.post(
        protocol_path("P1", "lists"),
        data={
            "csrf": csrf_of(browser.get("/desk").text),
            "action": "enter",
            "entry": "1",
            **form_of("P1", "lists"),
        },
    )
    assert "already stored with these figures" in followed(browser, again)


def test_numbers_in_arabic_indic_digits_or_grouped_by_spaces_are_read(desk: Desk) -> None:
    typed = form_of("P1", "lists")
    typed["registered"] = "1\u00a0000"
    typed["line_1"] = "٣٠٠"
    browser = desk.sign_in("p1")
    page = followed(browser, enter(browser, "P1", "lists", 1, typed))
    assert "The figures pass every check." in page
    assert input_value(page, "registered") == "1000"
    assert input_value(page, "line_1") == "300"


# -- refusals ---------------------------------------------------------------------------------


def test_text_in_a_number_field_is_shown_again_with_the_field_marked(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    typed = form_of("P1", "lists")
    typed["added"] = "abc"
    typed["line_2"] = "-5"
    response = enter(browser, "P1", "lists", 1, typed)
    assert response.status_code == 422
    page = response.text
    assert "Something in the form is not right" in page
    assert "Nothing was stored." in page
    assert input_value(page, "added") == "abc"
    assert input_value(page, "line_2") == "-5"
    assert input_value(page, "registered") == typed["registered"]
    assert marked_invalid(page, "added") and marked_invalid(page, "line_2")
    assert not marked_invalid(page, "registered")
    assert "expected a whole number of 0 or more" in page
    assert state_of(desk, "P1", "lists") is None


def test_a_blank_required_figure_is_marked(desk: Desk) -> None:
    typed = form_of("P1", "lists")
    typed["invalid"] = " "
    response = enter(desk.sign_in("p1"), "P1", "lists", 1, typed)
    assert response.status_code == 422
    assert marked_invalid(response.text, "invalid")
    assert "this figure is required" in response.text


def test_a_precinct_operator_cannot_open_another_precincts_form(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    response = browser.get(protocol_path("P4", "lists"))
    assert response.status_code == 403
    assert "Not allowed" in response.text
    assert "precinct P4 is outside it" in response.text
    token = csrf_of(browser.get("/desk").text)
    sent = browser.post(
        protocol_path("P4", "lists"),
        data={"csrf": token, "action": "enter", "entry": "1", **form_of("P4", "lists")},
    )
    assert sent.status_code == 403
    assert state_of(desk, "P4", "lists") is None


def test_an_observer_reads_a_protocol_but_may_not_enter_it(desk: Desk) -> None:
    watcher = desk.sign_in("watcher")
    page = watcher.get(protocol_path("P1", "lists"))
    assert page.status_code == 200
    assert "You may read this protocol but not change it" in page.text
    assert "observers read, they do not enter" in page.text
    assert 'name="registered"' not in page.text
    sent = send(watcher, "P1", "lists", {"action": "enter", "entry": "1", **form_of("P1", "lists")})
    assert sent.status_code == 403
    assert "observers read, they do not enter" in sent.text
    assert state_of(desk, "P1", "lists") is None


def test_a_second_entry_by_the_same_person_is_refused_with_the_figures_kept(desk: Desk) -> None:
    browser = desk.sign_in("p1")
    assert enter(browser, "P1", "lists", 1).status_code == 303
    response = enter(browser, "P1", "lists", 2, against_all=12)
    assert response.status_code == 403
    assert "already made entry 1 of this protocol" in response.text
    assert input_value(response.text, "against_all") == "12"
    assert state_of(desk, "P1", "lists") is ProtocolState.ENTERED


def test_an_approval_from_a_version_that_changed_is_refused(desk: Desk) -> None:
    entered_agreeing(desk)
    north = desk.sign_in("north")
    page = north.get(protocol_path("P1", "lists")).text
    stale = re.search(r'name="version" value="(\d+)"', page)
    assert stale
    corrected = send(
        desk.sign_in("p1"),
        "P1",
        "lists",
        {"action": "correct", "entry": "1", **form_of("P1", "lists", against_all=9)},
    )
    assert corrected.status_code == 303
    response = north.post(
        protocol_path("P1", "lists"),
        data={"csrf": csrf_of(page), "action": "approve", "version": stale.group(1)},
    )
    assert response.status_code == 409
    assert "Not possible now" in response.text
    assert "has changed since you read it" in response.text
    assert state_of(desk, "P1", "lists") is ProtocolState.MISMATCH


def test_a_correction_of_an_approved_protocol_needs_a_reason(desk: Desk) -> None:
    entered_agreeing(desk)
    north = desk.sign_in("north")
    assert approve(north, "P1", "lists").status_code == 303
    page = north.get(protocol_path("P1", "lists") + "?entry=1").text
    assert "Correct entry 1" in page
    assert "required: the protocol is approved" in page
    fields = {"action": "correct", "entry": "1", **form_of("P1", "lists", against_all=9)}
    refused = send(north, "P1", "lists", fields)
    assert refused.status_code == 422
    assert re.search(r'<textarea id="reason" [^>]*aria-invalid="true"', refused.text)
    assert input_value(refused.text, "against_all") == "9"
    assert state_of(desk, "P1", "lists") is ProtocolState.APPROVED
    fields["reason"] = "The commission recounted against-all ballots."
    assert send(north, "P1", "lists", fields).status_code == 303
    assert state_of(desk, "P1", "lists") is ProtocolState.MISMATCH


def test_a_refusal_is_headed_in_the_page_language_and_worded_by_the_workflow(
    desk: Desk,
) -> None:
    browser = desk.sign_in("p1", language="kk")
    assert enter(browser, "P1", "lists", 1).status_code == 303
    response = enter(browser, "P1", "lists", 2)
    assert response.status_code == 403
    assert "Рұқсат етілмейді" in response.text
    assert re.search(r'<p lang="en" dir="ltr">[^<]*already made entry 1', response.text)


# -- the public pages -------------------------------------------------------------------------


def test_the_public_pages_offer_sign_in_and_show_who_is_signed_in(desk: Desk) -> None:
    public = desk.browser().get("/")
    assert public.status_code == 200
    assert 'href="/signin"' in public.text
    assert "cache-control" not in public.headers
    signed_in = desk.sign_in("north").get("/")
    assert ">north</bdi>" in signed_in.text
    assert 'action="/signout"' in signed_in.text
    assert signed_in.headers["cache-control"] == "private, no-store"
