"""Russia: the State Duma, 225 seats by federal lists in parallel with 225 districts.

Law: Federal Law of 22 Feb 2014 No. 20-FZ "On the election of deputies of the State Duma of
the Federal Assembly of the Russian Federation" ("Duma Law"). Art. 88 admits the lists (5% of
the voters who took part), art. 89 shares the seats. The 2014 text was not read: the article
numbers are assumed from the 2005 law, whose seat article (read on consultant.ru) admits the
lists "under art. 82" and then divides by the seats; each citation says so.
The 2021 result (United Russia 126, KPRF 48, LDPR 19, SR 19, New People 13 list seats) is
reproduced exactly by the rule written below, with the threshold taken of the voters who took
part (56,329,690 in 2021: every published percentage is of that number).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from saylau.law.ballots import Base
from saylau.law.citation import Citation
from saylau.law.compose import ParallelElection
from saylau.law.majority import Plurality
from saylau.law.methods.quota import HARE, LargestRemainder
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.thresholds import Share
from saylau.law.tiers import DistrictTier, ListTier
from saylau.law.ties import EARLIER_REGISTRATION, MORE_VOTES, TieRule

LAW = "Duma Law (20-FZ)"
CHECKED = "checked against the CEC 2021 allocation"
NUMBERED = (
    "article number assumed (the 2005 law admitted lists by art. 82, shared seats in the next)"
)

LIST_SEATS = Citation(LAW, "art. 3", "225 deputies by federal lists; " + CHECKED)
THRESHOLD = Citation(
    LAW, "art. 88", "5% and more of the voters who took part; " + NUMBERED + "; " + CHECKED
)
QUOTA = Citation(
    LAW,
    "art. 89",
    "first electoral quotient = votes of the admitted lists / 225, whole parts, then the"
    " largest fractional parts; " + CHECKED,
)
TIES = Citation(
    LAW,
    "art. 89",
    "equal fractional parts: more votes, then the earlier registration (so the 1995 law's"
    " supplement; the 2014 text not read)",
)
DISTRICTS = Citation(LAW, "art. 3", "one deputy per district, most votes (not read)")
FIVE_PERCENT = Fraction(5, 100)


def _duma() -> Rulebook:
    list_tier = ListTier(
        name="Duma federal list tier",
        method=LargestRemainder(HARE, QUOTA),
        threshold=Share(FIVE_PERCENT, Base.PARTICIPANTS, inclusive=True, citation=THRESHOLD),
        seats=225,
        tie_rule=TieRule((MORE_VOTES, EARLIER_REGISTRATION), TIES),
        caps_apply=True,
        citation=LIST_SEATS,
    )
    districts = DistrictTier(
        "Duma single-member districts", Plurality(base=Base.OPTIONS, citation=DISTRICTS), DISTRICTS
    )
    return Rulebook(
        id="ru.duma",
        body="state duma",
        title="State Duma: 225 list seats + 225 single-member districts, in parallel",
        valid_from=date(2014, 2, 24),
        valid_to=None,
        composition=ParallelElection(list_tier, districts, district_count=225),
        provisions=(
            Provision(
                "seats",
                "450 = 225 by federal lists (one federal district) + 225 single-member districts",
                LIST_SEATS,
            ),
            Provision(
                "threshold",
                "5% and more",
                THRESHOLD,
                provisional=True,
                note="the 2014 text not read: the article number is assumed from the 2005 law;"
                " the value reproduces the CEC's 2021 allocation",
            ),
            Provision(
                "threshold base",
                "the voters who took part (ballots found in the boxes); give it as"
                " lists.participants, else lists + invalid ballots are used",
                THRESHOLD,
                provisional=True,
                note="the 2014 text not read (article number assumed); every 2021 CEC"
                " percentage is of the 56,329,690 who took part",
            ),
            Provision(
                "method",
                "Hare quota of the admitted lists' votes + largest remainders",
                QUOTA,
            ),
            Provision(
                "equal remainders",
                "the list with more votes, then the one registered earlier",
                TIES,
                provisional=True,
                note="not read in the law text",
            ),
            Provision(
                "fewer than two lists pass, or the lists passing have 50% or less",
                "further lists are admitted by the law; not modelled here",
                THRESHOLD,
                provisional=True,
                note="never applied since 2016; saylau admits only the lists at 5% and more",
            ),
            Provision(
                "districts",
                "plurality in each single-member district",
                DISTRICTS,
                provisional=True,
                note="not read in the law text",
            ),
            Provision(
                "in force",
                "from 2014-02-24, the publication of the law",
                Citation(LAW),
                provisional=True,
                note="date of entry into force not checked; first applied in 2016",
            ),
        ),
        sources=(
            "Federal Law of 22 Feb 2014 No. 20-FZ",
            "CEC of Russia, results of 19 Sep 2021 (cikrf.ru)",
        ),
        example="examples/ru-duma-2021.json",
    )


RULEBOOKS: tuple[Rulebook, ...] = (_duma(),)
