"""France: the President of the Republic, two rounds by absolute majority.

Law: the Constitution of 1958, art. 7: elected by the absolute majority of the votes cast
("suffrages exprimés"); otherwise a second round fourteen days later between the two
candidates with most votes in the first round (after any better-placed withdraw); Law
No. 62-1292 of 6 Nov 1962 (election by universal suffrage). Blank and null ballots are not
votes cast (Electoral Code art. L65-L66, made applicable by the 1962 law).
"""

from __future__ import annotations

from datetime import date

from saylau.law.ballots import Base
from saylau.law.citation import Citation
from saylau.law.compose import SingleWinnerElection
from saylau.law.majority import AbsoluteMajority, Plurality
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.tiers import DistrictTier

MAJORITY = Citation("Constitution of 1958", "art. 7 para. 1", "absolute majority of votes cast")
RUNOFF = Citation(
    "Constitution of 1958",
    "art. 7 para. 1",
    "second round between the two with most votes in the first round, after withdrawals",
)
BLANK = Citation("Electoral Code", "art. L65", "blank and null ballots are not votes cast")


def _president() -> Rulebook:
    majority = AbsoluteMajority(
        base=Base.OPTIONS,
        citation=MAJORITY,
        runoff_citation=RUNOFF,
        runoff_rule=Plurality(base=Base.OPTIONS, citation=RUNOFF),
    )
    return Rulebook(
        id="fr.president",
        body="president",
        title="President of the Republic: absolute majority of votes cast, else a runoff",
        valid_from=date(1962, 11, 6),
        valid_to=None,
        composition=SingleWinnerElection(
            DistrictTier("Presidential election", majority, MAJORITY),
            seats_by_party=False,
            contests=1,
        ),
        provisions=(
            Provision("first round", "more than 50% of the votes cast", MAJORITY),
            Provision(
                "votes cast",
                "votes for candidates; blank and null ballots are recorded, not counted",
                BLANK,
            ),
            Provision("second round", "the top two; the higher count wins", RUNOFF),
            Provision(
                "withdrawals",
                "a better-placed candidate may withdraw before the runoff: the runoff file"
                " names its two candidates",
                RUNOFF,
                provisional=True,
                note="saylau names the top two; a withdrawal is not modelled",
            ),
        ),
        sources=(
            "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000045570394",
            "Conseil constitutionnel, proclamation of 27 Apr 2022",
        ),
        example="examples/fr-president-2022-round1.json",
    )


RULEBOOKS: tuple[Rulebook, ...] = (_president(),)
