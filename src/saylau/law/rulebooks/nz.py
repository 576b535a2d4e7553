"""New Zealand's House of Representatives: mixed-member proportional, dated and cited.

Law: Electoral Act 1993, Part 6 and the list seat allocation of s 191 (Sainte-Laguë, the
threshold of 5% of the party votes or one electorate seat) with overhang kept (s 192 (5)).
The section numbers come from secondary sources; the allocation is reproduced exactly on the
2023 official result.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from saylau.law.ballots import Base
from saylau.law.citation import Citation
from saylau.law.compose import CompensatoryElection
from saylau.law.methods import SAINTE_LAGUE
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.thresholds import AnyOf, DistrictWins, Share
from saylau.law.tiers import Compensatory, OverhangPolicy
from saylau.law.ties import REPORT_TIES

LAW = "Electoral Act 1993"
SECONDARY = "section number from secondary sources"

ALLOCATION = Citation(LAW, "s 191", f"120 seats by Sainte-Laguë (1, 3, 5, ...); {SECONDARY}")
THRESHOLD = Citation(
    LAW, "s 191 (2)", f"at least 5% of all party votes, or one electorate seat; {SECONDARY}"
)
OVERHANG = Citation(
    LAW, "s 192 (5)", f"electorate seats beyond the entitlement are kept; {SECONDARY}"
)


def _parliament() -> Rulebook:
    threshold = AnyOf(
        (
            Share(Fraction(5, 100), Base.OPTIONS, inclusive=True, citation=THRESHOLD),
            DistrictWins(1, THRESHOLD),
        ),
        THRESHOLD,
    )
    return Rulebook(
        id="nz.parliament",
        body="house of representatives",
        title="House of Representatives: 120 seats, mixed-member proportional",
        valid_from=date(1993, 8, 17),
        valid_to=None,
        composition=CompensatoryElection(
            Compensatory(
                name="party vote",
                method=SAINTE_LAGUE,
                threshold=threshold,
                house=120,
                overhang=OverhangPolicy.KEEP,
                tie_rule=REPORT_TIES,
                citation=ALLOCATION,
            )
        ),
        provisions=(
            Provision("seats", "120: electorate seats topped up by list seats", ALLOCATION),
            Provision(
                "threshold", "at least 5% of the party votes, or one electorate seat", THRESHOLD
            ),
            Provision(
                "method",
                "Sainte-Laguë over the qualifying parties; electorate seats won by others come"
                " off the 120 first",
                ALLOCATION,
            ),
            Provision("overhang", "kept: the house grows by the overhang", OVERHANG),
            Provision(
                "equal quotients",
                "reported open until the Electoral Commission's lot is recorded",
                ALLOCATION,
                provisional=True,
                note="lot provision read from secondary sources",
            ),
            Provision(
                "validity",
                "from the Electoral Act 1993 (first used on 12 Oct 1996)",
                ALLOCATION,
                provisional=True,
                note="the date of assent is taken as the start",
            ),
        ),
        sources=("Electoral Act 1993 (NZ)",),
        example="examples/nz-parliament-2023.json",
    )


RULEBOOKS = (_parliament(),)
