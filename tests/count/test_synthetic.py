"""The synthetic 2023 election: a valid election directory whose Mazhilis list totals and
registered voters are the official 2023 figures, realistic elsewhere, and clean unless a
defect is injected on purpose.

Every protocol row is checked against the coded checks of ``docs/election-dir.md`` by
:func:`_failed_checks`, written here independently of the generator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import polars as pl
import pytest

from saylau.count.definition import Election, ElectionFile, read_definition
from saylau.count.directory import load
from saylau.count.synthetic import (
    INJECTIONS,
    SECOND_ENTRY_FILE,
    STUFFED_PRECINCTS,
    Generated,
    generate_kz_2023,
)
from saylau.count.tally import count_ledger

OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "kz-official-results.json"
SMALL = 600
LINES = [f"line_{j}" for j in range(1, 8)]
CITIES = ("Astana", "Almaty", "Shymkent")
ISSUED = ("issued_in_room", "issued_outside", "issued_absentee")
_TEXT = ("precinct", "contest", "entered_by", "entered_at", "correction", "acknowledged")


@dataclass(frozen=True)
class Written:
    """A generated directory read back: what the generator said, the checked definition, and
    every first-entry protocol row."""

    generated: Generated
    election: Election
    rows: pl.DataFrame


def _generate(path: Path, **options: object) -> Written:
    generated = generate_kz_2023(path, **options)  # type: ignore[arg-type]
    election = read_definition(path)
    files = sorted(p for p in (path / "protocols").glob("*.csv") if p.name != SECOND_ENTRY_FILE)
    rows = pl.concat([pl.read_csv(p, infer_schema_length=0) for p in files])
    return Written(generated, election, rows)


class Small(Protocol):
    def __call__(self, seed: int = 2023, inject: frozenset[str] = frozenset()) -> Written: ...


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Small:
    """Small elections (600 stations), each generated once for the module."""
    made: dict[tuple[int, frozenset[str]], Written] = {}

    def make(seed: int = 2023, inject: frozenset[str] = frozenset()) -> Written:
        if (seed, inject) not in made:
            folder = tmp_path_factory.mktemp(f"synthetic-{seed}")
            made[seed, inject] = _generate(folder, seed=seed, precincts=SMALL, inject=inject)
        return made[seed, inject]

    return make


def _numbers(rows: pl.DataFrame, column: str) -> np.ndarray:
    """A column as integers, -1 where the cell is empty (no cell is negative: see
    test_every_number_in_the_protocols_is_a_whole_number)."""
    return rows[column].fill_null("-1").cast(pl.Int64).to_numpy()


def _official_list_totals() -> dict[str, int]:
    entries = json.loads(OFFICIAL.read_text(encoding="utf-8"))["elections"]
    entry = next(e for e in entries if e["id"] == "KZ-MAZHILIS-2023-LIST")
    short = {
        "Auyl (People's Democratic Patriotic Party)": "Auyl",
        "Ak Zhol Democratic Party": "Ak Zhol",
        "People's Party of Kazakhstan (QHP)": "QHP",
        "Nationwide Social Democratic Party (OSDP/JSDP)": "OSDP",
        "Baytaq Green Party": "Baytaq",
        "Against all": "against_all",
    }
    totals = {short.get(row["name"], row["name"]): row["votes"] for row in entry["rows"]}
    totals["registered"] = entry["registered"]
    totals["ballots"] = entry["ballots_received"]
    totals["invalid"] = entry["invalid_or_not_counted_derived"]
    return totals


def _option_counts(written: Written) -> np.ndarray:
    """The ballot lines of each row's constituency, found through the definition."""
    election = written.election
    precinct = np.array([election.precinct_index[p] for p in written.rows["precinct"]])
    contest = np.array([election.contest_index[c] for c in written.rows["contest"]])
    slots = election.slots_of(precinct, contest)
    assert (slots >= 0).all(), "a row for a precinct that does not vote on that contest"
    return np.asarray(election.option_counts[election.slot_constituency[slots]])


