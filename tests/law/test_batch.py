"""The batch path gives every row exactly what the single path gives it."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.law.methods import (
    DHONDT,
    HARE_LR,
    HUNTINGTON_HILL,
    METHOD_NAMES,
    AllocationInputError,
    Method,
    method_by_name,
    modified_sainte_lague,
)
from saylau.law.methods.batch import BatchResult, allocate_batch
from saylau.law.methods.quota import LargestRemainder, QuotaFormula

MAZHILIS_2023 = [3431510, 693938, 547154, 535139, 432920, 331058, 146431]


def single(method: Method, row: list[int], seats: int) -> tuple[list[int], bool]:
    names = [str(i) for i in range(len(row))]
    allocation = method.allocate(dict(zip(names, row, strict=True)), seats)
    return [allocation.seats.get(name, 0) for name in names], allocation.tie is not None


def assert_rows_match(
    method: Method,
    votes: np.ndarray,
    seats: int,
    result: BatchResult,
    rows: Iterable[int] | None = None,
) -> None:
    for index in range(len(votes)) if rows is None else rows:
        row = [int(count) for count in votes[index]]
        expected, tied = single(method, row, seats)
        assert result.seats[index].tolist() == expected, (method, row, seats)
        assert bool(result.tied[index]) == tied, (method, row, seats)


# Few distinct values make equal remainders and equal quotients common: deliberate ties.
counts = st.one_of(
    st.sampled_from([0, 1, 2, 3, 4, 6, 10, 12, 100, 300, 1000]),
    st.integers(0, 10**6),
)


@st.composite
def matrices(draw: st.DrawFn) -> tuple[np.ndarray, int]:
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 8))
    rows = draw(st.lists(st.lists(counts, min_size=n, max_size=n), min_size=m, max_size=m))
    if draw(st.booleans()):  # a row repeated with its columns swapped: the same numbers
        rows.append(rows[0][::-1])
    rows = [row if sum(row) else [1, *row[1:]] for row in rows]  # zero rows are an error
    seats = draw(st.integers(1, 25))
    return np.array(rows, dtype=np.int64), seats


@pytest.mark.parametrize("name", METHOD_NAMES)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=matrices())
def test_batch_equals_single_path(name: str, case: tuple[np.ndarray, int]) -> None:
    votes, seats = case
    method = method_by_name(name)
    result = allocate_batch(method, votes, seats)
    assert result.seats.shape == votes.shape
    assert result.seats.dtype == np.int64
    assert result.tied.shape == (len(votes),)
    assert_rows_match(method, votes, seats, result)


@pytest.mark.parametrize("name", METHOD_NAMES)
def test_ties_are_reported_not_broken(name: str) -> None:
    method = method_by_name(name)
    votes = np.array([[100, 100], [100, 100, 0][:2], [300, 100]], dtype=np.int64)
    result = allocate_batch(method, votes, 1)
    assert result.tied[0] and result.tied[1]
    assert result.seats[0].tolist() == [0, 0]  # the contested seat stays open
    assert not result.tied[2]
    assert_rows_match(method, votes, 1, result)
    assert not result.is_final


def test_mazhilis_2023() -> None:
    votes = np.array([MAZHILIS_2023, [*MAZHILIS_2023[:-1], 0]], dtype=np.int64)
    for method in (HARE_LR, DHONDT):
        result = allocate_batch(method, votes, 69)
        assert result.is_final
        assert_rows_match(method, votes, 69, result)


@pytest.mark.parametrize("name", METHOD_NAMES)
def test_large_random_matrix(name: str) -> None:
    method = method_by_name(name)
    rng = np.random.default_rng(2023)
    share = np.array(MAZHILIS_2023) / sum(MAZHILIS_2023)
    votes = rng.multinomial(6_000_000, share, size=20_000).astype(np.int64)
    votes[:2000] = rng.integers(0, 50, size=(2000, 7))  # small counts: ties happen
    votes[votes.sum(axis=1) == 0, 0] = 1
    result = allocate_batch(method, votes, 69)
    assert (result.seats.sum(axis=1)[~result.tied] == 69).all()
    sample = rng.choice(len(votes), size=300, replace=False).tolist()
    tied = np.flatnonzero(result.tied)[:100].tolist()
    assert_rows_match(method, votes, 69, result, sorted({*sample, *tied, 0, len(votes) - 1}))


@pytest.mark.parametrize("name", METHOD_NAMES)
def test_many_options_many_seats(name: str) -> None:
    method = method_by_name(name)
    rng = np.random.default_rng(7)
    votes = rng.integers(0, 100_000, size=(20, 60)).astype(np.int64)
    votes[:, :3] *= 50
    result = allocate_batch(method, votes, 400)
    assert_rows_match(method, votes, 400, result)


@pytest.mark.parametrize("name", METHOD_NAMES)
def test_huge_votes_stay_exact(name: str) -> None:
    method = method_by_name(name)
    base = [3431510, 693938, 547154, 535139, 432920, 331058, 146431]
    rows = [
        [v * 10**9 for v in base],  # about 10**15
        [10**15 + k for k in range(7)],
        [10**15] * 7,  # all tied
        [10**18, 10**18 - 1, 3 * 10**17, 1, 0, 5, 10**17],
        [v * 10**12 for v in base],  # totals near 2**63 / 1
        base,
    ]
    votes = np.array(rows, dtype=np.int64)
    result = allocate_batch(method, votes, 69)
    assert_rows_match(method, votes, 69, result)
    # Beyond int64: Python ints in an object array, and uint64.
    huge = np.array(
        [[10**20, 3 * 10**19, 7, 0], [2**64 + 1, 2**63, 2**63, 1], [5, 3, 2, 1]], object
    )
    result = allocate_batch(method, huge, 10)
    assert_rows_match(method, huge, 10, result)
    unsigned = np.array([[2**64 - 1, 2**63 + 5, 1, 0], [2**62, 2**62, 2**61, 7]], dtype=np.uint64)
    result = allocate_batch(method, unsigned, 10)
    assert_rows_match(method, unsigned, 10, result)


def test_huntington_hill_squares_beyond_int64() -> None:
    votes = np.array([[4 * 10**9, 3 * 10**9 + 1, 10**9], [4, 3, 1]], dtype=np.int64)
    result = allocate_batch(HUNTINGTON_HILL, votes, 15)
    assert_rows_match(HUNTINGTON_HILL, votes, 15, result)


def test_other_quota_and_divisor_sequences() -> None:
    rng = np.random.default_rng(11)
    votes = rng.integers(0, 1000, size=(300, 5)).astype(np.int64)
    votes[:, 0] += 1
    plus_one = LargestRemainder(
        QuotaFormula("V/S rounded up", "ceil(V / S)", lambda v, s: (-(-v // s), 1))
    )
    for method in (
        plus_one,
        modified_sainte_lague(Fraction(1, 2)),
        modified_sainte_lague(Fraction(29, 10)),  # 2.9, 3, 5, 7, ...: nearly equal divisors
    ):
        result = allocate_batch(method, votes, 12)
        assert_rows_match(method, votes, 12, result)


def test_input_errors() -> None:
    with pytest.raises(AllocationInputError, match="row 1"):
        allocate_batch(DHONDT, np.array([[1, 2], [3, -1]]), 5)
    with pytest.raises(AllocationInputError, match="row 2: there are no votes"):
        allocate_batch(HARE_LR, np.array([[1, 2], [3, 1], [0, 0]]), 5)
    with pytest.raises(AllocationInputError, match="seats"):
        allocate_batch(HARE_LR, np.array([[1, 2]]), 0)
    with pytest.raises(AllocationInputError, match="whole numbers"):
        allocate_batch(HARE_LR, np.array([[1.0, 2.0]]), 3)
    with pytest.raises(AllocationInputError, match="matrix"):
        allocate_batch(HARE_LR, np.array([1, 2]), 3)
    with pytest.raises(AllocationInputError, match="whole number"):
        allocate_batch(HARE_LR, np.array([[1, True]], dtype=object), 3)


def test_result_shape_and_immutability() -> None:
    empty = allocate_batch(DHONDT, np.zeros((0, 3), dtype=np.int64), 5)
    assert empty.seats.shape == (0, 3) and empty.tied.shape == (0,)
    result = allocate_batch(DHONDT, np.array([[5, 3, 1]], dtype=np.int32), 4)
    assert result.seats.tolist() == [[3, 1, 0]]
    with pytest.raises(ValueError):
        result.seats[0, 0] = 7


@pytest.mark.parametrize("name", METHOD_NAMES)
def test_the_batch_decides_ordinary_rows_itself(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only ties and guarded rows go to the single path: ordinary rows never do."""
    method = method_by_name(name)
    calls = []
    original = type(method).allocate

    def counted(self: Method, *args: object, **kwargs: object) -> object:
        calls.append(args)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(method), "allocate", counted)
    rng = np.random.default_rng(5)
    share = np.array(MAZHILIS_2023) / sum(MAZHILIS_2023)
    votes = rng.multinomial(6_000_000, share, size=5_000).astype(np.int64)
    result = allocate_batch(method, votes, 69)
    assert int(result.tied.sum()) <= len(calls) <= 5
