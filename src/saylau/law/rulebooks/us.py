"""United States: apportionment of the 435 House seats among the 50 states.

Law: the Constitution art. I § 2 and the 14th Amendment § 2 (seats by population, at least
one per state), 2 U.S.C. § 2a (the method of equal proportions, i.e. Huntington-Hill, since
the Act of 15 Nov 1941) and the Act of 8 Aug 1911 with the Reapportionment Act of 1929 (435
seats). A state's priority for its next seat is population / sqrt(n (n + 1)); saylau compares
the squares, exactly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from saylau.law.citation import Citation
from saylau.law.compose import ApportionmentElection
from saylau.law.methods.divisor import HUNTINGTON_HILL
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.tiers import ListTier

EQUAL_PROPORTIONS = Citation("2 U.S.C.", "§ 2a(a)", "the method of equal proportions")
ONE_EACH = Citation(
    "U.S. Constitution", "art. I § 2 cl. 3", "each State shall have at least one Representative"
)
HOUSE = Citation("2 U.S.C.", "§ 2a(a)", "435 seats (Reapportionment Act 1929, Act of 1911)")


def _house() -> Rulebook:
    return Rulebook(
        id="us.house",
        body="house of representatives (apportionment)",
        title="House apportionment: 435 seats, Huntington-Hill, at least one per state",
        valid_from=date(1941, 11, 15),
        valid_to=None,
        composition=ApportionmentElection(
            ListTier(
                name="House apportionment",
                method=replace(HUNTINGTON_HILL, citation=EQUAL_PROPORTIONS),
                threshold=None,
                seats=435,
                caps_apply=False,
                min_seats=1,
                citation=HOUSE,
            ),
            states=50,
        ),
        provisions=(
            Provision("seats", "435", HOUSE),
            Provision("minimum", "one seat per state first", ONE_EACH),
            Provision(
                "method",
                "equal proportions (Huntington-Hill): priority population / sqrt(n(n+1))",
                EQUAL_PROPORTIONS,
            ),
            Provision(
                "population",
                "the apportionment population (residents + federal employees overseas and"
                " their dependants), as the Census Bureau reports it",
                HOUSE,
            ),
            Provision(
                "equal priorities",
                "reported open",
                EQUAL_PROPORTIONS,
                provisional=True,
                note="the statute has no tie rule",
            ),
        ),
        sources=(
            "2 U.S.C. § 2a",
            "https://www.census.gov/data/tables/2020/dec/2020-apportionment-data.html",
        ),
        example="examples/us-house-2020.json",
    )


RULEBOOKS: tuple[Rulebook, ...] = (_house(),)
