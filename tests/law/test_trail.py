"""The trail's steps: each kind documented with its fields, each step one line and one object."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from saylau.law import trail
from saylau.law.citation import Citation
from saylau.law.trail import ProvisionalProvision, Step

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `(\w+)` \| ([^|]*) \|", re.MULTILINE)


def _step_types() -> list[type[Step]]:
    found = [
        value
        for value in vars(trail).values()
        if isinstance(value, type) and issubclass(value, Step) and value is not Step
    ]
    return sorted(found, key=lambda step: step.kind)


def test_every_kind_of_step_is_documented_with_its_fields() -> None:
    documented = {
        kind: [name.strip() for name in fields.split(",") if name.strip()]
        for kind, fields in ROW.findall((ROOT / "docs" / "trail.md").read_text(encoding="utf-8"))
    }
    kinds = {
        step.kind: [field.name for field in dataclasses.fields(step)] for step in _step_types()
    }
    assert documented == kinds


def test_kinds_are_unique() -> None:
    kinds = [step.kind for step in _step_types()]
    assert len(kinds) == len(set(kinds))


def test_a_provisional_provision_says_its_value_why_and_where() -> None:
    citation = Citation("Duma Law (20-FZ)", "art. 88", "article number assumed")
    step = ProvisionalProvision("threshold", "5% and more", "2014 text not read", citation)
    assert step.explain() == (
        "== provisional: threshold: 5% and more (2014 text not read)"
        " [Duma Law (20-FZ) art. 88 (article number assumed)]"
    )
    document = json.loads(json.dumps(step.to_json()))
    assert document == {
        "kind": "provisional_provision",
        "name": "threshold",
        "value": "5% and more",
        "note": "2014 text not read",
        "citation": {
            "source": "Duma Law (20-FZ)",
            "article": "art. 88",
            "note": "article number assumed",
        },
        "text": step.explain(),
    }


def test_a_provisional_provision_without_note_or_citation_shows_its_value() -> None:
    assert ProvisionalProvision("winner", "plurality").explain() == (
        "== provisional: winner: plurality"
    )
