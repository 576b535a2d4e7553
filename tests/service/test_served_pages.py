"""The service serves the public pages from its database, and they agree with the JSON API."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tiny import election_dir

from saylau.service.app import create_app
from saylau.service.db import Database
from saylau.service.loading import load_directory


def test_the_service_serves_the_national_page_from_the_database(
    database: Database, tmp_path: Path
) -> None:
    load_directory(database, election_dir(tmp_path), actor="test", step=None)
    client = TestClient(create_app(database))
    results = client.get("/api/elections/tiny/results").json()
    page = client.get("/elections/tiny?lang=en")
    assert page.status_code == 200
    assert "<svg" in page.text
    [body] = results["bodies"]
    for party, seats in body["result"]["seats"].items():
        assert party in page.text
        assert seats >= 0


def test_the_served_pages_speak_arabic_right_to_left(database: Database, tmp_path: Path) -> None:
    load_directory(database, election_dir(tmp_path), actor="test", step=None)
    client = TestClient(create_app(database))
    page = client.get("/elections/tiny?lang=ar")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text


def test_a_precinct_page_shows_its_approved_protocols(database: Database, tmp_path: Path) -> None:
    load_directory(database, election_dir(tmp_path), actor="test", step=None)
    client = TestClient(create_app(database))
    page = client.get("/elections/tiny/precincts/P1?lang=en")
    assert page.status_code == 200
    assert "School 1" in page.text


def test_an_unknown_election_is_a_404_page(database: Database) -> None:
    client = TestClient(create_app(database))
    assert client.get("/elections/nope?lang=en").status_code == 404
