"""Norway: the Storting's 150 county seats, modified Sainte-Laguë in each county.

Law: the Constitution art. 57-59 (169 members; 19 levelling seats) and the Representation of
the People Act of 28 June 2002 No. 57 ("Election Act 2002") § 11-4, replaced from 1 Jan 2024 by
the Election Act of 16 June 2023 No. 62 ("Election Act 2023"). In each county the county seats
(all but one, the levelling seat) go to the highest quotients of votes / 1.4, 3, 5, 7, ...;
there is no threshold for county seats. The levelling seats are a compensatory tier, not
modelled here: this rulebook gives the 150 county seats only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

from saylau.law.citation import Citation
from saylau.law.compose import ConstituencyElection
from saylau.law.methods.divisor import modified_sainte_lague
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.tiers import ListTier
from saylau.law.ties import MORE_VOTES, TieRule

CONSTITUTION = Citation(
    "Constitution of Norway", "art. 57", "169 members, 19 of them levelling seats, one a county"
)


def _county_seats(
    valid_from: date, valid_to: date | None, act: str, article: str, unread: str = ""
) -> Rulebook:
    """The county seats under ``act``; ``unread`` says why its seat section could not be
    verified (its provisions are then provisional)."""
    method_rule = Citation(act, article, "votes / 1.4, 3, 5, 7, ... in each county")
    ties = Citation(
        act, article, "equal quotients: the party with more votes, then lots (not read)"
    )
    tier = ListTier(
        name="Storting county seats",
        method=replace(modified_sainte_lague(Fraction(7, 5)), citation=method_rule),
        threshold=None,
        seats=None,
        tie_rule=TieRule((MORE_VOTES,), ties),
        caps_apply=False,
        citation=method_rule,
    )
    return Rulebook(
        id="no.storting.county",
        body="storting",
        title="Storting: 150 county seats, modified Sainte-Laguë (1.4) in each of 19 counties",
        valid_from=valid_from,
        valid_to=valid_to,
        composition=ConstituencyElection(tier, house=150, constituencies=19, citation=CONSTITUTION),
        provisions=(
            Provision(
                "seats",
                "150 county seats in 19 constituencies; each county's county seats (its seats"
                " less the one levelling seat) are given with the ballots",
                CONSTITUTION,
            ),
            Provision(
                "threshold",
                "none for county seats",
                method_rule,
                provisional=bool(unread),
                note=unread,
            ),
            Provision(
                "method",
                "modified Sainte-Laguë, first divisor 1.4",
                method_rule,
                provisional=bool(unread),
                note=unread,
            ),
            Provision(
                "equal quotients", "more votes, then lots", ties, provisional=True, note="not read"
            ),
            Provision(
                "levelling seats",
                "19 seats for parties at 4% nationally, compensatory: not modelled here",
                CONSTITUTION,
                provisional=True,
                note="the compensatory composition is another branch's work",
            ),
        ),
        sources=(act, "valg.no (Valgdirektoratet), results by county"),
        example="examples/no-storting-2021.json",
    )


RULEBOOKS: tuple[Rulebook, ...] = (
    _county_seats(
        date(2005, 1, 1),
        date(2024, 1, 1),
        "Election Act 2002",
        "§ 11-4",
    ),
    _county_seats(
        date(2024, 1, 1),
        None,
        "Election Act 2023",
        "ch. 14 (section not read)",
        unread="the 2023 act's section on county seats not read: the 2002 act's rule"
        " (§ 11-4) is carried over",
    ),
)
