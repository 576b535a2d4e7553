"""The protocol workflow through the HTTP API: first entry, second entry, differences resolved,
approval, results, certification; and the audit chain after it all."""

from __future__ import annotations

import pytest
from api_helpers import SUPERIOR, Api, figures, make_api
from tiny import VOTES

from saylau.count.definition import Election
from saylau.service.audit import verify
from saylau.service.db import Database
from saylau.service.hashing import protocols_hash
from saylau.service.models import AuditEntry


@pytest.fixture
def api(database: Database, tiny_election: Election) -> Api:
    return make_api(database, tiny_election)


def test_a_first_entry_is_stored_with_its_coded_checks(api: Api) -> None:
    response = api.enter("p1", "P1", "lists", 1)
    assert response.status_code == 201
    body = response.json()
    assert body["checks"] == []
    assert body["protocol"]["state"] == "entered"
    assert body["protocol"]["version"] == 1
    assert body["protocol"]["entries"]["1"]["entered_by"] == "p1"
    assert body["protocol"]["entries"]["1"]["figures"]["line_3"] == VOTES["P1"][0][2]


def test_the_same_entry_sent_again_changes_nothing(api: Api) -> None:
    assert api.enter("p1", "P1", "lists", 1).status_code == 201
    again = api.enter("p1", "P1", "lists", 1)
    assert again.status_code == 200
    assert again.json()["protocol"]["version"] == 1
    assert len(again.json()["protocol"]["history"]) == 1


def test_different_figures_for_an_entry_on_record_need_a_correction(api: Api) -> None:
    assert api.enter("p1", "P1", "lists", 1).status_code == 201
    changed = api.enter("p1", "P1", "lists", 1, registered=999)
    assert changed.status_code == 409
    assert changed.json()["error"] == "entry-exists"
    assert "send a correction" in changed.json()["message"]


def test_an_entry_failing_a_check_is_stored_and_the_clerk_sees_the_coded_message(
    api: Api,
) -> None:
    wrong = figures("P1", "lists")
    wrong["received"] += 7
    response = api.enter("p1", "P1", "lists", 1, {"figures": wrong})
    assert response.status_code == 201
    checks = response.json()["checks"]
    assert [check["code"] for check in checks] == ["E-BALLOTS-RECEIVED"]
    assert checks[0]["kind"] == "error"
    assert checks[0]["message"].startswith(f"received {wrong['received']:,} ballots")
    assert api.read("watcher", "P1", "lists").json()["checks"][0]["code"] == "E-BALLOTS-RECEIVED"


