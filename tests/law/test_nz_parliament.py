"""New Zealand's MMP rulebook reproduces the 2023 official result
(tests/data/nz-official-results.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from saylau.count.ballots_json import parse_election
from saylau.law.results import Result
from saylau.law.rulebooks import REGISTRY
from saylau.law.trail import Excluded, Overhang

DATA = Path(__file__).resolve().parents[1] / "data" / "nz-official-results.json"


@cache
def election() -> dict[str, Any]:
    document = json.loads(DATA.read_text(encoding="utf-8"))
    entry: dict[str, Any] = document["elections"][0]
    return entry


@cache
def result() -> Result:
    ballots = parse_election(election()["input"], str(DATA))[0]
    return REGISTRY.on("nz.parliament", election()["date"]).elect(ballots)


def test_nz_2023_seats_by_party_are_the_official_ones() -> None:
    assert result().seats == election()["published"]["seats"]
    assert result().is_final


def test_nz_2023_house_has_122_seats_with_te_pati_maori_overhang_of_2() -> None:
    assert sum(result().seats.values()) == 122
    overhang = [s for s in result().trail.of_kind(Overhang) if isinstance(s, Overhang)]
    assert [(s.option, s.won - s.entitled) for s in overhang] == [("Te Pāti Māori", 2)]


def test_nz_2023_te_pati_maori_qualifies_by_electorates_below_five_percent() -> None:
    assert result().seats["Te Pāti Māori"] == 6
    assert result().tiers["lists"]["Te Pāti Māori"] == 0


def test_nz_2023_parties_below_five_percent_without_an_electorate_take_no_seat() -> None:
    excluded = {s.option for s in result().trail.of_kind(Excluded) if isinstance(s, Excluded)}
    assert "The Opportunity Party (TOP)" in excluded
    assert "The Opportunity Party (TOP)" not in result().seats


def test_nz_2023_list_seats_top_up_the_electorates() -> None:
    assert result().tiers["lists"]["National Party"] == 6
    assert result().tiers["districts"]["National Party"] == 42
