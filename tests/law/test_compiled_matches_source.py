"""The mypyc-compiled largest-remainder module decides exactly as its Python source."""

import importlib.util
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import saylau.law.methods.quota as installed

SOURCE = Path(installed.__file__).with_name("quota.py")


def load_source():
    spec = importlib.util.spec_from_file_location("saylau_quota_source", SOURCE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


PURE = load_source()
PAIRS = [
    (installed.HARE_LR, PURE.HARE_LR),
    (installed.DROOP_LR, PURE.DROOP_LR),
    (installed.HAGENBACH_BISCHOFF_LR, PURE.HAGENBACH_BISCHOFF_LR),
    (installed.IMPERIALI_LR, PURE.IMPERIALI_LR),
]


@settings(max_examples=150, deadline=None)
@given(
    votes=st.lists(st.integers(0, 10_000), min_size=1, max_size=8).filter(lambda v: sum(v) > 0),
    seats=st.integers(1, 40),
    pair=st.sampled_from(PAIRS),
)
def test_compiled_and_source_give_the_same_seats_ties_and_trail(votes, seats, pair):
    compiled, source = pair
    named = {f"list {i}": v for i, v in enumerate(votes)}
    a, b = compiled.allocate(named, seats), source.allocate(named, seats)
    assert a.seats == b.seats
    assert (a.tie is None) == (b.tie is None)
    assert a.trail.explain() == b.trail.explain()
