"""Germany's Bundestag, dated and cited.

Law: Bundeswahlgesetz (BWahlG, Federal Elections Act), as amended by the Twenty-fifth amending
act of 14 Nov 2020 (BGBl. I S. 2395; used at the election of 26 Sep 2021) and by the act of
8 Jun 2023 (BGBl. 2023 I Nr. 147; used at the election of 23 Feb 2025). The Federal
Constitutional Court's judgment of 30 Jul 2024 (2 BvF 1/23) kept the three-district path of
the threshold (Grundmandatsklausel) in force for 2025.

The paragraph numbers of the 2020 text follow the Federal Returning Officer's publications
(its notice of 9 Sep 2021 cites § 6 (2) sentence 1 for the Land quotas); the wording of every
paragraph could not be read, and what that leaves open is a provisional provision.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from saylau.law.ballots import Base
from saylau.law.citation import Citation
from saylau.law.compose import CoveredDistrictsElection, LevelledRegionsElection
from saylau.law.federal import CoveredDistricts, LevelledRegions
from saylau.law.methods import SAINTE_LAGUE
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.thresholds import AnyOf, DistrictWins, Exempt, Share
from saylau.law.ties import REPORT_TIES

LAW = "BWahlG"
NOTE_2020 = "as amended 14 Nov 2020"
NOTE_2023 = "as amended 8 Jun 2023"

# -- 2020 law (used in 2021) ---------------------------------------------------------------

SIZE_2020 = Citation(LAW, "§ 1 (1)", f"598 members, subject to § 6; {NOTE_2020}")
THRESHOLD_2020 = Citation(
    LAW, "§ 6 (3)", f"5% of the valid second votes or 3 districts; minorities exempt; {NOTE_2020}"
)
LAND_QUOTAS = Citation(
    LAW, "§ 6 (2) sentence 1", f"Länder by German population, Sainte-Laguë/Schepers; {NOTE_2020}"
)
PARTY_QUOTAS = Citation(LAW, "§ 6 (2)", f"each Land's seats to its party lists; {NOTE_2020}")
MINIMUM_2020 = Citation(
    LAW,
    "§ 6 (4)",
    "per Land the greater of the district seats and the mean of quota and district seats,"
    f" rounded up; {NOTE_2020}",
)
INCREASE_2020 = Citation(
    LAW,
    "§ 6 (5)",
    f"the house grows until each party has its minimum; up to 3 overhang seats uncompensated;"
    f" {NOTE_2020}",
)
SAINTE_LAGUE_2020 = Citation(LAW, "§ 6 (2)", "Sainte-Laguë/Schepers (divisors 0.5, 1.5, ...)")

# -- 2023 law (used from 2025) -------------------------------------------------------------

SIZE_2023 = Citation(LAW, "§ 1 (1)", f"630 members; {NOTE_2023}")
THRESHOLD_2023 = Citation(
    LAW,
    "§ 4 (2) sentences 2-3",
    "5% of the valid second votes or 3 districts (kept by BVerfG 2 BvF 1/23, 30 Jul 2024);"
    f" national minorities exempt; {NOTE_2023}",
)
ALLOCATION_2023 = Citation(
    LAW, "§ 4", f"630 seats to the parties, Sainte-Laguë/Schepers; {NOTE_2023}"
)
LISTS_2023 = Citation(LAW, "§ 5", f"each party's seats to its Land lists; {NOTE_2023}")
COVERAGE_2023 = Citation(
    LAW,
    "§ 6 (1)",
    "district winners seated in the order of their first-vote share while the Land list's seats"
    f" cover them (Zweitstimmendeckung); {NOTE_2023}",
)

FIVE_PERCENT = Fraction(5, 100)
MINORITIES = ("SSW",)


def _threshold(citation: Citation) -> AnyOf:
    return AnyOf(
        (
            Share(FIVE_PERCENT, Base.OPTIONS, inclusive=True, citation=citation),
            DistrictWins(3, citation),
            Exempt(MINORITIES, citation),
        ),
        citation,
    )


MINORITY_PROVISION = Provision(
    "national minorities",
    "the threshold does not apply to the lists of national minorities: SSW",
    THRESHOLD_2023,
    provisional=True,
    note="who is a party of a national minority is decided by the electoral committee, not"
    " counted; the rulebook names SSW, the only such party since 1949",
)
TIES = Provision(
    "equal quotients",
    "reported open until the lot drawn by the Federal Returning Officer is recorded",
    Citation(LAW, "§ 6 (2)", "the last seat by lot"),
    provisional=True,
    note="the lot provision is read from secondary sources",
)


def _bundestag_2020() -> Rulebook:
    return Rulebook(
        id="de.bundestag",
        body="bundestag",
        title="Bundestag: 598 seats, Land quotas, minimum seats, enlargement (2020 law)",
        valid_from=date(2020, 11, 14),
        valid_to=date(2023, 6, 14),
        composition=LevelledRegionsElection(
            LevelledRegions(
                name="Bundestag",
                house=598,
                method=SAINTE_LAGUE,
                threshold=_threshold(THRESHOLD_2020),
                uncompensated=3,
                tie_rule=REPORT_TIES,
                regions_citation=LAND_QUOTAS,
                quota_citation=PARTY_QUOTAS,
                minimum_citation=MINIMUM_2020,
                increase_citation=INCREASE_2020,
            )
        ),
        provisions=(
            Provision("seats", "598 before enlargement; 299 constituencies", SIZE_2020),
            Provision(
                "threshold",
                "at least 5% of the valid second votes, or 3 constituencies won",
                THRESHOLD_2020,
            ),
            MINORITY_PROVISION,
            Provision("method", "Sainte-Laguë/Schepers at every stage", SAINTE_LAGUE_2020),
            Provision(
                "first distribution",
                "598 seats (less constituencies won outside the list allocation) to the Länder"
                " by German population; each Land's seats to the parties by second votes",
                LAND_QUOTAS,
            ),
            Provision(
                "minimum seats",
                "per Land: the greater of the constituencies won and the mean of quota and"
                " constituencies, rounded up; a party's minimum is the sum over the Länder",
                MINIMUM_2020,
                provisional=True,
                note="the per-Land rule as the Federal Returning Officer describes it; whether"
                " the party's minimum is also at least the sum of its quotas is not read (it"
                " does not change the 2021 result)",
            ),
            Provision(
                "enlargement",
                "the smallest house in which every party reaches its minimum, up to 3 overhang"
                " seats left uncompensated; then the parties' seats by second votes nationally",
                INCREASE_2020,
                provisional=True,
                note="the three seats spared are those that would enlarge the house most: the"
                " binding party's, one at a time (2021: CSU 3)",
            ),
            Provision(
                "Land lists",
                "the distribution of each party's seats to its Land lists is not computed",
                INCREASE_2020,
                provisional=True,
                note="not modelled: the seats by party are decided without it",
            ),
            TIES,
        ),
        sources=(
            "BWahlG as amended by the 25th amending act of 14 Nov 2020 (BGBl. I S. 2395)",
            "Federal Returning Officer, 'Sitzkontingente der Länder', notice of 9 Sep 2021",
        ),
        example="examples/de-bundestag-2021.json",
    )


def _bundestag_2023() -> Rulebook:
    return Rulebook(
        id="de.bundestag",
        body="bundestag",
        title="Bundestag: 630 seats, second-vote coverage of constituencies (2023 law)",
        valid_from=date(2023, 6, 14),
        valid_to=None,
        composition=CoveredDistrictsElection(
            CoveredDistricts(
                name="Bundestag",
                house=630,
                method=SAINTE_LAGUE,
                threshold=_threshold(THRESHOLD_2023),
                tie_rule=REPORT_TIES,
                allocation_citation=ALLOCATION_2023,
                lists_citation=LISTS_2023,
                coverage_citation=COVERAGE_2023,
            )
        ),
        provisions=(
            Provision("seats", "630; 299 constituencies; no overhang, no levelling", SIZE_2023),
            Provision(
                "threshold",
                "at least 5% of the valid second votes, or 3 constituencies won",
                THRESHOLD_2023,
            ),
            MINORITY_PROVISION,
            Provision(
                "method",
                "Sainte-Laguë/Schepers: 630 seats (less independent winners) to the parties,"
                " then each party's seats to its Land lists",
                ALLOCATION_2023,
            ),
            Provision(
                "second-vote coverage",
                "a constituency winner is seated only while the Land list's seats cover the"
                " party's winners, ranked by first-vote share; the rest are not seated",
                COVERAGE_2023,
            ),
            TIES,
        ),
        sources=(
            "BWahlG as amended 8 Jun 2023 (BGBl. 2023 I Nr. 147)",
            "BVerfG, judgment of 30 Jul 2024, 2 BvF 1/23",
        ),
        example="examples/de-bundestag-2025.json",
        notes="valid from the day after promulgation (13 Jun 2023), as the act provides for"
        " most of its articles",
    )


RULEBOOKS = (_bundestag_2020(), _bundestag_2023())