def _failed_checks(written: Written) -> dict[str, np.ndarray]:
    """For each coded check of docs/election-dir.md, the rows where it fires. The warning
    thresholds are checked against the list before same-day additions, the stricter reading."""
    rows = written.rows
    n = {c: _numbers(rows, c) for c in rows.columns if c not in _TEXT}
    lines = np.stack([n[c] for c in LINES], axis=1)
    options = _option_counts(written)
    beyond = np.arange(1, 8)[None, :] > options[:, None]
    votes = np.where(lines < 0, 0, lines)
    valid = votes.sum(axis=1) + n["against_all"]
    issued = n["issued_in_room"] + n["issued_outside"] + n["issued_absentee"]
    found = n["found_stationary"] + n["found_mobile"]
    counted = n["invalid"] + valid
    listed = n["registered"] - n["added"]
    voters = written.election.precinct_voters[
        [written.election.precinct_index[p] for p in rows["precinct"]]
    ]
    acknowledged = rows["acknowledged"].fill_null("").to_numpy().astype(str)
    most = np.maximum(votes.max(axis=1), n["against_all"])
    failed = {
        "E-BALLOTS-RECEIVED": n["received"] != issued + n["cancelled"],
        "E-BALLOTS-FOUND": found > issued,
        "E-MOBILE-FOUND": n["found_mobile"] > n["issued_outside"],
        "E-BALLOTS-VALID": found != counted,
        "E-ISSUED-REGISTERED": issued > n["registered"],
        "E-ADDED-REGISTERED": n["added"] > n["registered"],
        "E-EMPTY-LINE": ((lines >= 0) & beyond).any(axis=1) | ((lines < 0) & ~beyond).any(axis=1),
        "W-TURNOUT-OVER-LIST": issued > listed,
        "W-INVALID-SHARE": (n["invalid"] * 100 >= 3 * counted) & (counted > 0),
        "W-MOBILE-SHARE": (n["issued_outside"] * 100 >= 15 * issued) & (issued > 0),
        "W-ADDED-SHARE": n["added"] * 100 >= 10 * listed,
        "W-TURNOUT-HIGH": issued * 100 >= 95 * listed,
        "W-LIST-CHANGED": listed != voters,
        "W-ONE-OPTION": (valid >= 100) & (most * 100 >= 95 * valid),
    }
    failed["W-INVALID-SHARE"] &= ~np.char.find(acknowledged, "W-INVALID-SHARE") >= 0
    return {code: np.flatnonzero(where) for code, where in failed.items() if where.any()}


def _leaders(written: Written, contest_id: str) -> dict[str, tuple[str | None, int, int]]:
    """Each constituency of a candidate contest: the leader's party, its votes, the runner-up's
    votes (against all included)."""
    rows = written.rows.filter(pl.col("contest") == contest_id)
    election = written.election
    contest_index = election.contest_index[contest_id]
    precinct = np.array([election.precinct_index[p] for p in rows["precinct"]])
    slots = election.slots_of(precinct, np.full(len(precinct), contest_index))
    constituency = election.slot_constituency[slots]
    votes = np.stack([_numbers(rows, c) for c in [*LINES, "against_all"]], axis=1)
    votes[votes < 0] = 0
    out: dict[str, tuple[str | None, int, int]] = {}
    for g in np.unique(constituency).tolist():
        _, k = election.constituencies[g]
        total = votes[constituency == g].sum(axis=0)
        order = np.argsort(-total, kind="stable")
        first, second = int(order[0]), int(order[1])
        party = "against all" if first == 7 else k.options[first].party
        out[k.id] = (party, int(total[first]), int(total[second]))
    return out


