"""The count as an open document: JSON for machines, CSV by level for spreadsheets.

The JSON document (``saylau.results/1``) holds the election, the progress of the count, the
checks (every blocked protocol with its coded problems, every double-entry mismatch with its
differences), the corrections with their history, each body's result with its trail, and each
contest's totals at the requested levels. Shares are exact fractions with a display percentage;
counts are integers.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from fractions import Fraction
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from saylau.count.checks import BITS, BY_CODE, CHECKS, ERROR_MASK
from saylau.count.fields import COUNT_FIELDS
from saylau.count.ledger import FIRST, SECOND, ChangeKind
from saylau.count.tally import BodyResult, Count, Progress, Totals
from saylau.law.numbers import percent_text

FORMAT = "saylau.results/1"
LEVELS = ("nation", "region", "district", "constituency", "precinct")
DEFAULT_LEVELS = ("nation", "region", "constituency")
DEFAULT_CSV_LEVELS = ("nation", "region", "district", "constituency")
"""Precinct-level CSV (a row per protocol and option) is written only when asked for."""
MAX_LISTED = 1000
"""At most this many blocked protocols, mismatches and corrections are listed in full."""


def software() -> str:
    try:
        return f"saylau {version('saylau')}"
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "saylau"


def share(part: Fraction) -> dict[str, Any]:
    return {"exact": str(part), "percent": percent_text(part.numerator, part.denominator)}


def progress_json(progress: Progress) -> dict[str, Any]:
    return {
        "complete": progress.complete,
        "protocols_in": progress.protocols_in,
        "protocols_expected": progress.protocols_expected,
        "protocol_share": share(progress.protocol_share),
        "voters_in": progress.voters_in,
        "voters_expected": progress.voters_expected,
        "voter_share": share(progress.voter_share),
    }


def overall_progress(count: Count) -> Progress:
    """The whole count: every expected protocol; voters counted once per precinct (on the
    first contest of the definition that the precinct votes on)."""
    review = count.review
    election = count.election
    first_slot = election.slot_offsets[:-1]
    has_slot = election.slot_offsets[1:] > first_slot
    voters = election.precinct_voters[has_slot]
    precinct_done = np.add.reduceat(review.accepted.astype(np.int64), first_slot[has_slot])
    wanted = np.diff(election.slot_offsets)[has_slot]
    return Progress(
        int(review.accepted.sum()),
        election.expected,
        int(voters[precinct_done == wanted].sum()),
        int(voters.sum()),
    )


def protocol_ref(count: Count, slot: int) -> dict[str, str]:
    election = count.election
    precinct = election.file.precincts[int(election.slot_precinct[slot])]
    contest = election.file.contests[int(election.slot_contest[slot])]
    return {"precinct": precinct.id, "precinct_name": precinct.name, "contest": contest.id}


SECOND_ONLY = "D-FIRST-ENTRY-MISSING"
"""Only a second entry of the protocol is on record."""
DIFFERENT = "D-DOUBLE-ENTRY"
"""The two entries of the protocol differ."""


RULES = {
    **{check.code: check.rule for check in CHECKS},
    DIFFERENT: "the two entries agree field by field",
    SECOND_ONLY: "a second entry comes with a first",
}
"""What each code that can hold a protocol back checks."""


def held_back(count: Count) -> np.ndarray:
    """For every expected protocol, the checks that hold it back (errors and unacknowledged
    warnings), as a bit mask."""
    review = count.review
    return np.asarray((review.findings & ERROR_MASK) | review.unacknowledged)


def checks_json(count: Count) -> dict[str, Any]:
    """The checks: counts by status and by code, and the protocols held back, each with why."""
    review, ledger = count.review, count.ledger
    by_code: dict[str, dict[str, Any]] = {}
    for check in CHECKS:
        bit = BITS[check.code]
        fired = int(((review.findings & bit) != 0).sum())
        by_code[check.code] = {
            "kind": check.kind.value,
            "rule": check.rule,
            "protocols": fired,
            "unacknowledged": int(((held_back(count) & bit) != 0).sum()),
        }
    blocked = np.flatnonzero(review.blocked)
    masks = held_back(count)
    listed = []
    for slot in blocked[:MAX_LISTED]:
        s = int(slot)
        problems = ledger.messages(s, int(masks[s])) if review.present[s] else []
        if review.second_only[s]:
            problems.append(
                f"{SECOND_ONLY}: only a second entry is on record (from"
                f" {ledger.origin_of(SECOND, s)}); the first entry is missing"
            )
        entry: dict[str, Any] = {
            **protocol_ref(count, s),
            "entered_from": ledger.origin_of(FIRST if review.present[s] else SECOND, s),
            "problems": problems,
        }
        if review.mismatch[s]:
            entry["differences"] = [
                {"field": name, "first": a, "second": b} for name, a, b in ledger.differences(s)
            ]
        listed.append(entry)
    return {
        "protocols_expected": count.election.expected,
        "entered": int(review.present.sum()),
        "accepted": int(review.accepted.sum()),
        "blocked": int(review.blocked.sum()),
        "with_errors": int(((review.findings & ERROR_MASK) != 0).sum()),
        "with_unacknowledged_warnings": int((review.unacknowledged != 0).sum()),
        "double_entry_mismatches": int(review.mismatch.sum()),
        "awaiting_second_entry": int(review.awaiting_second.sum()),
        "second_entry_only": int(review.second_only.sum()),
        "by_code": by_code,
        "blocked_protocols": listed,
        "blocked_not_listed": max(0, len(blocked) - MAX_LISTED),
    }


def corrections_json(count: Count) -> list[dict[str, Any]]:
    """Every change to an entry on record: corrections with their earlier numbers, and later
    acknowledgements."""
    ledger = count.ledger
    out = []
    for change in ledger.changes[:MAX_LISTED]:
        item: dict[str, Any] = {
            **protocol_ref(count, change.slot),
            "kind": change.kind.value,
            "entry": change.entry,
            "by": change.by,
            "at": change.at,
            "reason": change.reason,
            "source": f"{change.source} {change.where}",
        }
        if change.kind is ChangeKind.CORRECTED:
            item["changed"] = [
                {"field": ledger.field_name(i), "before": before, "after": after}
                for i, (before, after) in enumerate(zip(change.before, change.after, strict=True))
                if before != after
            ]
        if change.acknowledged:
            item["acknowledged"] = list(change.acknowledged)
        out.append(item)
    return out


def body_json(body: BodyResult) -> dict[str, Any]:
    return {
        "id": body.body.id,
        "name": body.body.name,
        "provisional": body.provisional,
        "progress": progress_json(body.progress),
        "refused": body.refused or None,
        "result": body.result.to_json() if body.result else None,
    }


def totals_rows(totals: Totals) -> Iterator[dict[str, Any]]:
    for row in range(len(totals)):
        yield {
            "id": totals.ids[row],
            "name": totals.names[row],
            "progress": progress_json(totals.progress(row)),
            "figures": {
                name: int(v) for name, v in zip(COUNT_FIELDS, totals.fields[row], strict=True)
            },
            "votes": totals.named_votes(row),
        }


def count_document(count: Count, levels: Iterable[str] = DEFAULT_LEVELS) -> dict[str, Any]:
    """The whole count as one JSON-ready document."""
    file = count.election.file
    levels = [level for level in LEVELS if level in set(levels)]
    progress = overall_progress(count)
    return {
        "format": FORMAT,
        "software": software(),
        "election": {
            "id": file.id,
            "name": file.name,
            "date": file.date.isoformat(),
            "synthetic": file.synthetic,
            "description": file.description,
            "sources": list(file.sources),
        },
        "status": "complete" if progress.complete else "partial",
        "progress": progress_json(progress),
        "checks": checks_json(count),
        "corrections": corrections_json(count),
        "bodies": [body_json(body) for body in count.bodies],
        "contests": [
            {
                "id": contest.id,
                "name": contest.name,
                "ballot": contest.ballot.value,
                "progress": progress_json(count.contest_progress(contest)),
                "levels": {
                    level: list(totals_rows(count.totals(contest.id, level))) for level in levels
                },
            }
            for contest in file.contests
        ],
    }


CSV_COLUMNS = (
    "contest",
    "level",
    "unit",
    "unit_name",
    "protocols_in",
    "protocols_expected",
    "voters_in",
    "voters_expected",
    *COUNT_FIELDS,
    "option",
    "votes",
)


def csv_rows(count: Count, level: str) -> Iterator[list[Any]]:
    """The rows of one level's CSV, without the header (``CSV_COLUMNS``): a row per contest,
    unit and option, with the unit's protocol figures repeated on each of its rows."""
    for contest in count.election.file.contests:
        totals = count.totals(contest.id, level)
        for row in range(len(totals)):
            head = [
                contest.id,
                level,
                totals.ids[row],
                totals.names[row],
                int(totals.protocols_in[row]),
                int(totals.protocols_expected[row]),
                int(totals.voters_in[row]),
                int(totals.voters_expected[row]),
                *(int(v) for v in totals.fields[row]),
            ]
            for option, votes in totals.named_votes(row).items():
                yield [*head, option, votes]


