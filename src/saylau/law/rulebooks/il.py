"""Israel: the Knesset, 120 seats in one nationwide constituency, with surplus agreements.

Law: Knesset Elections Law [Consolidated Version] 5729-1969 ("Elections Law"), ss. 81-82 as
described by the Knesset's own lexicon ("The Distribution of Knesset Seats Among the Lists -
the Bader-Offer Method", knesset.gov.il); the threshold of 3.25% since the amendment of
March 2014. The Hebrew text was not read: the citations say so. The 2022 result (Likud 32,
Yesh Atid 24, Religious Zionism 14, National Unity 12, Shas 11, ...) is reproduced exactly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

from saylau.law.ballots import Base
from saylau.law.citation import Citation
from saylau.law.compose import AgreementListElection
from saylau.law.methods.divisor import DHONDT
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.thresholds import Share
from saylau.law.tiers import AgreementListTier
from saylau.law.ties import REPORT_TIES

LAW = "Knesset Elections Law"
LEXICON = "as summarised by the Knesset lexicon; Hebrew text not read"
UNREAD = "the Hebrew text not read: taken from the Knesset lexicon; reproduces the 2022 result"

THRESHOLD = Citation(LAW, "s. 81", "lists below 3.25% of the valid votes take no part; " + LEXICON)
BADER_OFER = Citation(
    LAW,
    "s. 81",
    "general quota = votes of qualifying lists / 120; whole quotas, then each remaining seat"
    " to the highest votes / (seats + 1) (Bader-Ofer = D'Hondt); " + LEXICON,
)
AGREEMENTS = Citation(
    LAW,
    "s. 81",
    "two lists may agree before the election to be counted as one for the remaining seats;"
    " the pair's seats are then divided between them by the same rule; " + LEXICON,
)
SEAT_RULE = Citation(LAW, "s. 81", "Bader-Ofer = D'Hondt")
TIES = Citation(LAW, "", "equal quotients at the last seat: rule not found")
THREE_AND_A_QUARTER = Fraction(13, 400)


def _knesset() -> Rulebook:
    return Rulebook(
        id="il.knesset",
        body="knesset",
        title="Knesset: 120 seats, D'Hondt (Bader-Ofer) with surplus agreements, 3.25%",
        valid_from=date(2014, 3, 11),
        valid_to=None,
        composition=AgreementListElection(
            AgreementListTier(
                name="Knesset",
                method=replace(DHONDT, citation=SEAT_RULE),
                threshold=Share(THREE_AND_A_QUARTER, Base.OPTIONS, True, THRESHOLD),
                seats=120,
                tie_rule=REPORT_TIES,
                citation=BADER_OFER,
                agreement_citation=AGREEMENTS,
            )
        ),
        provisions=(
            Provision(
                "seats",
                "120 in one nationwide constituency",
                BADER_OFER,
                provisional=True,
                note=UNREAD,
            ),
            Provision(
                "threshold",
                "3.25% and more of the valid votes",
                THRESHOLD,
                provisional=True,
                note=UNREAD,
            ),
            Provision(
                "method", "Bader-Ofer, which is D'Hondt", BADER_OFER, provisional=True, note=UNREAD
            ),
            Provision(
                "surplus agreements",
                "a pair of lists counts as one option; its seats are split between the two by"
                " D'Hondt; an agreement with a list below the threshold lapses",
                AGREEMENTS,
                provisional=True,
                note="the split within the pair follows the lexicon's description",
            ),
            Provision(
                "equal quotients",
                "reported open for a recorded drawing of lots",
                TIES,
                provisional=True,
                note="no tie rule found",
            ),
            Provision(
                "in force",
                "from 2014-03-11, when the threshold was raised to 3.25%",
                THRESHOLD,
                provisional=True,
                note="date of the Knesset vote; the threshold was 2% before",
            ),
        ),
        sources=(
            "Knesset Elections Law [Consolidated Version] 5729-1969",
            "https://knesset.gov.il/lexicon/eng/seats_eng.htm",
        ),
        example="examples/il-knesset-2022.json",
    )


RULEBOOKS: tuple[Rulebook, ...] = (_knesset(),)