# -- determinism -------------------------------------------------------------------------------


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first = generate_kz_2023(tmp_path / "a", seed=7, precincts=SMALL)
    second = generate_kz_2023(tmp_path / "b", seed=7, precincts=SMALL)
    assert [p.name for p in first.files] == [p.name for p in second.files]
    for a, b in zip(first.files, second.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_the_files_are_the_definition_and_one_protocol_file_per_region(small: Small) -> None:
    generated = small().generated
    assert generated.files[0] == generated.out_dir / "election.json"
    assert [p.name for p in generated.protocol_files] == [f"R{r:02d}.csv" for r in range(1, 21)]
    assert str(generated).startswith("SYNTHETIC elections of 19 March 2023 (seed 2023)")
    assert "Mazhilis list totals: official" in str(generated)


def test_different_seeds_write_different_elections(small: Small) -> None:
    one, other = small(2023), small(2024)
    assert one.generated.definition.read_bytes() != other.generated.definition.read_bytes()
    assert not one.rows.equals(other.rows)


# -- the definition ----------------------------------------------------------------------------


def test_the_definition_passes_read_definition_and_every_expected_protocol_is_written_once(
    small: Small,
) -> None:
    written = small()
    pairs = written.rows.select("precinct", "contest")
    assert pairs.n_unique() == len(pairs) == written.election.expected
    assert written.generated.protocols == written.election.expected


def test_the_territory_has_20_real_regions_and_29_mazhilis_districts(small: Small) -> None:
    file = small().election.file
    regions = [u for u in file.territory if u.level == "region"]
    assert len(regions) == 20
    names = {u.name for u in regions}
    assert {"Ulytau region", "Abai region", "Zhetisu region", *CITIES} <= names
    mazhilis = next(c for c in file.contests if c.id == "mazhilis-districts")
    assert len(mazhilis.constituencies) == 29
    region_of = {u.id: u.parent for u in file.territory if u.level == "district"}
    for k in mazhilis.constituencies:
        assert len({region_of[d] for d in k.covers}) == 1, k.id
        assert 3 <= len(k.options) <= 6
    assert {region_of[d] for k in mazhilis.constituencies for d in k.covers} == {
        u.id for u in regions
    }


def test_the_bodies_are_the_mazhilis_and_the_maslikhats_with_their_rulebooks(small: Small) -> None:
    file = small().election.file
    contests = {c.id: c for c in file.contests}
    rulebooks = [b.rulebook for b in file.bodies]
    assert rulebooks.count("kz.mazhilis") == 1
    assert rulebooks.count("kz.maslikhat.oblast") == 20
    for body in file.bodies:
        if body.rulebook == "kz.maslikhat.oblast":
            assert body.lists is not None and body.districts is not None
            seats = len(contests[body.districts].constituencies)
            assert body.list_seats == seats and 30 <= 2 * seats <= 50
        if body.rulebook == "kz.maslikhat.district":
            assert body.districts is not None
            assert 11 <= len(contests[body.districts].constituencies) <= 25


def test_the_mazhilis_lists_are_the_seven_of_2023_in_registration_order(small: Small) -> None:
    file = small().election.file
    lists = next(c for c in file.contests if c.id == "mazhilis-lists")
    (constituency,) = lists.constituencies
    assert constituency.covers == ["KZ"]
    names = [o.name for o in constituency.options]
    assert names == ["Amanat", "Auyl", "Respublica", "Ak Zhol", "QHP", "OSDP", "Baytaq"]
    assert [o.registration for o in constituency.options] == list(range(1, 8))
    assert all(o.candidates for o in constituency.options)


def test_the_election_is_labelled_synthetic_and_cites_its_sources(small: Small) -> None:
    file = small().election.file
    assert file.synthetic is True
    assert "SYNTHETIC" in file.description and "Invented" in file.description
    assert any("election.gov.kz" in source for source in file.sources)


# -- the official figures ----------------------------------------------------------------------


def test_national_list_totals_equal_the_official_2023_figures(small: Small) -> None:
    official = _official_list_totals()
    rows = small().rows.filter(pl.col("contest") == "mazhilis-lists")
    names = ["Amanat", "Auyl", "Respublica", "Ak Zhol", "QHP", "OSDP", "Baytaq"]
    for name, column in zip(names, LINES, strict=True):
        assert _numbers(rows, column).sum() == official[name], name
    assert _numbers(rows, "against_all").sum() == official["against_all"] == 248_291
    assert _numbers(rows, "invalid").sum() == official["invalid"] == 155_419
    issued = sum(_numbers(rows, c).sum() for c in ISSUED)
    found = _numbers(rows, "found_stationary").sum() + _numbers(rows, "found_mobile").sum()
    assert issued == found == official["ballots"] == 6_521_860


def test_registered_voters_total_exactly_12_035_578_and_the_list_before_additions_is_voters(
    small: Small,
) -> None:
    written = small()
    rows = written.rows.filter(pl.col("contest") == "mazhilis-lists")
    assert _numbers(rows, "registered").sum() == _official_list_totals()["registered"]
    assert written.generated.registered == 12_035_578
    listed = _numbers(rows, "registered") - _numbers(rows, "added")
    index = written.election.precinct_index
    voters = written.election.precinct_voters[[index[p] for p in rows["precinct"]]]
    assert (listed == voters).all()


@pytest.mark.parametrize("seed", [2023, 1, 99])
def test_no_protocol_fires_any_coded_check(small: Small, seed: int) -> None:
    written = small(seed)
    assert _failed_checks(written) == {}
    assert written.generated.acknowledged == 0


def test_every_number_in_the_protocols_is_a_whole_number(small: Small) -> None:
    rows = small().rows
    for column in rows.columns:
        if column in _TEXT:
            continue
        cells = rows[column].drop_nulls()
        assert cells.str.contains(r"^[0-9]+$").all(), column


def test_the_count_accepts_every_protocol_and_gives_the_official_mazhilis_seats(
    small: Small,
) -> None:
    loaded = load(small().generated.out_dir)
    count = count_ledger(loaded.ledger, loaded.lots)
    assert count.review.accepted.all()
    mazhilis = next(b for b in count.bodies if b.body.id == "mazhilis")
    assert not mazhilis.provisional and mazhilis.result is not None
    seats = {party: n for party, n in mazhilis.result.seats.items() if n}
    assert seats == {"Amanat": 62, "Auyl": 8, "Respublica": 6, "Ak Zhol": 6, "QHP": 5,
                     "OSDP": 4, "Self-nominated": 7}  # fmt: skip
    assert not any(body.provisional for body in count.bodies)


# -- districts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [2023, 5])
def test_amanat_leads_22_mazhilis_districts_and_self_nominated_candidates_7(
    small: Small, seed: int
) -> None:
    leaders = _leaders(small(seed), "mazhilis-districts")
    parties = [party for party, _, _ in leaders.values()]
    assert len(parties) == 29
    assert parties.count("Amanat") == 22
    assert parties.count(None) == 7


def test_no_single_member_district_is_tied_or_led_by_against_all(small: Small) -> None:
    written = small()
    for contest in written.election.file.contests:
        if contest.ballot != "candidates":
            continue
        for k, (party, first, second) in _leaders(written, contest.id).items():
            assert party != "against all", (contest.id, k)
            assert first > second, (contest.id, k)


def test_stations_abroad_sit_under_astana_and_vote_only_on_the_mazhilis_lists(small: Small) -> None:
    written = small()
    file = written.election.file
    abroad = {p.id for p in file.precincts if p.abroad}
    assert len(abroad) == written.generated.abroad > 0
    astana = next(u.id for u in file.territory if u.name == "Astana")
    assert {p.parent for p in file.precincts if p.abroad} == {astana}
    contests = written.rows.filter(pl.col("precinct").is_in(list(abroad)))["contest"]
    assert set(contests) == {"mazhilis-lists"}


def _region_names(file: ElectionFile) -> dict[str, str]:
    """The name of each precinct's region."""
    units = {u.id: u for u in file.territory}
    names: dict[str, str] = {}
    for precinct in file.precincts:
        unit = units[precinct.parent]
        while unit.level != "region" and unit.parent is not None:
            unit = units[unit.parent]
        names[precinct.id] = unit.name
    return names


def test_a_voter_gets_five_ballots_and_four_in_the_three_cities(small: Small) -> None:
    written = small()
    region = _region_names(written.election.file)
    abroad = {p.id for p in written.election.file.precincts if p.abroad}
    ballots = written.rows.group_by("precinct").len()
    for precinct, count in ballots.iter_rows():
        if precinct not in abroad:
            assert count == (4 if region[precinct] in CITIES else 5), precinct


def test_turnout_is_lower_in_the_cities_than_in_the_rural_oblasts(small: Small) -> None:
    written = small()
    rows = written.rows.filter(pl.col("contest") == "mazhilis-lists")
    issued = sum(_numbers(rows, c) for c in ISSUED)
    region = _region_names(written.election.file)
    names = [region[p] for p in rows["precinct"]]
    frame = (
        pl.DataFrame(
            {"region": names, "issued": issued, "registered": _numbers(rows, "registered")}
        )
        .group_by("region")
        .sum()
    )
    turnout = {r: i / v for r, i, v in frame.iter_rows()}
    assert all(turnout[city] < 0.5 for city in CITIES)
    assert all(turnout[f"{rural} region"] > 0.6 for rural in ("Turkistan", "North Kazakhstan"))


# -- injections --------------------------------------------------------------------------------


def test_the_injections_are_named_and_described() -> None:
    assert [name for name, _ in INJECTIONS] == ["check-error", "double-entry", "stuffing"]
    assert all(text for _, text in INJECTIONS)


def test_check_error_breaks_ballots_received_in_exactly_one_protocol(small: Small) -> None:
    written = small(inject=frozenset({"check-error"}))
    failed = _failed_checks(written)
    assert set(failed) == {"E-BALLOTS-RECEIVED"}
    (row,) = failed["E-BALLOTS-RECEIVED"].tolist()
    (injected,) = written.generated.injected
    assert injected.name == "check-error"
    assert (injected.precinct, injected.contest) == (
        written.rows["precinct"][row],
        written.rows["contest"][row],
    )
    assert written.generated.official_totals


def test_double_entry_adds_second_entries_of_which_one_differs_in_one_field(small: Small) -> None:
    written = small(inject=frozenset({"double-entry"}))
    second = pl.read_csv(
        written.generated.out_dir / "protocols" / SECOND_ENTRY_FILE, infer_schema_length=0
    )
    assert second.columns == written.rows.columns
    assert set(second["entry"]) == {"2"} and set(written.rows["entry"]) == {"1"}
    first = written.rows.join(second.select("precinct", "contest"), on=["precinct", "contest"])
    assert len(first) == len(second) == written.generated.second_entries >= 2
    first = first.sort("precinct", "contest")
    second = second.sort("precinct", "contest")
    assert not set(first["entered_by"]) & set(second["entered_by"])
    compared = [c for c in second.columns if c not in ("entry", "entered_by", "entered_at")]
    differing = [
        (i, column)
        for column in compared
        for i in range(len(second))
        if first[column][i] != second[column][i]
    ]
    assert len(differing) == 1
    row, column = differing[0]
    detail = next(i for i in written.generated.injected if i.detail.startswith(column))
    assert (detail.precinct, detail.contest) == (second["precinct"][row], second["contest"][row])
    assert _failed_checks(written) == {}


def test_stuffing_fires_turnout_high_and_one_option_and_the_official_totals_no_longer_hold(
    small: Small,
) -> None:
    written = small(inject=frozenset({"stuffing"}))
    failed = _failed_checks(written)
    assert set(failed) == {"W-TURNOUT-HIGH", "W-ONE-OPTION"}
    stuffed = {written.rows["precinct"][int(i)] for i in failed["W-TURNOUT-HIGH"]}
    assert stuffed == {i.precinct for i in written.generated.injected}
    assert len(stuffed) == STUFFED_PRECINCTS
    assert not written.generated.official_totals
    rows = written.rows.filter(pl.col("contest") == "mazhilis-lists")
    assert _numbers(rows, "line_1").sum() != _official_list_totals()["Amanat"]


def test_injections_leave_the_rest_of_the_data_unchanged(small: Small) -> None:
    clean = small()
    broken = small(inject=frozenset({"check-error"}))
    assert clean.generated.definition.read_bytes() == broken.generated.definition.read_bytes()
    differing = clean.rows.with_row_index().join(
        broken.rows.with_row_index(), on="index", how="inner", suffix="_broken"
    )
    changed = [
        c
        for c in clean.rows.columns
        if (differing[c].fill_null("") != differing[f"{c}_broken"].fill_null("")).any()
    ]
    assert changed == ["received"]


def test_writing_again_without_double_entry_removes_the_old_second_entries(
    tmp_path: Path,
) -> None:
    generate_kz_2023(tmp_path, precincts=500, inject=frozenset({"double-entry"}))
    assert (tmp_path / "protocols" / SECOND_ENTRY_FILE).exists()
    generated = generate_kz_2023(tmp_path, precincts=500)
    assert not (tmp_path / "protocols" / SECOND_ENTRY_FILE).exists()
    assert generated.second_entries == 0


def test_unknown_injections_and_sizes_out_of_range_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown injection 'typo'"):
        generate_kz_2023(tmp_path, inject=frozenset({"typo"}))
    with pytest.raises(ValueError, match="precincts must be"):
        generate_kz_2023(tmp_path, precincts=100)
    assert not (tmp_path / "election.json").exists()


# -- scale -------------------------------------------------------------------------------------


def test_the_smallest_territory_is_complete_and_clean(tmp_path: Path) -> None:
    written = _generate(tmp_path, precincts=500, seed=11)
    assert written.generated.precincts == 500
    assert _failed_checks(written) == {}
    leaders = [p for p, _, _ in _leaders(written, "mazhilis-districts").values()]
    assert (leaders.count("Amanat"), leaders.count(None)) == (22, 7)


def test_the_default_size_has_about_10_200_stations_77_abroad_and_200_districts(
    tmp_path: Path,
) -> None:
    written = _generate(tmp_path)
    generated = written.generated
    assert generated.precincts == 10_200 and generated.abroad == 77
    assert 190 <= generated.districts <= 230
    assert _failed_checks(written) == {}
    leaders = _leaders(written, "mazhilis-districts")
    assert [p for p, _, _ in leaders.values()].count("Amanat") == 22
