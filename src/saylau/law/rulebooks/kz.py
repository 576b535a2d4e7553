"""Kazakhstan's rulebooks, dated and cited.

Law: Constitutional Law "On Elections in the Republic of Kazakhstan" No. 2464 of 28 Sep 1995
("Elections Law"), as amended (19 Jun 2007 No. 268; 9 Feb 2009 No. 124-IV; 5 Nov 2022
No. 156-VII); Constitutional Law "On the Republican Referendum" No. 2592 of 2 Nov 1995
("Referendum Law"); the Constitution of 1995 as amended on 5 Jun 2022, and the Constitution
adopted by referendum on 15 Mar 2026, in force 1 Jul 2026. Text: adilet.zan.kz (Z950002464_).

How sure each citation is, is written in its note. Article numbers were checked where a law
text could be read (an English translation of the c. 2009 wording, IDEA's quotation of the
2022 wording); the current text of art. 97-1 could not be read. Every provision whose content
is not verified is a :class:`Provision` flagged ``provisional``, with the default the spec
gives; ``saylau rulebooks`` lists them.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from saylau.law.ballots import Base
from saylau.law.citation import Citation
from saylau.law.compose import (
    ListElection,
    ParallelElection,
    ReferendumElection,
    SingleWinnerElection,
)
from saylau.law.majority import AbsoluteMajority, ElectorsMajority, Plurality, Referendum
from saylau.law.methods.quota import HARE, LargestRemainder
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.thresholds import Share
from saylau.law.tiers import DistrictTier, ListTier
from saylau.law.ties import EARLIER_REGISTRATION, TieRule

LAW = "Elections Law"
REFERENDUM_LAW = "Referendum Law"
UNREAD = "article number from secondary sources; current text not read"


def cite(article: str, note: str = "") -> Citation:
    return Citation(LAW, article, note)


# -- the provisions, each cited once ---------------------------------------------------------

MAZHILIS_LIST_ALLOCATION = cite("art. 97-1", UNREAD)
"""Seats of the Mazhilis list tier: quota = votes of admitted lists / seats, whole seats, then
the largest remainders. The 2023 CEC allocation is reproduced exactly by this rule."""
MAZHILIS_THRESHOLD = cite("art. 97-1", "5% since 2022 (7% before); " + UNREAD)
MAZHILIS_TIES = cite(
    "art. 97-1", "equal remainders: the list registered earlier (IPU summary of the 2009 text)"
)
MAZHILIS_CAPS = cite("art. 97-1", "a list shorter than its seats: not found in any source")
MAZHILIS_DISTRICTS = cite(
    "art. 9 p. 2", "mixed system; in a district, most votes of those who took part (2022 text)"
)
AGAINST_ALL_FIRST = cite("", "'against all' first, or equal leaders: not found in any source")
OLD_MAZHILIS_RUNNER_UP = cite(
    "art. 97 pp. 1-3 (c. 2009 wording)",
    "if one list passes 7%, the next list is admitted too; guaranteed seats not read (IPU:"
    " at least two)",
)
PRESIDENT_MAJORITY = Citation(
    "Constitution", "art. 41 p. 5; Elections Law art. 9 p. 1", "more than 50% of those who voted"
)
PRESIDENT_RUNOFF = Citation(
    "Constitution", "art. 41 p. 5; Elections Law art. 63", "repeat voting between the top two"
)
MASLIKHAT_LISTS = cite("art. 9 p. 2", "mixed 50/50 since 2023; list rules as for the Mazhilis")
MASLIKHAT_DISTRICTS = cite("art. 9 p. 2", "most votes of those who took part")
SENATE_MAJORITY = cite("art. 9 p. 1", "more than 50% of the electors who took part (c. 2009)")
SENATE_RUNOFF = cite("art. 9 p. 1", "repeat vote: more votes than the other (c. 2009 wording)")
AKIM_RULE = cite("", "akim elections: winning rule not found; results fit plurality")
REFERENDUM_VALIDITY = Citation(REFERENDUM_LAW, "", "more than half took part; article not read")
REFERENDUM_ADOPTION = Citation(
    REFERENDUM_LAW, "", "more than half of participants; article not read"
)
REFERENDUM_REGIONS = Citation(
    REFERENDUM_LAW, "", "constitutional questions: two thirds of the regions; article not read"
)
KURULTAI_LISTS = Citation(
    "Constitution (2026)", "", "145 deputies by party lists; threshold and method not published"
)

EARLIER_REGISTERED_FIRST = TieRule((EARLIER_REGISTRATION,), MAZHILIS_TIES)
"""Equal remainders go to the list registered earlier."""

FIVE_PERCENT = Fraction(5, 100)
SEVEN_PERCENT = Fraction(7, 100)


def _share(share: Fraction, citation: Citation, base: Base = Base.OPTIONS_AND_AGAINST_ALL) -> Share:
    return Share(share, base, inclusive=True, citation=citation)


def _list_tier(
    name: str,
    seats: int | None,
    threshold: Share,
    citation: Citation,
    *,
    min_lists: int = 1,
    runner_up_seats: int = 0,
) -> ListTier:
    return ListTier(
        name=name,
        method=LargestRemainder(HARE, citation),
        threshold=threshold,
        seats=seats,
        tie_rule=EARLIER_REGISTERED_FIRST,
        caps_apply=True,
        min_lists=min_lists,
        runner_up_seats=runner_up_seats,
        citation=citation,
        min_lists_citation=OLD_MAZHILIS_RUNNER_UP,
    )


DISTRICT_PLURALITY = Plurality(
    base=Base.OPTIONS_AND_AGAINST_ALL,
    citation=MAZHILIS_DISTRICTS,
    against_all_citation=AGAINST_ALL_FIRST,
)

# -- common provisions -------------------------------------------------------------------

THRESHOLD_BASE = Provision(
    "threshold base",
    "votes for all lists plus 'against all'",
    MAZHILIS_THRESHOLD,
    provisional=True,
    note="reproduces every published CEC percentage; the c. 2009 wording speaks of 'the"
    " votes of voters who took part', which may mean all ballots received (spec §2.1)",
)
TIE_RULE = Provision("equal remainders", "the list registered earlier wins", MAZHILIS_TIES)
CAPS = Provision(
    "short lists",
    "a list keeps no more seats than it has candidates; the next largest remainder takes the seat",
    MAZHILIS_CAPS,
    provisional=True,
    note="spec §2.6",
)
AGAINST_ALL_PROVISION = Provision(
    "'against all' first, or equal leaders",
    "reported open (repeat_election_required / tie); nobody is declared",
    AGAINST_ALL_FIRST,
    provisional=True,
    note="spec §3",
)


RUNNER_UP = Provision(
    "runner-up list",
    "if only one list passes, the best-placed other list is admitted to the allocation and"
    " keeps at least 2 seats",
    OLD_MAZHILIS_RUNNER_UP,
    provisional=True,
    note="amendment of 9 Feb 2009 No. 124-IV (its date of entry into force is taken as the"
    " date of the law); art. 97 pp. 1-3 in a c. 2009 English translation: the runner-up is"
    " admitted and the quota is the two lists' votes / seats; the translation also applies a"
    " 0.7 correction factor to the runner-up's quotas (not modelled); following IPU, the"
    " runner-up is guaranteed at least two seats, taken from the list that passed",
)


def _mazhilis_lists_only(valid_from: date, valid_to: date, runner_up: bool) -> Rulebook:
    """The Mazhilis of 98 list seats at 7%: from 2007, and with the runner-up rule from 2009."""
    provisions = [
        Provision(
            "seats",
            "98 by party lists in one nationwide constituency (+9 elected by"
            " the Assembly of People, out of scope)",
            MAZHILIS_LIST_ALLOCATION,
        ),
        Provision("threshold", "7% and more", MAZHILIS_THRESHOLD),
        THRESHOLD_BASE,
        Provision(
            "method",
            "quota (votes of admitted lists / seats) + largest remainder",
            MAZHILIS_LIST_ALLOCATION,
        ),
        TIE_RULE,
        CAPS,
    ]
    if runner_up:
        provisions.append(RUNNER_UP)
    era = f"{valid_from.year}-{valid_to.year}"
    return Rulebook(
        id="kz.mazhilis",
        body="mazhilis",
        title=f"Mazhilis: 98 seats by party lists ({era})",
        valid_from=valid_from,
        valid_to=valid_to,
        composition=ListElection(
            _list_tier(
                "Mazhilis list tier",
                98,
                _share(SEVEN_PERCENT, MAZHILIS_THRESHOLD),
                MAZHILIS_LIST_ALLOCATION,
                min_lists=2 if runner_up else 1,
                runner_up_seats=2 if runner_up else 0,
            )
        ),
        provisions=tuple(provisions),
        sources=(
            "Elections Law as amended 9 Feb 2009 No. 124-IV"
            if runner_up
            else "Elections Law as amended 19 Jun 2007 No. 268",
        ),
        example="examples/kz-mazhilis-2021.json",
    )


def _mazhilis_2022() -> Rulebook:
    return Rulebook(
        id="kz.mazhilis",
        body="mazhilis",
        title="Mazhilis: 69 list seats + 29 single-member districts, in parallel (2022-2026)",
        valid_from=date(2022, 11, 5),
        valid_to=date(2026, 7, 1),
        composition=ParallelElection(
            _list_tier(
                "Mazhilis list tier",
                69,
                _share(FIVE_PERCENT, MAZHILIS_THRESHOLD),
                MAZHILIS_LIST_ALLOCATION,
            ),
            DistrictTier(
                "Mazhilis single-member districts", DISTRICT_PLURALITY, MAZHILIS_DISTRICTS
            ),
            district_count=29,
        ),
        provisions=(
            Provision(
                "seats",
                "98 = 69 by party lists (one nationwide constituency) + 29"
                " single-member territorial districts",
                MAZHILIS_LIST_ALLOCATION,
            ),
            Provision(
                "composition",
                "parallel: the two tiers are independent and add up",
                MAZHILIS_LIST_ALLOCATION,
            ),
            Provision(
                "threshold",
                "5% and more ('5 and more percent': exactly 5% passes)",
                MAZHILIS_THRESHOLD,
            ),
            THRESHOLD_BASE,
            Provision(
                "method",
                "quota (votes of admitted lists / 69) + largest remainder",
                MAZHILIS_LIST_ALLOCATION,
            ),
            TIE_RULE,
            CAPS,
            Provision(
                "districts",
                "plurality of the votes; 'against all' counts in the base but cannot win",
                MAZHILIS_DISTRICTS,
            ),
            AGAINST_ALL_PROVISION,
            Provision("turnout", "no turnout requirement", MAZHILIS_DISTRICTS),
        ),
        sources=("Constitutional Law of 5 Nov 2022 No. 156-VII",),
        example="examples/kz-mazhilis-2023.json",
    )


def _kurultai_2026() -> Rulebook:
    return Rulebook(
        id="kz.kurultai",
        body="kurultai",
        title="Kurultai: 145 deputies by party lists (from 2026-07-01)",
        valid_from=date(2026, 7, 1),
        valid_to=None,
        composition=ListElection(
            _list_tier(
                "Kurultai list tier", 145, _share(FIVE_PERCENT, KURULTAI_LISTS), KURULTAI_LISTS
            )
        ),
        provisions=(
            Provision(
                "seats",
                "145 by party lists in one nationwide constituency, 5-year term",
                KURULTAI_LISTS,
            ),
            Provision(
                "threshold",
                "5% and more",
                KURULTAI_LISTS,
                provisional=True,
                note="unverified; assumed as for the Mazhilis (spec §1)",
            ),
            Provision(
                "method",
                "quota + largest remainder, ties to the earlier registration",
                KURULTAI_LISTS,
                provisional=True,
                note="unverified; assumed as for the Mazhilis (spec §1)",
            ),
            THRESHOLD_BASE,
            CAPS,
        ),
        sources=("Constitution adopted by referendum on 15 Mar 2026, in force 1 Jul 2026",),
        example="examples/kz-kurultai-2026.json",
    )


def _president(valid_from: date, valid_to: date | None, base: Base, against_all: bool) -> Rulebook:
    majority = AbsoluteMajority(
        base=base,
        citation=PRESIDENT_MAJORITY,
        runoff_citation=PRESIDENT_RUNOFF,
        runoff_rule=Plurality(
            base=base, citation=PRESIDENT_RUNOFF, against_all_citation=AGAINST_ALL_FIRST
        ),
    )
    era = "single 7-year term" if against_all else "before the 2022 amendments"
    provisions = [
        Provision(
            "majority", f"more than 50% of {base.describe('candidates')}", PRESIDENT_MAJORITY
        ),
        Provision(
            "runoff",
            "otherwise the top two go to a runoff within two months; the higher count wins",
            PRESIDENT_RUNOFF,
        ),
        Provision("turnout", "no turnout requirement", PRESIDENT_MAJORITY),
    ]
    if against_all:
        provisions.append(
            Provision(
                "base",
                "candidate votes + 'against all' (invalid ballots excluded)",
                PRESIDENT_MAJORITY,
                note="reproduces the 2022 CEC figures (spec §4)",
            )
        )
        provisions.append(
            Provision(
                "single term",
                "a person who has served under the 2022 rules is not"
                " eligible (a registration matter, not a counting rule)",
                Citation("Constitution", "art. 42 p. 5"),
            )
        )
    else:
        provisions.append(
            Provision(
                "base",
                "valid votes (no 'against all' on the ballot)",
                PRESIDENT_MAJORITY,
                provisional=True,
                note="reproduces the 2019 CEC percentages",
            )
        )
    return Rulebook(
        id="kz.president",
        body="president",
        title=f"President ({era})",
        valid_from=valid_from,
        valid_to=valid_to,
        composition=SingleWinnerElection(
            DistrictTier("Presidential election", majority), seats_by_party=False, contests=1
        ),
        provisions=tuple(provisions),
        example="examples/kz-president-2022.json"
        if against_all
        else "examples/kz-president-2019.json",
    )


def _maslikhat_mixed() -> Rulebook:
    return Rulebook(
        id="kz.maslikhat.oblast",
        body="maslikhat of an oblast, Astana, Almaty or Shymkent",
        title="Oblast and city maslikhats: half by party lists, half single-member districts",
        valid_from=date(2022, 11, 5),
        valid_to=None,
        composition=ParallelElection(
            _list_tier(
                "maslikhat list tier", None, _share(FIVE_PERCENT, MASLIKHAT_LISTS), MASLIKHAT_LISTS
            ),
            DistrictTier(
                "maslikhat single-member districts",
                Plurality(citation=MASLIKHAT_DISTRICTS, against_all_citation=AGAINST_ALL_FIRST),
            ),
        ),
        provisions=(
            Provision(
                "seats",
                "mixed 50/50; the number of list seats is given with the ballots (list_seats)",
                MASLIKHAT_LISTS,
            ),
            Provision("threshold", "5% and more", MASLIKHAT_LISTS),
            THRESHOLD_BASE,
            Provision("method", "quota + largest remainder, as for the Mazhilis", MASLIKHAT_LISTS),
            TIE_RULE,
            CAPS,
            AGAINST_ALL_PROVISION,
        ),
        example="examples/kz-maslikhat-astana-2023.json",
    )


def _maslikhat_districts() -> Rulebook:
    return Rulebook(
        id="kz.maslikhat.district",
        body="maslikhat of a district or a city of regional significance",
        title="District maslikhats: all seats in single-member districts",
        valid_from=date(2022, 11, 5),
        valid_to=None,
        composition=SingleWinnerElection(
            DistrictTier(
                "maslikhat single-member districts",
                Plurality(citation=MASLIKHAT_DISTRICTS, against_all_citation=AGAINST_ALL_FIRST),
            )
        ),
        provisions=(
            Provision("districts", "plurality in each single-member district", MASLIKHAT_DISTRICTS),
            AGAINST_ALL_PROVISION,
        ),
        example="examples/kz-maslikhat-district-2023.json",
    )


def _senate() -> Rulebook:
    majority = AbsoluteMajority(
        base=Base.BALLOTS_CAST,
        citation=SENATE_MAJORITY,
        runoff_citation=SENATE_RUNOFF,
        runoff_rule=Plurality(base=Base.BALLOTS_CAST, citation=SENATE_RUNOFF),
    )
    return Rulebook(
        id="kz.senate",
        body="senate",
        title="Senate: two deputies per region elected by maslikhat deputies (until 2026-07-01)",
        valid_from=date(1995, 9, 28),
        valid_to=date(2026, 7, 1),
        composition=SingleWinnerElection(
            DistrictTier("Senate seats", ElectorsMajority(majority), SENATE_MAJORITY)
        ),
        provisions=(
            Provision(
                "electors",
                "deputies of all maslikhats of the region, at a joint session",
                SENATE_MAJORITY,
            ),
            Provision(
                "majority", "more than half of the votes of the electors who voted", SENATE_MAJORITY
            ),
            Provision(
                "runoff",
                "a second vote between the top two; the higher count wins",
                SENATE_RUNOFF,
                provisional=True,
                note="read in the c. 2009 wording only; the current text is not verified",
            ),
            Provision(
                "abolished",
                "the 2026 Constitution abolishes the Senate",
                Citation("Constitution (2026)"),
            ),
        ),
        example="examples/kz-senate-2023.json",
    )


def _akim(
    rulebook_id: str,
    title: str,
    valid_from: date,
    minimum: str,
    example: str,
    min_candidates: int = 1,
) -> Rulebook:
    return Rulebook(
        id=rulebook_id,
        body="akim",
        title=title,
        valid_from=valid_from,
        valid_to=None,
        composition=SingleWinnerElection(
            DistrictTier(
                "akim election",
                Plurality(citation=AKIM_RULE, against_all_citation=AGAINST_ALL_FIRST),
            ),
            seats_by_party=False,
            min_candidates=min_candidates,
        ),
        provisions=(
            Provision(
                "winner",
                "plurality of the votes; 'against all' on the ballot",
                AKIM_RULE,
                provisional=True,
                note="spec §1: results fit plurality",
            ),
            Provision("candidates", minimum, AKIM_RULE, provisional=True, note="spec §1"),
            AGAINST_ALL_PROVISION,
        ),
        example=example,
    )


def _referendum() -> Rulebook:
    return Rulebook(
        id="kz.referendum",
        body="republican referendum",
        title="Republican referendum",
        valid_from=date(1995, 11, 2),
        valid_to=None,
        composition=ReferendumElection(
            Referendum(
                turnout=Fraction(1, 2),
                adoption=Fraction(1, 2),
                regions_share=Fraction(2, 3),
                citation=REFERENDUM_VALIDITY,
                adoption_citation=REFERENDUM_ADOPTION,
                regions_citation=REFERENDUM_REGIONS,
            )
        ),
        provisions=(
            Provision(
                "validity", "more than half of eligible citizens took part", REFERENDUM_VALIDITY
            ),
            Provision(
                "adoption", "more than half of those who took part voted yes", REFERENDUM_ADOPTION
            ),
            Provision(
                "constitutional questions",
                "also carried in at least two thirds of the"
                " regions (oblasts, cities of republican significance and the capital)",
                REFERENDUM_REGIONS,
            ),
        ),
        example="examples/kz-referendum-2026.json",
    )


RULEBOOKS: tuple[Rulebook, ...] = (
    _mazhilis_lists_only(date(2007, 6, 19), date(2009, 2, 9), runner_up=False),
    _mazhilis_lists_only(date(2009, 2, 9), date(2022, 11, 5), runner_up=True),
    _mazhilis_2022(),
    _kurultai_2026(),
    _president(date(1995, 9, 28), date(2022, 9, 17), Base.OPTIONS, against_all=False),
    _president(date(2022, 9, 17), None, Base.OPTIONS_AND_AGAINST_ALL, against_all=True),
    _maslikhat_mixed(),
    _maslikhat_districts(),
    _senate(),
    _akim(
        "kz.akim.rural",
        "Akims of villages, rural districts and towns of district significance",
        date(2021, 7, 25),
        "no minimum number of candidates found in the sources",
        "examples/kz-akim-rural-2021.json",
    ),
    _akim(
        "kz.akim.district",
        "Akims of districts and cities of regional significance",
        date(2023, 11, 5),
        "at least two candidates; with fewer, nobody is declared (too_few_candidates)",
        "examples/kz-akim-district-2023.json",
        min_candidates=2,
    ),
    _referendum(),
)
