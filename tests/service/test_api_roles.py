"""Who may do what through the API, and the status code of each refusal.

- not signed in, or an unknown token: 401;
- signed in but not allowed (a precinct operator writing another precinct, an observer writing
  anything, a second entry by the person who made the first): 403;
- the protocol or contest does not allow it now (certified, stale version): 409.

A second entry by the same person is a 403: it is who makes it that is wrong, not the state
of the protocol (another person's entry is welcome at that moment).
"""

from __future__ import annotations

import pytest
from api_helpers import Api, make_api

from saylau.count.definition import Election
from saylau.service.db import Database


@pytest.fixture
def api(database: Database, tiny_election: Election) -> Api:
    return make_api(database, tiny_election)


def refusal(response: object, status: int) -> dict[str, object]:
    """The error body of a refused request, with the keys every error has."""
    assert response.status_code == status, response.json()  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert set(body) >= {"error", "message", "field"}
    assert isinstance(body["message"], str) and body["message"].endswith(".")
    return body


# -- entering -------------------------------------------------------------------------------


def test_a_precinct_operator_enters_its_own_precinct(api: Api) -> None:
    assert api.enter("p4", "P4", "lists", 1).status_code == 201


def test_a_precinct_operator_writing_another_precinct_is_forbidden(api: Api) -> None:
    body = refusal(api.enter("p4", "P1", "lists", 1), 403)
    assert "'p4' works for precinct P4; precinct P1 is outside it" in str(body["message"])
    assert api.read("cec", "P1", "lists").status_code == 404  # nothing was stored


def test_a_territorial_operator_enters_in_its_area_only(api: Api) -> None:
    assert api.enter("north", "P2", "lists", 1).status_code == 201
    refusal(api.enter("north", "P4", "lists", 1), 403)


def test_an_administrator_enters_anywhere(api: Api) -> None:
    assert api.enter("cec", "P6", "districts", 1).status_code == 201


def test_an_observer_writing_anything_is_forbidden(api: Api) -> None:
    api.enter("p1", "P1", "lists", 1)
    api.enter("p1b", "P1", "lists", 2)
    for response in (
        api.enter("watcher", "P2", "lists", 1),
        api.correct("watcher", "P1", "lists", 1, reason="just looking"),
        api.approve("watcher", "P1", "lists"),
        api.certify("watcher", "lists"),
    ):
        body = refusal(response, 403)
        assert "'watcher'" in str(body["message"])


def test_a_second_entry_by_the_same_user_is_forbidden(api: Api) -> None:
    assert api.enter("p1", "P1", "lists", 1).status_code == 201
    body = refusal(api.enter("p1", "P1", "lists", 2), 403)
    assert body["message"] == (
        "'p1' already made entry 1 of this protocol; entry 2 must be made by another person."
    )
    assert api.enter("p1b", "P1", "lists", 2).status_code == 201


def test_there_is_no_third_entry(api: Api) -> None:
    body = refusal(api.enter("p1", "P1", "lists", 3), 422)
    assert body["field"] == "entry"


# -- signing in -----------------------------------------------------------------------------


def test_an_unauthenticated_write_is_refused(api: Api) -> None:
    for response in (
        api.enter(None, "P1", "lists", 1),
        api.correct(None, "P1", "lists", 1, reason="x"),
        api.approve(None, "P1", "lists", version=1),
        api.certify(None, "lists"),
        api.client.post("/api/logout"),
    ):
        body = refusal(response, 401)
        assert body["error"] == "sign-in-required"
        assert response.headers["www-authenticate"] == "Bearer"


def test_an_unknown_token_is_refused(api: Api) -> None:
    response = api.client.put(
        "/api/elections/tiny/protocols/P1/lists/entries/1",
        json={"figures": {}},
        headers={"Authorization": "Bearer saylau_not-a-token"},
    )
    assert refusal(response, 401)["error"] == "sign-in-required"


# -- approving and certifying ---------------------------------------------------------------


def test_the_superior_commission_approves(api: Api) -> None:
    api.enter("p1", "P1", "lists", 1)
    api.enter("p1b", "P1", "lists", 2)
    refusal(api.approve("p1", "P1", "lists"), 403)  # the precinct itself does not
    refusal(api.approve("south", "P1", "lists"), 403)  # another region does not
    assert api.approve("north", "P1", "lists").status_code == 200


def test_an_administrator_approves_anywhere(api: Api) -> None:
    api.enter("p4", "P4", "lists", 1)
    api.enter("south", "P4", "lists", 2)
    assert api.approve("cec", "P4", "lists").status_code == 200


def test_only_an_administrator_certifies(api: Api) -> None:
    for who in ("north", "p1", "watcher"):
        body = refusal(api.certify(who, "lists"), 403)
        assert "Only a CEC administrator may certify results" in str(body["message"])


# -- reading protocols ----------------------------------------------------------------------


def test_protocols_in_the_making_are_read_by_observers_administrators_and_their_area(
    api: Api,
) -> None:
    api.enter("p1", "P1", "lists", 1)
    for who in ("watcher", "cec", "north", "p1", "p1b"):
        response = api.read(who, "P1", "lists")
        assert response.status_code == 200, who
        assert response.json()["history"][0]["entered_by"] == "p1"
    refusal(api.read("p4", "P1", "lists"), 403)
    refusal(api.read("south", "P1", "lists"), 403)
    body = refusal(api.read(None, "P1", "lists"), 401)
    assert "/api/elections/tiny/precincts/P1" in str(body["message"])


def test_reading_a_protocol_not_yet_entered(api: Api) -> None:
    assert refusal(api.read("watcher", "P1", "lists"), 404)["error"] == "no-protocol"
    assert refusal(api.read("watcher", "P9", "lists"), 404)["field"] == "precinct"


# -- logging in and out ---------------------------------------------------------------------


def test_login_gives_a_token_that_writes_and_logout_revokes_it(api: Api) -> None:
    from saylau.service.accounts import create_user
    from saylau.service.roles import Role

    with api.database.write() as session:
        create_user(session, "clerk", "a long enough password", Role.PRECINCT, "P1", actor="t")
    wrong = api.client.post("/api/login", json={"username": "clerk", "password": "wrong"})
    assert refusal(wrong, 401)["error"] == "wrong-login"
    login = api.client.post(
        "/api/login", json={"username": "clerk", "password": "a long enough password"}
    )
    assert login.status_code == 200
    assert login.json()["user"] == {"username": "clerk", "role": "precinct-operator", "area": "P1"}
    api.tokens["clerk"] = login.json()["token"]
    assert api.enter("clerk", "P1", "lists", 1).status_code == 201
    out = api.client.post("/api/logout", headers=api.headers("clerk"))
    assert out.status_code == 200
    refusal(api.enter("clerk", "P1", "districts", 1), 401)


def test_repeated_failed_logins_are_throttled(api: Api) -> None:
    for _ in range(5):
        failed = api.client.post("/api/login", json={"username": "p1", "password": "guess"})
        assert failed.status_code == 401
    locked = api.client.post("/api/login", json={"username": "p1", "password": "guess"})
    body = refusal(locked, 429)
    assert body["error"] == "too-many-attempts"
    assert "Too many failed logins for 'p1'" in str(body["message"])
    assert "retry_after" in body