def test_the_full_workflow_from_first_entry_to_certified_contest(api: Api) -> None:
    # First entry, then a second entry by another person that differs in one figure.
    assert api.enter("p1", "P1", "lists", 1).status_code == 201
    second = api.enter("p1b", "P1", "lists", 2, against_all=11, received=563)
    assert second.status_code == 201
    assert second.json()["protocol"]["state"] == "mismatch"
    assert [d["field"] for d in second.json()["differences"]] == ["received", "against_all"]
    assert second.json()["differences"][1] == {"field": "against_all", "first": 10, "second": 11}

    # Entries are never merged: a mismatch cannot be approved.
    refused = api.approve("north", "P1", "lists")
    assert refused.status_code == 409
    assert refused.json()["error"] == "entries-differ"
    assert "received, against_all" in refused.json()["message"]

    # The second entry is corrected; now they agree.
    corrected = api.correct("p1b", "P1", "lists", 2, reason="misread the form")
    assert corrected.status_code == 201
    protocol = corrected.json()["protocol"]
    assert protocol["state"] == "matched"
    assert [(e["entry"], e["superseded"]) for e in protocol["history"]] == [
        (1, False),
        (2, True),
        (2, False),
    ]
    assert protocol["entries"]["2"]["correction"] == "misread the form"

    # The public sees nothing of it until the superior commission approves.
    before = api.client.get("/api/elections/tiny/results").json()
    assert before["progress"]["protocols_in"] == 0
    approved = api.approve("north", "P1", "lists", protocol["version"])
    assert approved.status_code == 200
    assert approved.json()["protocol"]["state"] == "approved"
    assert approved.json()["protocol"]["approved_by"] == "north"
    after = api.client.get("/api/elections/tiny/results").json()
    assert after["progress"]["protocols_in"] == 1
    nation = after["contests"][0]["levels"]["nation"][0]
    assert nation["votes"] == dict(zip(["Amanat", "Ak Zhol", "Auyl"], VOTES["P1"][0], strict=True))

    # Every protocol of the contest approved: the contest is certified, with the hash.
    for precinct in ["P2", "P3", "P4", "P5", "P6"]:
        api.through(precinct, "lists")
    certified = api.certify("cec", "lists")
    assert certified.status_code == 201
    hashes = {
        f"{precinct}/lists": api.read("cec", precinct, "lists").json()["content_hash"]
        for precinct in ["P1", "P2", "P3", "P4", "P5", "P6"]
    }
    assert certified.json()["protocols"] == 6
    assert certified.json()["protocols_hash"] == protocols_hash(hashes)
    shown = api.client.get("/api/elections/tiny").json()["contests"][0]["certification"]
    assert shown["protocols_hash"] == protocols_hash(hashes)
    assert shown["certified_by"] == "cec"

    # The audit chain holds every step, and verifies.
    with api.database.read() as session:
        assert verify(session) == []
        actions = [entry.action for entry in session.query(AuditEntry).order_by(AuditEntry.seq)]
    assert actions.count("protocol.approved") == 6
    assert actions.count("protocol.corrected") == 1
    assert actions[-1] == "contest.certified"


def test_a_certified_contest_is_frozen(api: Api) -> None:
    for precinct in SUPERIOR:
        api.through(precinct, "lists")
    assert api.certify("cec", "lists").status_code == 201
    for response in (
        api.enter("p1", "P1", "lists", 1),
        api.correct("north", "P1", "lists", 1, reason="a late discovery", registered=1001),
        api.approve("north", "P1", "lists"),
        api.certify("cec", "lists"),
    ):
        assert response.status_code == 409
        assert response.json()["error"] == "contest-certified"
        assert "certified" in response.json()["message"]
    # The other contest is not frozen.
    assert api.enter("p1", "P1", "districts", 1).status_code == 201


def test_a_contest_with_protocols_still_open_cannot_be_certified(api: Api) -> None:
    api.through("P1", "lists")
    response = api.certify("cec", "lists")
    assert response.status_code == 409
    assert response.json()["error"] == "not-all-approved"
    assert (
        "5 of 6 protocols are not approved (precincts P2, P3, P4, P5, P6)"
        in (response.json()["message"])
    )


def test_a_warning_blocks_approval_until_the_commission_acknowledges_it(api: Api) -> None:
    high = {"registered": 470}  # 462 ballots issued to 470 voters: W-TURNOUT-HIGH
    first = api.enter("p1", "P1", "lists", 1, **high)
    codes = [check["code"] for check in first.json()["checks"]]
    assert "W-TURNOUT-HIGH" in codes
    assert api.enter("p1b", "P1", "lists", 2, **high).json()["protocol"]["state"] == "matched"
    refused = api.approve("north", "P1", "lists")
    assert refused.status_code == 409
    assert refused.json()["error"] == "warning-not-acknowledged"
    warnings = [code for code in codes if code.startswith("W-")]
    acknowledged = api.correct("p1", "P1", "lists", 1, acknowledged=warnings, **high)
    assert acknowledged.status_code == 201
    assert all(check["acknowledged"] for check in acknowledged.json()["checks"])
    assert api.approve("north", "P1", "lists").status_code == 200


def test_an_error_blocks_approval(api: Api) -> None:
    wrong = {"received": 999}
    api.enter("p1", "P1", "lists", 1, **wrong)
    api.enter("p1b", "P1", "lists", 2, **wrong)
    refused = api.approve("north", "P1", "lists")
    assert refused.status_code == 409
    assert refused.json()["error"] == "check-failed"
    assert refused.json()["field"] == "E-BALLOTS-RECEIVED"


