"""The batch path: many vote vectors allocated at once with numpy, with the single path's results.

``allocate_batch(method, votes, seats)`` takes an ``(m, n)`` integer matrix, one row per vote
vector (simulations, bootstraps, what-if tables), and returns the seats of every row as an
``(m, n)`` matrix. Each row gets exactly what ``method.allocate`` gives it:

- Largest remainder: whole seats ``v * den // num`` and remainders ``v * den % num`` in int64,
  remainders ranked per row; equal remainders at the last seat make the row *tied*.
- Divisor methods: a guessed state (each option's quota against the method's signposts),
  filled to the house one seat per step at the highest next (or lowest seated) float
  quotient, then verified: the highest next quotient must be strictly below the lowest seated
  one. The check is exact: in floats only where every ``v**p * den`` and ``num`` is below
  2**53, so that each float quotient is the exact one correctly rounded and a strict float
  gap proves a strict exact gap; otherwise, and for every row whose float gap is not strict,
  by integer cross-multiplication, ``v_i**p * den_i * num_j`` against ``v_j**p * den_j *
  num_i``, moving seats from the lowest seated to the highest next quotient until it holds.
  Floats guess and order; they never decide.

Rows the batch does not decide go to the exact single path, one by one: rows tied at the last
seat (their seats are then the single path's decided seats, and ``tied`` is set when the single
path reports an open tie: the batch never breaks a tie), rows whose products could overflow
int64 (very large votes, Huntington–Hill squares), a largest-remainder quota that gives more
whole seats than the house, and anything the batch's checks do not confirm.

Not part of the batch API: caps (candidate-list lengths), ``min_seats``, tie rules,
registration order and lots. Rows that need them go through ``method.allocate``. Work runs in
chunks of rows, with loops only over options and over seats still to move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from saylau.law.methods.allocation import AllocationInputError
from saylau.law.methods.divisor import DivisorMethod
from saylau.law.methods.quota import (
    DROOP,
    HAGENBACH_BISCHOFF,
    HARE,
    IMPERIALI_QUOTA,
    LargestRemainder,
    QuotaFormula,
)

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Indices = npt.NDArray[np.intp]

INT64_MAX = 2**63 - 1
FLOAT_EXACT = 2**53
"""Every integer up to this is a float64 exactly."""
CHUNK_ROWS = 8192
"""Rows per chunk: the temporaries of one chunk stay in cache."""


@dataclass(frozen=True, slots=True, eq=False)
class BatchResult:
    """Seats of every row (``(m, n)``, int64) and which rows are tied at the last seat.

    A tied row holds the single path's decided seats (the contested ones are missing), exactly
    as ``Allocation.seats`` does. Both arrays are read-only.
    """

    seats: Int64s
    tied: Bools

    @property
    def is_final(self) -> bool:
        """True when no row has an open tie."""
        return not bool(self.tied.any())


def allocate_batch(
    method: DivisorMethod | LargestRemainder, votes: npt.ArrayLike, seats: int
) -> BatchResult:
    """Allocate ``seats`` in every row of ``votes`` (``(m, n)`` whole numbers >= 0) by
    ``method``, with the same seats and open ties as ``method.allocate`` row by row.

    Raises :class:`AllocationInputError` for what the single path rejects (negative votes,
    seats < 1, a row with no votes), naming the row.
    """
    if type(seats) is not int or seats < 1:
        raise AllocationInputError(f"seats must be a whole number of at least 1, got {seats!r}")
    if not isinstance(method, DivisorMethod | LargestRemainder):
        raise AllocationInputError(f"the batch path allocates by a method, got {method!r}")
    matrix = _Matrix.read(votes)
    m, n = matrix.shape
    result = np.zeros((m, n), dtype=np.int64)
    exact = matrix.big.copy()
    if isinstance(method, LargestRemainder):
        kernel: Callable[[Int64s, Int64s], tuple[Int64s, Bools]] = _QuotaKernel(method.quota, seats)
    else:
        kernel = _DivisorKernel(method, seats)
    for start in range(0, m, CHUNK_ROWS):
        stop = min(m, start + CHUNK_ROWS)
        rows: slice | Indices = slice(start, stop)
        if matrix.any_big:
            rows = np.flatnonzero(~matrix.big[start:stop]) + start
            if rows.size == 0:
                continue
        chunk = matrix.small[rows]
        totals = chunk.sum(axis=1)
        empty = totals == 0
        if empty.any():
            row = int(np.arange(m)[rows][np.flatnonzero(empty)[0]])
            raise AllocationInputError(
                f"row {row}: there are no votes to share the seats by: every count is 0"
            )
        result[rows], exact[rows] = kernel(chunk, totals)
    tied = np.zeros(m, dtype=np.bool_)
    names = [str(i) for i in range(n)]
    for row in np.flatnonzero(exact).tolist():
        allocation = method.allocate(dict(zip(names, matrix.row(row), strict=True)), seats)
        result[row] = [allocation.seats.get(name, 0) for name in names]
        tied[row] = allocation.tie is not None
    result.setflags(write=False)
    tied.setflags(write=False)
    return BatchResult(result, tied)


# -- reading the matrix ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class _Matrix:
    """The votes as given, an int64 view or copy for the batch, and the rows it cannot hold.

    ``big`` rows (a count above ``INT64_MAX // n``, so that the total could overflow) are zero
    in ``small`` and go to the exact single path with the original numbers.
    """

    original: npt.NDArray[Any]
    small: Int64s
    big: Bools
    any_big: bool

    @property
    def shape(self) -> tuple[int, int]:
        m, n = self.small.shape
        return m, n

    def row(self, index: int) -> list[int]:
        return [int(count) for count in self.original[index]]

    @classmethod
    def read(cls, votes: npt.ArrayLike) -> _Matrix:
        array = np.asarray(votes)
        if array.ndim != 2:
            raise AllocationInputError(
                f"the votes must be a matrix (rows x options), got {array.ndim} dimension(s)"
            )
        m, n = array.shape
        if n == 0:
            raise AllocationInputError("the votes have no options (0 columns)")
        kind = array.dtype.kind
        if kind == "O":
            for index, count in enumerate(array.flat):
                if isinstance(count, bool) or not isinstance(count, int | np.integer):
                    row, column = divmod(index, n)
                    raise AllocationInputError(
                        f"row {row}: votes for option {column} must be a whole number, "
                        f"got {count!r}"
                    )
        elif kind not in "iu":
            raise AllocationInputError(
                f"votes must be whole numbers (an integer array), got dtype {array.dtype}"
            )
        if m == 0:
            return cls(array, np.zeros((0, n), dtype=np.int64), np.zeros(0, np.bool_), False)
        if kind != "u" and array.min() < 0:
            row, column = (int(i) for i in np.argwhere(array < 0)[0])
            raise AllocationInputError(
                f"row {row}: votes for option {column} must be a whole number of 0 or more, "
                f"got {array[row, column]!r}"
            )
        # A row is summed in int64 only when no count exceeds INT64_MAX // n.
        limit = INT64_MAX // n
        if array.max() <= limit:
            return cls(array, array.astype(np.int64, copy=False), np.zeros(m, np.bool_), False)
        big = np.asarray((array > limit).any(axis=1), dtype=np.bool_)
        small = np.where(big[:, None], 0, array).astype(np.int64)
        return cls(array, small, big, True)


# -- largest remainder -----------------------------------------------------------------------

_QUOTA_RATIOS: dict[QuotaFormula, Callable[[Int64s, int], tuple[Int64s, Int64s]]] = {
    # The same formulas as quota.py, on arrays of totals; the tests hold them to the single path.
    HARE: lambda v, s: (v, np.full_like(v, s)),
    DROOP: lambda v, s: (v // (s + 1) + 1, np.ones_like(v)),
    HAGENBACH_BISCHOFF: lambda v, s: (v, np.full_like(v, s + 1)),
    IMPERIALI_QUOTA: lambda v, s: (v, np.full_like(v, s + 2)),
}


class _QuotaKernel:
    """Largest remainder on one chunk: returns the seats and the rows for the exact path."""

    def __init__(self, quota: QuotaFormula, seats: int) -> None:
        self.quota = quota
        self.seats = seats

    def ratios(self, totals: Int64s) -> tuple[Int64s, Int64s, Bools]:
        """Quota numerators and denominators per row, and rows where they do not fit int64."""
        vectorised = _QUOTA_RATIOS.get(self.quota)
        if vectorised is not None:
            numerators, denominators = vectorised(totals, self.seats)
            return numerators, denominators, np.zeros(totals.shape, dtype=np.bool_)
        # Another formula: evaluated exactly, once per distinct total.
        distinct, inverse = np.unique(totals, return_inverse=True)
        nums = np.ones(distinct.shape, dtype=np.int64)
        dens = np.ones(distinct.shape, dtype=np.int64)
        unfit = np.zeros(distinct.shape, dtype=np.bool_)
        for index, total in enumerate(distinct.tolist()):
            numerator, denominator = self.quota.ratio(total, self.seats)
            if (
                type(numerator) is int
                and type(denominator) is int
                and 0 < numerator <= INT64_MAX
                and 0 < denominator <= INT64_MAX
            ):
                nums[index], dens[index] = numerator, denominator
            else:
                unfit[index] = True
        inverse = inverse.reshape(totals.shape)
        return nums[inverse], dens[inverse], unfit[inverse]

    def __call__(self, votes: Int64s, totals: Int64s) -> tuple[Int64s, Bools]:
        n = votes.shape[1]
        numerators, denominators, unsure = self.ratios(totals)
        # v * den must fit int64; rows where it might not go to the exact path.
        if int(votes.max()) > INT64_MAX // max(int(denominators.max()), 1):
            unsure = unsure | (votes.max(axis=1) > INT64_MAX // np.maximum(denominators, 1))
        unsure |= (numerators <= 0) | (denominators <= 0)
        if unsure.any():
            numerators = np.where(unsure, 1, numerators)
            denominators = np.where(unsure, 1, denominators)
            votes = np.where(unsure[:, None], 0, votes)
        whole, remainders = np.divmod(votes * denominators[:, None], numerators[:, None])
        left = self.seats - whole.sum(axis=1)
        # Left < 0 (the quota over-fills the house) and left >= n go to the exact path.
        unsure |= (left < 0) | (left >= n)
        if n == 1:
            return whole, unsure
        given = left > 0
        ranked = np.sort(remainders, axis=1)
        place = np.clip(n - left, 1, n - 1)[:, None]
        edge = np.take_along_axis(ranked, place, axis=1)[:, 0]
        below = np.take_along_axis(ranked, place - 1, axis=1)[:, 0]
        # Equal remainders across the last seat: a tie, for the exact path.
        unsure |= given & (edge == below)
        seats = whole + ((remainders >= edge[:, None]) & given[:, None])
        return seats, unsure


# -- divisor methods -------------------------------------------------------------------------


def _integer_root(value: int, power: int) -> int:
    """The largest ``r >= 0`` with ``r ** power <= value``."""
    if value <= 0:
        return 0
    root: int = round(float(value) ** (1.0 / power))
    while root**power > value:
        root -= 1
    while (root + 1) ** power <= value:
        root += 1
    return root


class _DivisorKernel:
    """A divisor method on one chunk: returns the seats and the rows for the exact path.

    Inside, arrays are options x rows (each option's row contiguous), so that the loops over
    options and the tournaments run on contiguous memory.

    A quotient is kept as a pair ``(a, b)`` meaning ``a / b``: ``(v**p * den(k), num(k))``. A
    zero divisor gives an infinite quotient, kept as ``(v, 0)`` and ordered by votes among
    infinities, as :meth:`DivisorMethod.quotient` does; a zero divisor with no votes is
    ``(0, 1)``, a zero quotient.
    """

    def __init__(self, method: DivisorMethod, seats: int) -> None:
        self.seats = seats
        self.power = method.power
        table = [method.ratio(k) for k in range(seats + 1)]
        nums = [num for num, _ in table]
        dens = [den for _, den in table]
        self.usable = (
            type(self.power) is int
            and self.power >= 1
            and all(type(x) is int and 0 <= x <= INT64_MAX for x in nums)
            and all(type(x) is int and 0 < x <= INT64_MAX for x in dens)
            and max(nums) > 0
            # Non-decreasing divisors: an option's quotients never rise with its seats.
            and all(nums[k] * dens[k + 1] <= nums[k + 1] * dens[k] for k in range(seats))
        )
        if not self.usable:
            return
        self.nums = np.array(nums, dtype=np.int64)
        self.dens = np.array(dens, dtype=np.int64)
        self.unit_den = all(den == 1 for den in dens)
        self.has_zero = nums[0] == 0
        # Votes up to this limit keep every cross product a1 * b2 within int64.
        self.vote_limit = _integer_root(INT64_MAX // (max(dens) * max(nums)), self.power)
        # Votes up to this limit give every a and b exactly as a float (below 2**53).
        self.float_limit = (
            _integer_root(FLOAT_EXACT // max(dens), self.power) if max(nums) <= FLOAT_EXACT else 0
        )
        self.float_nums: Floats = self.nums.astype(np.float64)
        self.float_dens: Floats = self.dens.astype(np.float64)
        self.float_divisors: Floats = self.float_nums / self.float_dens
        # Where the search starts (a guess): an option with q Hare quotas gets the number of
        # signposts d(k) / slope below q, with q scaled so that a row starts near the house.
        natural = self.float_divisors ** (1.0 / self.power)
        slope = natural[seats] - natural[seats - 1]  # divisors grow by about this per seat
        if not slope > 0:
            slope = (natural[seats] - natural[0]) / seats
        self.signposts: Floats = natural[:seats] / (slope if slope > 0 else 1.0)
        offsets = self.signposts - np.arange(seats)
        self.offset = float(np.median(offsets))
        self.linear = bool(np.all(np.abs(offsets - self.offset) < 1e-9))

    def __call__(self, votes: Int64s, totals: Int64s) -> tuple[Int64s, Bools]:
        m, n = votes.shape
        unsure = np.ones(m, dtype=np.bool_)
        seats = np.zeros((m, n), dtype=np.int64)
        if not self.usable:
            return seats, unsure
        rows: slice | Indices = slice(None)
        if int(votes.max()) > self.vote_limit:
            rows = np.flatnonzero(votes.max(axis=1) <= self.vote_limit)
            if rows.size == 0:
                return seats, unsure
            votes, totals = votes[rows], totals[rows]
        columns = np.ascontiguousarray(votes.T)
        powered = columns**self.power if self.power > 1 else columns
        # Exact below 2**53 (see float_check); elsewhere only an ordering.
        powered_float = powered.astype(np.float64)
        held = self.start(columns, totals)
        self.fill(columns, powered_float, held)
        settled = self.float_check(columns, powered_float, held)
        self.settle(columns, powered, held, settled)
        seats[rows] = held.T
        unsure[rows] = ~settled
        return seats, unsure

    # -- the start and the fill: floats only order the work -----------------------------------

    def start(self, votes: Int64s, totals: Int64s) -> Int64s:
        # Scaled so that a row's seats add up to about the house: an option gets about
        # q + 1/2 - offset seats for q quotas.
        target = max(self.seats + votes.shape[0] * (self.offset - 0.5), self.seats / 2)
        quotas: Floats = votes * (target / totals.astype(np.float64))
        if self.linear:
            held: Floats = np.ceil(quotas - self.offset)
            np.clip(held, 0, self.seats, out=held)
            return held.astype(np.int64)
        found: Indices = np.searchsorted(self.signposts, quotas.ravel(), side="left")
        return found.reshape(votes.shape).astype(np.int64)

    def float_quotients(self, powered: Floats, held: Int64s) -> Floats:
        """``v**p * den(held) / num(held)`` in floats: infinite for a zero divisor, 0 for a
        zero divisor and no votes. With every factor below 2**53 this is the exact quotient,
        correctly rounded."""
        numerators = np.take(self.float_nums, held)
        scaled = powered if self.unit_den else powered * np.take(self.float_dens, held)
        if not self.has_zero:
            quotients: Floats = scaled / numerators
            return quotients
        with np.errstate(divide="ignore", invalid="ignore"):
            quotients = scaled / numerators
        quotients[np.isnan(quotients)] = 0.0
        return quotients

    def fill(self, votes: Int64s, powered: Floats, held: Int64s) -> None:
        """Add seats at the highest next quotients, or take them at the lowest seated ones,
        until each row holds the house."""
        missing = self.seats - held.sum(axis=0)
        everyone = missing.size
        while True:
            adding = np.flatnonzero(missing > 0)
            taking = np.flatnonzero(missing < 0)
            if adding.size == 0 and taking.size == 0:
                return
            if adding.size:
                if adding.size == everyone:
                    some, p, h = votes, powered, held
                else:
                    some, p, h = votes[:, adding], powered[:, adding], held[:, adding]
                quotients = self.float_quotients(p, h)
                best = np.argmax(quotients, axis=0)
                if self.has_zero:
                    # Among infinite quotients, more votes come first.
                    infinite = np.isinf(quotients)
                    by_votes = np.argmax(np.where(infinite, some, -1), axis=0)
                    best = np.where(infinite.any(axis=0), by_votes, best)
                held[best, adding] += 1
                missing[adding] -= 1
            if taking.size:
                some, p, h = votes[:, taking], powered[:, taking], held[:, taking]
                quotients = self.float_quotients(p, np.maximum(h - 1, 0))
                quotients[h == 0] = np.inf  # holds no seat to give back
                worst = np.argmin(quotients, axis=0)
                if self.has_zero:
                    # Only infinite quotients seated: the fewest votes give a seat back.
                    finite = np.isfinite(quotients).any(axis=0)
                    by_votes = np.argmin(np.where(h > 0, some, INT64_MAX), axis=0)
                    worst = np.where(finite, worst, by_votes)
                held[worst, taking] -= 1
                missing[taking] += 1

    def float_check(self, votes: Int64s, powered: Floats, held: Int64s) -> Bools:
        """Rows whose highest next quotient is below the lowest seated one, proven by floats.

        With ``v**p * den`` and ``num`` below 2**53 (votes up to ``float_limit``), every
        factor is an exact float and their product is exact, so each float quotient is the
        exact quotient correctly rounded; rounding is monotone, so if the rounded highest next
        quotient is below the rounded lowest seated one, the exact ones are too. Rows not
        proven here (near-equal quotients among them) go to the exact comparisons.
        """
        if int(votes.max()) > self.float_limit:
            return np.zeros(votes.shape[1], dtype=np.bool_)
        top = self.float_quotients(powered, held).max(axis=0)
        seated = self.float_quotients(powered, np.maximum(held - 1, 0))
        seated[held == 0] = np.inf
        proven: Bools = top < seated.min(axis=0)
        return proven

    # -- the exact part -----------------------------------------------------------------------

    def pairs(self, votes: Int64s, powered: Int64s, held: Int64s) -> tuple[Int64s, Int64s]:
        """The exact quotients ``(a, b)`` of ``votes`` at ``held`` seats."""
        b = np.take(self.nums, held)
        a = powered if self.unit_den else powered * np.take(self.dens, held)
        if self.has_zero:
            infinite = b == 0
            a = np.where(infinite, votes, a)
            b = np.where(infinite & (votes == 0), 1, b)
        return a, b

    def greater(self, a1: Int64s, b1: Int64s, a2: Int64s, b2: Int64s) -> Bools:
        """``a1 / b1 > a2 / b2`` exactly, for quotient pairs (infinities ordered by votes)."""
        above: Bools = a1 * b2 > a2 * b1
        if self.has_zero:
            above |= (b1 == 0) & (b2 == 0) & (a1 > a2)
        return above

    def equal(self, a1: Int64s, b1: Int64s, a2: Int64s, b2: Int64s) -> Bools:
        """``a1 / b1 == a2 / b2`` exactly, for quotient pairs."""
        same: Bools = a1 * b2 == a2 * b1
        if self.has_zero:
            same = np.where((b1 == 0) & (b2 == 0), a1 == a2, same)
        return same

    def extreme(
        self, a: Int64s, b: Int64s, mask: Bools | None, *, highest: bool
    ) -> tuple[Int64s, Int64s, Indices]:
        """Per row, the highest (or lowest) quotient among the options in ``mask``: a
        tournament of exact pairwise comparisons over the options."""
        best_a, best_b = a[0], b[0]
        where = np.zeros(a.shape[1], dtype=np.intp)
        have = None if mask is None else mask[0]
        for option in range(1, a.shape[0]):
            ca, cb = a[option], b[option]
            if highest:
                better = self.greater(ca, cb, best_a, best_b)
            else:
                better = self.greater(best_a, best_b, ca, cb)
            if have is not None and mask is not None:
                better = mask[option] & (better | ~have)
                have = have | mask[option]
            best_a = np.where(better, ca, best_a)
            best_b = np.where(better, cb, best_b)
            where[better] = option
        return best_a, best_b, where

    def settle(self, votes: Int64s, powered: Int64s, held: Int64s, settled: Bools) -> None:
        """Move seats until the highest next quotient is below the lowest seated one, exactly.

        Works on the rows not yet ``settled`` and marks those it settles with a strict gap;
        the others (equal quotients at the last seat, or not settled within the bound) are
        left for the exact path."""
        rows = votes.shape[1]
        pending = np.flatnonzero(~settled)
        for _ in range(2 * votes.shape[0] + 8):
            if pending.size == 0:
                break
            if pending.size == rows:
                v, p, h = votes, powered, held
            else:
                v, p, h = votes[:, pending], powered[:, pending], held[:, pending]
            a, b = self.pairs(v, p, h)
            next_a, next_b, wanting = self.extreme(a, b, None, highest=True)
            seated = h > 0
            a, b = self.pairs(v, p, np.maximum(h - 1, 0))
            last_a, last_b, holding = self.extreme(a, b, seated, highest=False)
            over = self.greater(next_a, next_b, last_a, last_b)
            tie = ~over & self.equal(next_a, next_b, last_a, last_b)
            settled[pending[~over & ~tie]] = True
            moving = pending[over]
            held[holding[over], moving] -= 1
            held[wanting[over], moving] += 1
            pending = moving