def write_csv(
    count: Count, directory: Path, levels: Iterable[str] = DEFAULT_CSV_LEVELS
) -> list[Path]:
    """One long CSV per level (``<level>.csv``, rows as :func:`csv_rows`). Each file is
    written whole (to a temporary name, then renamed)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for level in [lvl for lvl in LEVELS if lvl in set(levels)]:
        path = directory / f"{level}.csv"
        partial = directory / f".{level}.csv.partial"
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            writer.writerows(csv_rows(count, level))
        partial.replace(path)
        written.append(path)
    return written


def code_summary(count: Count) -> Counter[str]:
    """How many protocols each code holds back right now."""
    review = count.review
    masks = held_back(count)[review.blocked]
    held = Counter[str]()
    for check in CHECKS:
        number = int(((masks & BITS[check.code]) != 0).sum())
        if number:
            held[check.code] = number
    if review.mismatch.any():
        held[DIFFERENT] = int(review.mismatch.sum())
    if review.second_only.any():
        held[SECOND_ONLY] = int(review.second_only.sum())
    return held


__all__ = [
    "BY_CODE",
    "DEFAULT_LEVELS",
    "LEVELS",
    "body_json",
    "checks_json",
    "code_summary",
    "count_document",
    "csv_rows",
    "overall_progress",
    "write_csv",
]
