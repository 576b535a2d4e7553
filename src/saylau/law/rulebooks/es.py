"""Spain: the Congress of Deputies, D'Hondt in each province.

Law: Organic Law 5/1985 of 19 June on the General Electoral Regime ("LOREG"), arts. 161-163
(constituencies, seats, the allocation) and 170 (Ceuta and Melilla). Art. 163.1: lists with
less than 3% of the valid votes cast in the constituency take no part; valid votes include
blank ballots (art. 96); seats go to the highest quotients votes / 1, 2, 3, ...; equal
quotients go to the list with more votes, and equal votes to lots.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

from saylau.law.ballots import Base
from saylau.law.citation import Citation
from saylau.law.compose import ConstituencyElection
from saylau.law.methods.divisor import DHONDT
from saylau.law.rulebooks.rulebook import Provision, Rulebook
from saylau.law.thresholds import Share
from saylau.law.tiers import ListTier
from saylau.law.ties import MORE_VOTES, TieRule

LAW = "LOREG"

THRESHOLD = Citation(LAW, "art. 163.1.a", "at least 3% of the valid votes cast in the constituency")
BLANK = Citation(LAW, "art. 96", "blank ballots are valid votes")
DHONDT_RULE = Citation(LAW, "art. 163.1.b-c", "votes divided by 1, 2, 3, ... up to the seats")
TIES = Citation(
    LAW,
    "art. 163.1.c",
    "equal quotients: more total votes; equal votes: lots (later ties alternate: not modelled)",
)
SEATS = Citation(
    LAW, "art. 162", "350 seats; two per province at least, one each for Ceuta and Melilla"
)
CEUTA_MELILLA = Citation(
    LAW, "art. 170", "Ceuta and Melilla: one deputy each, the candidate with most votes"
)


def _congreso() -> Rulebook:
    tier = ListTier(
        name="Congress of Deputies",
        method=replace(DHONDT, citation=DHONDT_RULE),
        threshold=Share(Fraction(3, 100), Base.VALID, inclusive=True, citation=THRESHOLD),
        seats=None,
        tie_rule=TieRule((MORE_VOTES,), TIES),
        caps_apply=True,
        citation=DHONDT_RULE,
    )
    return Rulebook(
        id="es.congreso",
        body="congress of deputies",
        title="Congress of Deputies: D'Hondt in each of 52 constituencies, 3% of valid votes",
        valid_from=date(1985, 6, 21),
        valid_to=None,
        composition=ConstituencyElection(tier, house=350, constituencies=52, citation=SEATS),
        provisions=(
            Provision(
                "seats",
                "350 in 52 constituencies (50 provinces, Ceuta, Melilla); each constituency's"
                " seats are given with the ballots (fixed by the decree calling the election)",
                SEATS,
            ),
            Provision("threshold", "3% and more of the valid votes in the constituency", THRESHOLD),
            Provision("threshold base", "votes for lists + blank ballots", BLANK),
            Provision("method", "D'Hondt", DHONDT_RULE),
            Provision("equal quotients", "more votes, then lots", TIES),
            Provision(
                "Ceuta and Melilla",
                "one seat each by plurality: D'Hondt with one seat gives it to the list with"
                " most votes",
                CEUTA_MELILLA,
            ),
            Provision(
                "in force",
                "from 1985-06-21",
                Citation(LAW),
                provisional=True,
                note="day after publication in the BOE of 20 Jun 1985; not checked",
            ),
        ),
        sources=("Ley Orgánica 5/1985, de 19 de junio, del Régimen Electoral General",),
        example="examples/es-congreso-2023.json",
    )


RULEBOOKS: tuple[Rulebook, ...] = (_congreso(),)