def test_one_entry_is_not_enough_for_approval(api: Api) -> None:
    api.enter("p1", "P1", "lists", 1)
    refused = api.approve("north", "P1", "lists")
    assert refused.status_code == 409
    assert refused.json()["error"] == "second-entry-missing"


def test_a_correction_after_approval_needs_a_reason_and_withdraws_the_approval(
    api: Api,
) -> None:
    api.through("P1", "lists")
    assert api.client.get("/api/elections/tiny/results").json()["progress"]["protocols_in"] == 1
    no_reason = api.correct("north", "P1", "lists", 1, registered=1001)
    assert no_reason.status_code == 422
    assert no_reason.json()["field"] == "reason"
    by_the_clerk = api.correct("p1", "P1", "lists", 1, reason="typo", registered=1001)
    assert by_the_clerk.status_code == 403
    corrected = api.correct("north", "P1", "lists", 1, reason="recount ordered", registered=1001)
    assert corrected.status_code == 201
    assert corrected.json()["protocol"]["state"] == "mismatch"
    assert corrected.json()["protocol"]["approved_by"] is None
    assert api.client.get("/api/elections/tiny/results").json()["progress"]["protocols_in"] == 0
    history = api.read("watcher", "P1", "lists").json()["history"]
    assert [e["correction"] for e in history] == [None, None, "recount ordered"]


def test_a_stale_approval_is_a_conflict_never_a_lost_update(api: Api) -> None:
    api.enter("p1", "P1", "lists", 1)
    api.enter("p1b", "P1", "lists", 2, registered=1001)
    seen = api.version("P1", "lists")
    api.correct("p1b", "P1", "lists", 2)
    stale = api.approve("north", "P1", "lists", seen)
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale-version"
    assert stale.json()["current_version"] == seen + 1
    assert api.approve("north", "P1", "lists", seen + 1).status_code == 200
    again = api.approve("north", "P1", "lists", seen + 1)
    assert again.status_code == 409


def test_the_public_reads_a_precincts_approved_protocols_only(api: Api) -> None:
    api.through("P1", "lists")
    api.enter("p1", "P1", "districts", 1)
    response = api.client.get("/api/elections/tiny/precincts/P1")
    assert response.status_code == 200
    protocols = response.json()["protocols"]
    assert [p["contest"] for p in protocols] == ["lists"]
    assert protocols[0]["figures"]["registered"] == 1000
    assert api.client.get("/api/elections/tiny/precincts/P9").status_code == 404


def test_progress_is_recorded_at_approvals(api: Api) -> None:
    api.through("P1", "lists")
    api.through("P1", "districts")
    progress = api.client.get("/api/elections/tiny/progress").json()
    assert progress["snapshots"][0]["protocols_approved"] == 1
    assert progress["now"]["protocols_approved"] == 2
    assert progress["now"]["voters_in"] == 1000  # P1's two protocols are both in
    assert progress["now"]["voters_expected"] == 5700


def test_results_as_csv_by_level(api: Api) -> None:
    api.through("P1", "lists")
    response = api.client.get("/api/elections/tiny/results.csv", params={"level": "region"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].startswith("contest,level,unit,unit_name,protocols_in")
    assert "lists,region,R1,North,1,3,1000,3000" in lines[1]
    bad = api.client.get("/api/elections/tiny/results.csv", params={"level": "planet"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "level"


def test_an_election_that_is_not_open_takes_no_entries(api: Api) -> None:
    from saylau.service.models import ElectionRecord, ElectionState

    with api.database.write() as session:
        record = session.get(ElectionRecord, "tiny")
        assert record is not None
        record.state = ElectionState.CLOSED
    response = api.enter("p1", "P1", "lists", 1)
    assert response.status_code == 409
    assert response.json()["error"] == "election-not-open"
    assert "Election tiny is closed, not open" in response.json()["message"]
