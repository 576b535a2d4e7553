"""A structurally invalid entry is refused (422) with the figure named, and nothing is stored;
bad input of any shape never gives a 500."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import Api, figures, make_api
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.count.definition import Election
from saylau.service.db import Database


@pytest.fixture
def api(database: Database, tiny_election: Election) -> Api:
    return make_api(database, tiny_election)


def refused_entry(api: Api, body: Any, precinct: str = "P1", contest: str = "lists") -> Any:
    response = api.client.put(
        f"/api/elections/tiny/protocols/{precinct}/{contest}/entries/1",
        json=body,
        headers=api.headers("cec"),
    )
    assert response.status_code == 422, response.json()
    assert api.client.get("/api/elections/tiny/precincts/P1").json()["protocols"] == []
    with api.database.read() as session:
        from saylau.service.models import ProtocolRecord

        assert session.query(ProtocolRecord).count() == 0  # nothing stored
    return response.json()


def with_figures(**changes: Any) -> dict[str, Any]:
    sent = figures("P1", "lists")
    sent.update(changes)
    return {"figures": sent}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # as in a JSON protocol file, text is not a number, even "12"
        (
            {"registered": "12"},
            "registered",
            """expected a whole number of 0 or more, got '"12"'""",
        ),
        ({"invalid": 2.5}, "invalid", "expected a whole number of 0 or more, got '2.5'"),
        ({"cancelled": -3}, "cancelled", "a count cannot be negative, got -3"),
        (
            {"received": 10**12},
            "received",
            "1,000,000,000,000 is more than any polling station can count",
        ),
        ({"against_all": None}, "against_all", "this figure is required; the cell is empty"),
        ({"line_2": None}, "line_2", "the ballot has 3 lines; this one needs its votes"),
        ({"line_3": True}, "line_3", "expected a whole number of 0 or more, got 'true'"),
    ],
)
def test_a_figure_that_is_not_a_count_is_refused_with_its_name(
    api: Api, changes: dict[str, Any], field: str, message: str
) -> None:
    body = refused_entry(api, with_figures(**changes))
    assert body["error"] == "invalid-figures"
    assert body["field"] == field
    assert message in body["message"]
    assert "Nothing was stored" in body["message"]


def test_every_problem_of_an_entry_is_listed(api: Api) -> None:
    body = refused_entry(api, with_figures(registered="x", invalid=-1))
    assert [problem["field"] for problem in body["problems"]] == ["registered", "invalid"]


def test_a_line_the_ballot_does_not_have_is_refused(api: Api) -> None:
    body = refused_entry(api, with_figures(line_4=5))
    assert body["field"] == "line_4"
    assert "no ballot in this election has that many lines" in body["message"]
    district = figures("P1", "districts")
    district["line_3"] = 5  # P1 votes in district D1, whose ballot has two lines
    body = refused_entry(api, {"figures": district}, contest="districts")
    assert body["field"] == "line_3"
    assert "the ballot of this precinct has 2 lines; there is no line 3" in body["message"]


def test_votes_may_come_as_a_list_of_lines(api: Api) -> None:
    sent = figures("P1", "lists")
    lines = [sent.pop(f"line_{k}") for k in (1, 2, 3)]
    response = api.enter("cec", "P1", "lists", 1, {"figures": sent, "lines": lines})
    assert response.status_code == 201
    assert response.json()["protocol"]["entries"]["1"]["figures"]["line_1"] == lines[0]


def test_an_unknown_figure_is_refused(api: Api) -> None:
    body = refused_entry(api, with_figures(turnout=55))
    assert body["error"] == "unknown-figure"
    assert body["field"] == "turnout"


def test_an_unknown_warning_code_is_refused(api: Api) -> None:
    body = refused_entry(api, {**with_figures(), "acknowledged": ["W-NOT-A-CODE"]})
    assert body["field"] == "acknowledged"


@pytest.mark.parametrize(
    ("precinct", "contest", "field"),
    [("P99", "lists", "precinct"), ("P1", "senate", "contest")],
)
def test_an_unknown_precinct_or_contest_is_refused(
    api: Api, precinct: str, contest: str, field: str
) -> None:
    body = refused_entry(api, with_figures(), precinct, contest)
    assert body["field"] == field


def test_an_unknown_election_is_not_found(api: Api) -> None:
    response = api.client.get("/api/elections/atlantis/results")
    assert response.status_code == 404
    assert response.json()["error"] == "no-such-election"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "figures",
        {},
        {"figures": []},
        {"figures": "x"},
        {"figures": {"registered": {"a": 1}}},
        {"figures": {"registered": [1, 2]}},
        {"figures": {"registered": 10**30}},
        {"figures": {"registered": -(10**30)}},
        {"figures": {}, "lines": "abc"},
        {"figures": {}, "lines": [[1]]},
        {"figures": {"line_0": 5}},
        {"figures": {"line_99999": 5}},
        {"figures": {}, "acknowledged": "W-TURNOUT-HIGH"},
        {"figures": {}, "acknowledged": [1]},
    ],
)
def test_malformed_bodies_are_refused_without_a_server_error(api: Api, body: Any) -> None:
    response = api.client.put(
        "/api/elections/tiny/protocols/P1/lists/entries/1", json=body, headers=api.headers("cec")
    )
    assert response.status_code == 422, response.text
    assert set(response.json()) >= {"error", "message", "field"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "/api/elections/tiny/protocols/P1/lists/entries/one", {"figures": {}}),
        ("post", "/api/elections/tiny/protocols/P1/lists/approve", {"version": "new"}),
        ("post", "/api/elections/tiny/protocols/P1/lists/approve", {}),
        ("post", "/api/elections/tiny/protocols/P1/lists/corrections", {"entry": 1}),
        ("post", "/api/login", {"username": "x"}),
        ("post", "/api/login", None),
    ],
)
def test_malformed_requests_are_422_with_the_field(
    api: Api, method: str, path: str, body: Any
) -> None:
    response = api.client.request(method, path, json=body, headers=api.headers("cec"))
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid-request"


def test_an_unknown_path_is_a_404_in_the_same_shape(api: Api) -> None:
    response = api.client.get("/api/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == "not-found"


def test_the_openapi_description_lists_every_endpoint(api: Api) -> None:
    spec = api.client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/login",
        "/api/logout",
        "/api/elections",
        "/api/elections/{election}",
        "/api/elections/{election}/protocols/{precinct}/{contest}",
        "/api/elections/{election}/protocols/{precinct}/{contest}/entries/{entry}",
        "/api/elections/{election}/protocols/{precinct}/{contest}/approve",
        "/api/elections/{election}/protocols/{precinct}/{contest}/corrections",
        "/api/elections/{election}/contests/{contest}/certify",
        "/api/elections/{election}/results",
        "/api/elections/{election}/results.csv",
        "/api/elections/{election}/progress",
        "/api/elections/{election}/precincts/{precinct}",
    } <= paths
    assert api.client.get("/api/docs").status_code == 200


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
figure_names = st.sampled_from(
    ["registered", "invalid", "against_all", "line_1", "line_3", "line_9", "lines", "x", ""]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    precinct=st.sampled_from(["P1", "P4", "P99", "", "%00", "P1/../P2"]),
    entry=st.integers(min_value=-2, max_value=4),
    body=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"figures": st.dictionaries(figure_names, json_values, max_size=5)},
            optional={"lines": json_values, "acknowledged": json_values},
        ),
    ),
)
def test_no_entry_of_any_shape_gives_a_server_error(
    api: Api, precinct: str, entry: int, body: Any
) -> None:
    response = api.client.put(
        f"/api/elections/tiny/protocols/{precinct}/lists/entries/{entry}",
        json=body,
        headers=api.headers("cec"),
    )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()) >= {"error", "message", "field"}
