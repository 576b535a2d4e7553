"""The synthetic national elections of 19 March 2023: a complete election directory.

:func:`generate_kz_2023` writes ``election.json`` and ``protocols/*.csv`` (the format of
``docs/election-dir.md``) for the elections Kazakhstan held on 19 March 2023: the Mazhilis
(party lists and 29 single-member districts), the maslikhats of the 20 regions (half by party
lists, half single-member districts) and the maslikhats of the districts and cities of regional
significance (single-member districts only). A voter received five ballots, four in Astana,
Almaty and Shymkent, which have no district maslikhats.

Official, from the Central Election Commission's final results (sources below):

- 12,035,578 registered voters; 6,521,860 ballots received by voters;
- the seven Mazhilis party lists and their national votes (Amanat 3,431,510, Auyl 693,938,
  Respublica 547,154, Ak Zhol 535,139, QHP 432,920, OSDP 331,058, Baytaq 146,431) and "against
  all" 248,291;
- derived from those: 155,419 invalid ballots (ballots received minus the votes for lists and
  against all), and the district seats, 22 Amanat and 7 self-nominated (Amanat's 62 of 98 seats
  minus its 40 list seats);
- the scale: 20 regions (17 oblasts and the cities Astana, Almaty, Shymkent), 29 Mazhilis
  districts, 10,223 polling stations of which about 77 abroad (the default writes 10,200).

Real but not official figures: the names of the regions and of their districts (the
administrative division of 2023, as best known). Invented: everything else -- the voter lists
and turnout of each polling station, the regional weights and leanings, every ballot other than
the Mazhilis lists, candidates and their names, maslikhat sizes, list lengths, the registration
order, who entered each protocol and when. Stations abroad sit under Astana and vote only on the
Mazhilis party lists, a simplification of this generator.

Every number is drawn from ``numpy.random.default_rng(seed)``: the same seed writes byte-identical
files. The exact national totals come from integer apportionment (largest remainder on integer
weights) under per-precinct caps, so that by default no protocol fires any coded check of
``docs/election-dir.md``. Above about 80,000 precincts the stations become too small to hold
155,419 invalid ballots under 3% each; the protocols that must go over carry
``acknowledged = W-INVALID-SHARE`` and :attr:`Generated.acknowledged` counts them. Defects can
be injected on purpose (:data:`INJECTIONS`).

Sources (official figures):
https://www.election.gov.kz/eng/news/releases/index.php?ID=8937 (CEC);
https://kazpravda.kz/n/itogi-vyborov-v-mazhilis-podveli-v-tsik;
https://vlast.kz/novosti/54446-cik-raspredelil-deputatskie-mandaty-mezdu-partiami.html;
https://astanatimes.com/2023/03/six-parties-elected-to-parliament-according-to-final-results-of-central-election-commission/;
https://ria.ru/amp/20230327/kazakhstan-1860851192.html (Amanat 62 of 98 seats).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

# -- the official figures ----------------------------------------------------------------------

REGISTERED = 12_035_578
"""Voters registered for the elections of 19 March 2023 (CEC, final)."""
BALLOTS = 6_521_860
"""Ballots received by voters on the Mazhilis list ballot (CEC, final)."""
AGAINST_ALL = 248_291
"""Votes "against all" on the Mazhilis list ballot (CEC, final)."""
INVALID = 155_419
"""Invalid ballots, derived: ballots received minus the votes for lists and against all."""
MAZHILIS_DISTRICTS = 29
AMANAT_DISTRICTS = 22
"""District seats won by Amanat, derived: 62 of 98 seats minus 40 list seats (CEC via RIA)."""
DEFAULT_PRECINCTS = 10_200
ABROAD_PRECINCTS = 77
"""Polling stations abroad in 2023, about (CEC)."""
MIN_PRECINCTS = 500
MAX_PRECINCTS = 250_000

SOURCES = (
    "https://www.election.gov.kz/eng/news/releases/index.php?ID=8937",
    "https://kazpravda.kz/n/itogi-vyborov-v-mazhilis-podveli-v-tsik",
    "https://vlast.kz/novosti/54446-cik-raspredelil-deputatskie-mandaty-mezdu-partiami.html",
    "https://astanatimes.com/2023/03/six-parties-elected-to-parliament-according-to-final"
    "-results-of-central-election-commission/",
    "https://ria.ru/amp/20230327/kazakhstan-1860851192.html",
)


@dataclass(frozen=True, slots=True)
class PartyList:
    """A party list on the 2023 Mazhilis ballot: its official national vote, and a list length
    that is illustrative (the registered lengths were not retrieved)."""

    name: str
    votes: int
    candidates: int


MAZHILIS_LISTS = (
    PartyList("Amanat", 3_431_510, 69),
    PartyList("Auyl", 693_938, 38),
    PartyList("Respublica", 547_154, 31),
    PartyList("Ak Zhol", 535_139, 34),
    PartyList("QHP", 432_920, 29),
    PartyList("OSDP", 331_058, 27),
    PartyList("Baytaq", 146_431, 20),
)
"""The seven lists in an illustrative registration order, which is also their ballot order."""

LINES = len(MAZHILIS_LISTS)
"""Ballot lines of the largest ballot in the election: the columns ``line_1`` ... ``line_7``."""
AGAINST = LINES
"""Column of "against all" in a vote matrix: lines first, then against all."""
AMANAT = 0

# -- the territory of 2023 -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Region:
    """One of the 20 regions of 2023, with the invented weights that shape its figures.

    ``voters`` (thousands) and ``stations`` weigh its share of the voters and of the polling
    stations; ``turnout`` (percent) is scaled to the official national turnout; ``profile``
    names its party leanings. The first district of an oblast is its administrative centre;
    ``City of ...`` districts are cities of regional significance.
    """

    name: str
    city: bool
    voters: int
    stations: int
    turnout: int
    profile: str
    utc_offset: str
    districts: tuple[str, ...]


def _oblast(
    name: str, voters: int, stations: int, turnout: int, profile: str, utc: str, *districts: str
) -> Region:
    return Region(name, False, voters, stations, turnout, profile, utc, districts)


def _city(name: str, voters: int, stations: int, turnout: int, *districts: str) -> Region:
    return Region(name, True, voters, stations, turnout, "city", "+06:00", districts)


REGIONS = (
    _oblast(
        "Abai region", 420, 550, 62, "centre", "+06:00",
        "City of Semey", "City of Kurchatov", "Abai", "Aksuat", "Ayagoz", "Beskaragay",
        "Borodulikha", "Zhanasemey", "Zharma", "Kokpekty", "Urzhar",
    ),
    _oblast(
        "Akmola region", 530, 700, 66, "north", "+06:00",
        "City of Kokshetau", "City of Stepnogorsk", "City of Kosshy", "Akkol", "Arshaly",
        "Astrakhan", "Atbasar", "Birzhan Sal", "Bulandy", "Burabay", "Egindykol", "Ereymentau",
        "Esil", "Zhaksy", "Zharkain", "Zerendi", "Korgalzhyn", "Sandyktau", "Tselinograd",
        "Shortandy",
    ),
    _oblast(
        "Aktobe region", 560, 470, 56, "west", "+05:00",
        "City of Aktobe", "Alga", "Ayteke Bi", "Bayganin", "Irgiz", "Kargaly", "Kobda",
        "Martuk", "Mugalzhar", "Temir", "Uil", "Khromtau", "Shalkar",
    ),
    _oblast(
        "Almaty region", 900, 650, 60, "south", "+06:00",
        "City of Konaev", "Balkhash", "Enbekshikazakh", "Zhambyl", "Ile", "Karasay", "Kegen",
        "Raiymbek", "Talgar", "Uygur",
    ),
    _oblast(
        "Atyrau region", 390, 300, 60, "west", "+05:00",
        "City of Atyrau", "Zhylyoi", "Inder", "Isatay", "Kurmangazy", "Kyzylkoga", "Makat",
        "Makhambet",
    ),
    _oblast(
        "West Kazakhstan region", 440, 490, 62, "west", "+05:00",
        "City of Oral", "Akzhaik", "Bayterek", "Bokey Orda", "Borili", "Zhangala", "Zhanibek",
        "Karatobe", "Kaztalov", "Syrym", "Taskala", "Terekti", "Shyngyrlau",
    ),
    _oblast(
        "Zhambyl region", 700, 560, 66, "south", "+06:00",
        "City of Taraz", "Bayzak", "Zhambyl", "Zhualy", "Korday", "Merke", "Moiynkum",
        "Sarysu", "Talas", "Shu", "Turar Ryskulov",
    ),
    _oblast(
        "Zhetisu region", 440, 480, 64, "south", "+06:00",
        "City of Taldykorgan", "City of Tekeli", "Aksu", "Alakol", "Eskeldi", "Karatal",
        "Kerbulak", "Koksu", "Panfilov", "Sarkand",
    ),
    _oblast(
        "Karaganda region", 780, 600, 52, "centre", "+06:00",
        "City of Karaganda", "City of Temirtau", "City of Balkhash", "City of Saran",
        "City of Shakhtinsk", "City of Priozersk", "Abai", "Aktogay", "Bukhar-Zhyrau",
        "Karkaraly", "Nura", "Osakarov", "Shet",
    ),
    _oblast(
        "Kostanay region", 590, 690, 64, "north", "+06:00",
        "City of Kostanay", "City of Rudny", "City of Lisakovsk", "City of Arkalyk",
        "Altynsarin", "Amangeldi", "Auliekol", "Beimbet Mailin", "Denisov", "Zhangeldi",
        "Zhitikara", "Kamysty", "Karabalyk", "Karasu", "Kostanay", "Mendykara", "Nauyrzym",
        "Sarykol", "Uzunkol", "Fyodorov",
    ),
    _oblast(
        "Kyzylorda region", 450, 330, 72, "south", "+05:00",
        "City of Kyzylorda", "Aral", "Zhalagash", "Zhanakorgan", "Kazaly", "Karmakshy",
        "Syrdarya", "Shieli",
    ),
    _oblast(
        "Mangystau region", 430, 260, 50, "west", "+05:00",
        "City of Aktau", "City of Zhanaozen", "Beineu", "Karakiyakh", "Mangystau", "Munaily",
        "Tupkaragan",
    ),
    _oblast(
        "Pavlodar region", 540, 500, 58, "north", "+06:00",
        "City of Pavlodar", "City of Ekibastuz", "City of Aksu", "Akkuly", "Aktogay",
        "Bayanaul", "Zhelezin", "Irtysh", "May", "Pavlodar", "Terenkol", "Uspen", "Shcherbakty",
    ),
    _oblast(
        "North Kazakhstan region", 380, 600, 72, "north", "+06:00",
        "City of Petropavl", "Aiyrtau", "Akzhar", "Akkayin", "Esil", "Zhambyl", "Kyzylzhar",
        "Magzhan Zhumabayev", "Mamlyut", "Gabit Musirepov", "Taiynsha", "Timiryazev",
        "Ualikhanov", "Shal Akyn",
    ),
    _oblast(
        "Turkistan region", 1150, 900, 72, "south", "+06:00",
        "City of Turkistan", "City of Kentau", "City of Arys", "Baidibek", "Zhetisay",
        "Kazygurt", "Keles", "Maktaaral", "Ordabasy", "Otrar", "Saryagash", "Sauran", "Sayram",
        "Sozak", "Tolebi", "Tulkibas", "Shardara",
    ),
    _oblast(
        "Ulytau region", 150, 160, 68, "centre", "+06:00",
        "City of Zhezkazgan", "City of Satpayev", "City of Karazhal", "Ulytau", "Zhanaarka",
    ),
    _oblast(
        "East Kazakhstan region", 510, 560, 58, "centre", "+06:00",
        "City of Oskemen", "City of Ridder", "Altai", "Glubokoe", "Zaysan", "Katonkaragay",
        "Kurchum", "Markakol", "Samar", "Tarbagatay", "Ulan", "Shemonaikha",
    ),
    _city("Astana", 850, 430, 38, "Almaty", "Baikonur", "Yesil", "Saryarka", "Nura"),
    _city(
        "Almaty", 1250, 580, 30,
        "Alatau", "Almaly", "Auezov", "Bostandyk", "Zhetysu", "Medeu", "Nauryzbay", "Turksib",
    ),
    _city("Shymkent", 620, 300, 45, "Abai", "Al-Farabi", "Enbekshi", "Karatau", "Turan"),
)  # fmt: skip
"""The regions in the CEC's order (R01 Abai region ... R20 Shymkent)."""

ABROAD_REGION = 17
"""Stations abroad are registered under Astana (R18)."""

LEANINGS = {
    #         Amanat Auyl  Resp. AkZhol QHP  OSDP  Baytaq against
    "south": (1.15, 1.35, 0.70, 0.80, 0.60, 0.70, 0.80, 0.70),
    "north": (1.00, 0.90, 0.90, 0.90, 1.60, 1.00, 1.00, 1.10),
    "west": (1.00, 0.90, 1.30, 1.25, 0.80, 0.90, 1.00, 1.00),
    "centre": (0.95, 0.80, 1.10, 1.10, 1.30, 1.10, 1.10, 1.10),
    "city": (0.85, 0.60, 1.45, 1.20, 0.90, 1.40, 1.40, 1.50),
    "abroad": (0.65, 0.40, 1.80, 1.30, 0.60, 1.60, 2.00, 1.80),
}
"""Invented party leanings: multipliers of the national shares on the Mazhilis list ballot."""

ABROAD_CITIES = (
    "Moscow", "Saint Petersburg", "Beijing", "Berlin", "Washington", "New York", "London",
    "Paris", "Ankara", "Istanbul", "Tashkent", "Bishkek", "Dushanbe", "Baku", "Tbilisi",
    "Minsk", "Warsaw", "Prague", "Vienna", "Rome", "Madrid", "Seoul", "Tokyo", "New Delhi",
    "Abu Dhabi", "Dubai", "Riyadh", "Cairo", "Tehran", "Kuala Lumpur", "Bangkok", "Ottawa",
    "Brussels", "The Hague", "Stockholm", "Helsinki", "Budapest", "Bucharest", "Sofia",
    "Athens", "Tel Aviv", "Novosibirsk", "Omsk", "Kazan", "Yekaterinburg", "Urumqi",
    "Shanghai", "Hong Kong", "Geneva", "Frankfurt",
)  # fmt: skip
INITIALS = ("A.", "B.", "D.", "E.", "G.", "I.", "K.", "M.", "N.", "R.", "S.", "T.", "U.", "Zh.")
SURNAMES = tuple(sorted((
    "Abdrakhmanov", "Abenova", "Akhmetov", "Alimova", "Amanov", "Baimukhanov", "Bekova",
    "Beisenov", "Dauletova", "Dzhaksybekov", "Ermekov", "Esenova", "Ibraimov", "Iskakova",
    "Kaliyev", "Kassymova", "Kenzhebekov", "Kuanyshev", "Mukanova", "Mussin", "Nurlanov",
    "Nurpeisova", "Omarov", "Ospanova", "Rakhimov", "Sadykova", "Seitkali", "Serikova",
    "Smagulov", "Suleimenova", "Tashenov", "Temirbekov", "Tulegenova", "Utepov", "Zhakupova",
    "Zhumabekov", "Yerlanov", "Kuznetsova", "Popov", "Volkova", "Shevchenko", "Kim",
    "Sarsenbayev", "Orazova", "Kurmanov", "Baigaliyeva", "Tursynov", "Myrzakhmetova",
)))  # fmt: skip
"""Invented surnames, in alphabetical order: the ballot lists candidates by surname."""

# -- injections ------------------------------------------------------------------------------

INJECTIONS = (
    ("check-error", "one protocol's ballots received differ from issued + cancelled"),
    ("double-entry", "a second entry of a few protocols in protocols/zz-second-entry.csv,"
     " one of them differing in one field"),
    ("stuffing", "a few stations with turnout of 95% or more and one option with 95% or more"
     " of the valid votes; the official totals then no longer hold"),
)  # fmt: skip
"""The defects :func:`generate_kz_2023` can write on purpose: name, and what it writes."""

SECOND_ENTRY_FILE = "zz-second-entry.csv"
STUFFED_PRECINCTS = 3
SECOND_ENTRIES = 5


@dataclass(frozen=True, slots=True)
class Injected:
    """A defect written on purpose: the injection, the protocol it is in, and what it is."""

    name: str
    precinct: str
    contest: str
    detail: str


@dataclass(frozen=True, slots=True)
class Generated:
    """What :func:`generate_kz_2023` wrote.

    ``protocols`` counts first entries (one per precinct and contest), ``second_entries`` the
    rows of the second-entry file. ``official_totals`` says whether the national Mazhilis list
    totals are the official ones (stuffing breaks them). ``acknowledged`` counts protocols whose
    W-INVALID-SHARE warning is acknowledged because their station is too small to hold its
    share of the official invalid ballots under 3% (none below about 80,000 precincts).
    """

    out_dir: Path
    definition: Path
    protocol_files: tuple[Path, ...]
    seed: int
    precincts: int
    abroad: int
    regions: int
    districts: int
    contests: int
    protocols: int
    second_entries: int
    registered: int
    official_totals: bool
    acknowledged: int
    injected: tuple[Injected, ...]

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file written, the definition first."""
        return (self.definition, *self.protocol_files)

    def __str__(self) -> str:
        totals = "official" if self.official_totals else "NOT official (stuffing)"
        lines = [
            f"SYNTHETIC elections of 19 March 2023 (seed {self.seed}) written to {self.out_dir}",
            f"  {self.precincts:,} polling stations ({self.abroad:,} abroad), {self.regions}"
            f" regions, {self.districts} districts, {self.contests} contests",
            f"  {self.protocols:,} protocols in {len(self.protocol_files)} files"
            + (f", {self.second_entries} second entries" if self.second_entries else ""),
            f"  {self.registered:,} registered voters; Mazhilis list totals: {totals}",
        ]
        if self.acknowledged:
            lines.append(f"  {self.acknowledged:,} protocols acknowledge W-INVALID-SHARE")
        lines += [f"  {i.name}: {i.precinct} {i.contest}: {i.detail}" for i in self.injected]
        return "\n".join(lines)


# -- integer apportionment -------------------------------------------------------------------

WEIGHT_SCALE = 2**36
"""Float weights become integers up to this, so that total x weight stays within int64."""


def integer_weights(weights: np.ndarray) -> np.ndarray:
    """Non-negative float weights as integers in proportion, the largest = WEIGHT_SCALE."""
    top = float(weights.max(initial=0.0))
    if top <= 0.0:
        return np.zeros(len(weights), dtype=np.int64)
    return np.floor(weights * (WEIGHT_SCALE / top)).astype(np.int64)


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Share ``total`` among rows in proportion to integer ``weights``: whole quotas, then one
    more to each of the largest remainders (equal remainders: the earlier row)."""
    weight_sum = int(weights.sum())
    if weight_sum == 0:
        if total:
            raise ValueError(f"cannot share {total} among rows that all weigh nothing")
        return np.zeros(len(weights), dtype=np.int64)
    if total >= 2**26:
        raise ValueError(f"total {total} is too large for exact int64 apportionment")
    product = weights * total
    share = product // weight_sum
    left = total - int(share.sum())
    if left:
        remainder = product - share * weight_sum
        share[np.argsort(-remainder, kind="stable")[:left]] += 1
    return share


def apportion(total: int, weights: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
    """Share ``total`` among rows by largest remainder on ``weights`` (floats, made integer),
    giving no row more than its cap: capped rows are pinned and the rest shared again."""
    scaled = integer_weights(np.asarray(weights, dtype=np.float64))
    if caps is None:
        return largest_remainder(total, scaled)
    if int(caps.sum()) < total:
        raise ValueError(f"caps of {int(caps.sum())} cannot hold {total}")
    out = np.zeros(len(scaled), dtype=np.int64)
    active = np.arange(len(scaled))
    remaining = total
    while True:
        weight = scaled[active]
        if remaining and not weight.any():
            weight = caps[active]
        share = largest_remainder(remaining, weight)
        over = share > caps[active]
        if not over.any():
            out[active] = share
            return out
        pinned = active[over]
        out[pinned] = caps[pinned]
        remaining -= int(caps[pinned].sum())
        active = active[~over]


def below_share(percent: int, base: np.ndarray) -> np.ndarray:
    """The largest whole numbers strictly below ``percent``% of ``base``."""
    return np.asarray(np.maximum((percent * base - 1) // 100, 0), dtype=np.int64)


def at_least_share(percent: int, base: np.ndarray) -> np.ndarray:
    """The smallest whole numbers at or above ``percent``% of ``base``."""
    return (percent * base + 99) // 100


def seats_with_minimum(weights: np.ndarray, seats: int) -> np.ndarray:
    """Seats per region: one each, the rest by Sainte-Lague on ``weights``."""
    out = np.ones(len(weights), dtype=np.int64)
    while int(out.sum()) < seats:
        out[int(np.argmax(weights / (2 * out + 1)))] += 1
    return out


def contiguous_runs(weights: np.ndarray, runs: int) -> np.ndarray:
    """Cut a sequence into ``runs`` contiguous, non-empty runs of about equal weight; the run
    number of each item."""
    n = len(weights)
    if not 1 <= runs <= n:
        raise ValueError(f"cannot cut {n} items into {runs} runs")
    cumulative = np.cumsum(weights, dtype=np.float64)
    steps = np.arange(1, runs)
    cuts = np.searchsorted(cumulative, cumulative[-1] * steps / runs, side="left") + 1
    cuts = np.clip(cuts, steps, n - runs + steps)
    cuts = np.maximum.accumulate(cuts - steps) + steps
    return np.searchsorted(cuts, np.arange(n), side="right").astype(np.int64)


# -- the territory ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Territory:
    """Regions, districts and precincts, numbered; precincts run region by region, district by
    district, with Astana's stations abroad after its own."""

    region_ids: list[str]
    region_mazhilis: np.ndarray
    district_ids: list[str]
    district_names: list[str]
    district_region: np.ndarray
    district_urban: np.ndarray
    district_weight: np.ndarray
    precinct_ids: list[str]
    precinct_names: list[str]
    precinct_region: np.ndarray
    precinct_district: np.ndarray
    abroad: np.ndarray

    @property
    def precincts(self) -> int:
        return len(self.precinct_ids)

    def precincts_of(self, district: int) -> np.ndarray:
        return np.flatnonzero(self.precinct_district == district)


def _district_name(name: str) -> str:
    """``Burabay district``; a city of regional significance keeps its ``City of`` name."""
    return name if name.startswith("City of") else f"{name} district"


def _region_precincts(domestic: int, mazhilis: np.ndarray) -> np.ndarray:
    """Stations per region: a floor that leaves room for every constituency, the rest by the
    regions' station weights."""
    floors = np.array(
        [max(15, (1 if r.city else 11) * int(m)) for r, m in zip(REGIONS, mazhilis, strict=True)]
    )
    if domestic < int(floors.sum()):
        raise ValueError(f"too few precincts for the territory: at least {int(floors.sum())}")
    weights = np.array([r.stations for r in REGIONS], dtype=np.float64)
    return np.asarray(floors + apportion(domestic - int(floors.sum()), weights), dtype=np.int64)


@dataclass(frozen=True, eq=False)
class _Districts:
    """The districts kept in one region: names, urban or not, voter weight, stations."""

    names: tuple[str, ...]
    urban: np.ndarray
    weight: np.ndarray
    stations: np.ndarray


def _region_districts(
    rng: np.random.Generator, region: Region, stations: int, mazhilis: int
) -> _Districts:
    """The region's first districts, one per 20 stations or so (at least one per Mazhilis
    district, at most all of them), with stations shared by weight: an oblast's centre weighs
    six rural districts, another city one and a half, and urban stations are larger. An oblast
    district gets at least 11 stations, room for the smallest district maslikhat."""
    count = int(np.clip(stations // 20, mazhilis, len(region.districts)))
    names = region.districts[:count]
    urban = np.array([region.city or n.startswith("City of") for n in names])
    base = np.where(urban, 1.5, 1.0)
    if not region.city:
        base[0] = 6.0
    weight = base * rng.lognormal(0.0, 0.25, count)
    floor = 1 if region.city else 11
    shared = floor + apportion(stations - floor * count, weight / np.where(urban, 1.8, 1.0))
    return _Districts(names, urban, weight, shared)


def _territory(rng: np.random.Generator, precincts: int) -> _Territory:
    """Regions, their districts and the stations, scaled to ``precincts`` in all."""
    abroad = max(1, (ABROAD_PRECINCTS * precincts + DEFAULT_PRECINCTS // 2) // DEFAULT_PRECINCTS)
    region_voters = np.array([r.voters for r in REGIONS], dtype=np.float64)
    mazhilis = seats_with_minimum(region_voters, MAZHILIS_DISTRICTS)
    per_region = _region_precincts(precincts - abroad, mazhilis)
    region_ids = [f"R{r + 1:02d}" for r in range(len(REGIONS))]
    kept = [
        _region_districts(rng, region, int(per_region[r]), int(mazhilis[r]))
        for r, region in enumerate(REGIONS)
    ]
    district_region = np.repeat(np.arange(len(REGIONS)), [len(k.names) for k in kept])
    district_ids = [
        f"{region_ids[r]}-{d + 1:02d}" for r, k in enumerate(kept) for d in range(len(k.names))
    ]
    district_names = [_district_name(name) for k in kept for name in k.names]
    district_stations = np.concatenate([k.stations for k in kept])
    precinct_district = np.repeat(np.arange(len(district_ids)), district_stations)
    precinct_region = district_region[precinct_district]
    after_astana = int(np.searchsorted(precinct_region, ABROAD_REGION, side="right"))
    precinct_district = np.insert(precinct_district, after_astana, np.full(abroad, -1))
    precinct_region = np.insert(precinct_region, after_astana, np.full(abroad, ABROAD_REGION))
    is_abroad = precinct_district < 0
    width = max(5, len(str(precincts)))
    return _Territory(
        region_ids=region_ids,
        region_mazhilis=mazhilis,
        district_ids=district_ids,
        district_names=district_names,
        district_region=district_region,
        district_urban=np.concatenate([k.urban for k in kept]),
        district_weight=np.concatenate([k.weight for k in kept]),
        precinct_ids=[f"P{i + 1:0{width}d}" for i in range(len(precinct_district))],
        precinct_names=_station_names(precinct_region, precinct_district, district_names),
        precinct_region=precinct_region,
        precinct_district=precinct_district,
        abroad=is_abroad,
    )


def _station_names(
    region: np.ndarray, district: np.ndarray, district_names: list[str]
) -> list[str]:
    """Stations are numbered within their region, as in Kazakhstan; abroad by city."""
    names: list[str] = []
    number = 0
    previous = -1
    abroad = 0
    for r, d in zip(region.tolist(), district.tolist(), strict=True):
        number = 1 if r != previous else number + 1
        previous = r
        if d < 0:
            city = ABROAD_CITIES[abroad % len(ABROAD_CITIES)]
            abroad += 1
            names.append(f"Polling station No. {number}, {city} (abroad)")
        else:
            names.append(f"Polling station No. {number}, {district_names[d]}")
    return names


# -- voter lists and ballots issued ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Stations:
    """Per precinct: the list, the ballots, and how they were issued (same on every ballot)."""

    registered: np.ndarray
    added: np.ndarray
    received: np.ndarray
    issued: np.ndarray
    in_room: np.ndarray
    outside: np.ndarray
    absentee: np.ndarray

    @property
    def voters(self) -> np.ndarray:
        """The list before election day: the definition's ``voters``."""
        return np.asarray(self.registered - self.added, dtype=np.int64)


def _registered(rng: np.random.Generator, land: _Territory) -> np.ndarray:
    """Voter lists that add up to the official 12,035,578."""
    registered = np.zeros(land.precincts, dtype=np.int64)
    abroad = np.flatnonzero(land.abroad)
    abroad_total = 300 * len(abroad)
    registered[abroad] = 20 + apportion(
        abroad_total - 20 * len(abroad), rng.lognormal(0.0, 0.6, len(abroad))
    )
    region_total = apportion(
        REGISTERED - abroad_total, np.array([r.voters for r in REGIONS], dtype=np.float64)
    )
    for r in range(len(REGIONS)):
        districts = np.flatnonzero(land.district_region == r)
        district_total = apportion(int(region_total[r]), land.district_weight[districts])
        for d, total in zip(districts.tolist(), district_total.tolist(), strict=True):
            rows = land.precincts_of(d)
            base = min(50, total // (4 * len(rows)))
            registered[rows] = base + apportion(
                total - base * len(rows), np.clip(rng.lognormal(0.0, 0.35, len(rows)), 0.5, 2.0)
            )
    return registered


def _stations(rng: np.random.Generator, land: _Territory) -> _Stations:
    registered = _registered(rng, land)
    urban = np.where(land.abroad, True, land.district_urban[land.precinct_district])
    added_rate = np.where(land.abroad, 0.04, np.where(urban, 0.015, 0.008))
    added = np.minimum(rng.binomial(registered, added_rate), (registered - 1) // 11)
    voters = registered - added
    turnout = np.array([r.turnout for r in REGIONS], dtype=np.float64)[land.precinct_region]
    turnout = np.where(land.abroad, 35.0, turnout) * rng.lognormal(0.0, 0.12, land.precincts)
    turnout = np.clip(turnout, 5.0, 92.0)
    cap = below_share(95, voters)
    issued = 1 + apportion(BALLOTS - land.precincts, voters * turnout, cap - 1)
    mobile = np.where(land.abroad, 0.0, np.where(urban, 0.015, 0.04))
    mobile = mobile * rng.lognormal(0.0, 0.3, land.precincts)
    outside = np.minimum(rng.binomial(issued, np.minimum(mobile, 0.12)), below_share(15, issued))
    absentee = rng.binomial(issued - outside, np.where(urban, 0.008, 0.004))
    received = (at_least_share(101, registered) + 9) // 10 * 10
    return _Stations(
        registered=registered,
        added=added,
        received=received,
        issued=issued,
        in_room=issued - outside - absentee,
        outside=outside,
        absentee=absentee,
    )


# -- the Mazhilis list ballot: the official totals exactly -------------------------------------


@dataclass(frozen=True, eq=False)
class _ListVotes:
    """The Mazhilis list ballot per precinct: invalid ballots, votes (lines, then against all),
    the shares they were drawn from, and which protocols acknowledge W-INVALID-SHARE."""

    invalid: np.ndarray
    votes: np.ndarray
    shares: np.ndarray
    acknowledged: np.ndarray


def _national_totals() -> np.ndarray:
    return np.array([p.votes for p in MAZHILIS_LISTS] + [AGAINST_ALL], dtype=np.int64)


def _precinct_shares(rng: np.random.Generator, land: _Territory) -> np.ndarray:
    """Expected shares of the lists and against all: national shares, leaned by region, drawn
    per precinct from a Dirichlet around them."""
    national = _national_totals() / _national_totals().sum()
    profiles = [r.profile for r in REGIONS]
    leaning = np.array([LEANINGS[p] for p in profiles]) * rng.lognormal(0.0, 0.12, (20, 8))
    regional = national * leaning
    regional /= regional.sum(axis=1, keepdims=True)
    expected = regional[land.precinct_region]
    abroad = national * np.array(LEANINGS["abroad"])
    expected[land.abroad] = abroad / abroad.sum()
    drawn = rng.standard_gamma(150.0 * expected)
    return np.asarray(drawn / drawn.sum(axis=1, keepdims=True), dtype=np.float64)


def _invalid_ballots(
    rng: np.random.Generator, land: _Territory, issued: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Invalid ballots adding up to the official 155,419, under 3% of each station's ballots
    where the stations are large enough; the rest over it, acknowledged."""
    rate = rng.uniform(0.015, 0.028, len(REGIONS))[land.precinct_region]
    weight = issued * rate * rng.lognormal(0.0, 0.25, land.precincts)
    cap = below_share(3, issued)
    if int(cap.sum()) >= INVALID:
        return apportion(INVALID, weight, cap), np.zeros(land.precincts, dtype=bool)
    over = apportion(INVALID - int(cap.sum()), issued.astype(np.float64), issued - cap)
    return cap + over, over > 0


def _fit_margins(expected: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Iterative proportional fitting: scale ``expected`` until its rows sum to ``rows`` and its
    columns to ``columns`` (in floats; the exact integers come after)."""
    fitted: np.ndarray = expected * rows[:, None]
    for _ in range(25):
        fitted *= columns / np.maximum(fitted.sum(axis=0), 1e-300)
        row_sums = fitted.sum(axis=1)
        fitted *= np.where(row_sums > 0, rows / np.where(row_sums > 0, row_sums, 1.0), 0.0)[:, None]
    return fitted


def _list_votes(rng: np.random.Generator, land: _Territory, stations: _Stations) -> _ListVotes:
    """Votes on the Mazhilis list ballot whose national totals are the official ones exactly.

    Each national total is apportioned to the precincts by largest remainder on the fitted
    expectations, capped by what is left of each precinct's valid votes; Amanat, the largest,
    takes what remains, so every row adds up to its ballots and every column to its total.
    """
    shares = _precinct_shares(rng, land)
    invalid, acknowledged = _invalid_ballots(rng, land, stations.issued)
    valid = stations.issued - invalid
    totals = _national_totals()
    fitted = _fit_margins(shares, valid.astype(np.float64), totals.astype(np.float64))
    votes = np.zeros_like(fitted, dtype=np.int64)
    left = valid.copy()
    order = np.argsort(totals, kind="stable")
    for column in order[:-1].tolist():
        votes[:, column] = apportion(int(totals[column]), fitted[:, column], left)
        left -= votes[:, column]
    votes[:, order[-1]] = left
    _trade_one_option(votes)
    if (votes.sum(axis=0) != totals).any() or (votes.sum(axis=1) != valid).any():
        raise RuntimeError("internal error: the list votes lost the official totals")
    return _ListVotes(invalid=invalid, votes=votes, shares=shares, acknowledged=acknowledged)


def _trade_one_option(votes: np.ndarray) -> None:
    """Where one option has 95% or more of 100 or more valid votes, trade votes with another
    precinct so that every row and every column keeps its total. A safety net: the drawn
    shares keep every option well under 95%."""
    valid = votes.sum(axis=1)
    top = votes.argmax(axis=1)
    most = votes[np.arange(len(votes)), top]
    for p in np.flatnonzero((valid >= 100) & (most * 100 >= 95 * valid)).tolist():
        option, runner_up = int(top[p]), int(np.argsort(votes[p], kind="stable")[-2])
        move = int(most[p]) - (95 * int(valid[p]) - 1) // 100
        fits = (votes[:, runner_up] >= move) & ((votes[:, option] + move) * 100 < 90 * valid)
        fits[p] = False
        partner = int(np.argmax(np.where(fits, votes[:, runner_up], -1)))
        votes[p, option] -= move
        votes[p, runner_up] += move
        votes[partner, runner_up] -= move
        votes[partner, option] += move


# -- contests and bodies -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Constituency:
    """A constituency as written, with what its votes are drawn from: expected shares (lines,
    then against all), the party index of each list line (-1: none), and the line meant to
    lead (-1 on a list ballot)."""

    id: str
    name: str
    covers: list[str]
    options: list[dict[str, Any]]
    shares: np.ndarray
    parties: np.ndarray
    leader: int


@dataclass(frozen=True, eq=False)
class _Contest:
    """A contest as written: one ballot paper."""

    id: str
    name: str
    ballot: str
    constituencies: list[_Constituency]


BALLOTS_PER_VOTER = 5
"""Mazhilis lists, Mazhilis district, regional maslikhat lists, regional maslikhat district,
district maslikhat district (none in the three cities)."""


@dataclass(eq=False)
class _Plan:
    """Contests and bodies, and for each of a voter's five ballots the constituency of every
    precinct on it (constituencies numbered across all contests; -1: no such ballot there)."""

    contests: list[_Contest]
    bodies: list[dict[str, Any]]
    ballots: list[np.ndarray]

    @classmethod
    def empty(cls, precincts: int) -> _Plan:
        return cls([], [], [np.full(precincts, -1) for _ in range(BALLOTS_PER_VOTER)])

    def add(self, contest: _Contest, ballot: int, rows: np.ndarray, local: np.ndarray) -> None:
        """Add a contest: precincts ``rows`` vote on it as the voter's ``ballot``-th ballot, in
        its constituencies ``local``."""
        self.ballots[ballot][rows] = sum(len(c.constituencies) for c in self.contests) + local
        self.contests.append(contest)

    def constituencies(self) -> list[_Constituency]:
        return [k for c in self.contests for k in c.constituencies]


@dataclass(frozen=True, slots=True)
class _Seat:
    """A single-member district before its candidates are drawn: the party whose candidate is
    to lead (None: a self-nominated candidate)."""

    id: str
    name: str
    covers: list[str]
    leader: str | None


CANDIDATE_POOL: tuple[str | None, ...] = (*(p.name for p in MAZHILIS_LISTS), None, None, None)
"""Who may stand in a district: one candidate per party, up to three self-nominated."""


def _seat_shares(rng: np.random.Generator, counts: np.ndarray, width: int) -> np.ndarray:
    """Expected shares of each district's candidates, largest first: a Dirichlet draw with the
    first at most 72% and at least 10 points ahead of the second."""
    drawn = rng.standard_gamma(2.0, (len(counts), width))
    drawn[np.arange(width)[None, :] >= counts[:, None]] = 0.0
    drawn = -np.sort(-drawn / drawn.sum(axis=1, keepdims=True), axis=1)
    excess = np.maximum(drawn[:, 0] - 0.72, 0.0)
    drawn[:, 1:] += excess[:, None] * drawn[:, 1:] / drawn[:, 1:].sum(axis=1, keepdims=True)
    drawn[:, 0] -= excess
    shift = np.maximum(0.10 - (drawn[:, 0] - drawn[:, 1]), 0.0) / 2
    drawn[:, 0] += shift
    drawn[:, 1] -= shift
    return drawn


def _draw_candidates(
    rng: np.random.Generator, seats: list[_Seat], low: int, high: int, amanat_everywhere: bool
) -> list[_Constituency]:
    """Candidates for single-member districts, ``low`` to ``high`` a district, in alphabetical
    order of surname on the ballot. The leader's candidate gets the largest expected share, the
    others the rest in random order, against all 2-6%. With ``amanat_everywhere`` Amanat stands
    in every district.
    """
    m = len(seats)
    rows = np.arange(m)
    counts = rng.integers(low, high + 1, m)
    absent = np.arange(high)[None, :] >= counts[:, None]
    leader_slot = np.array([CANDIDATE_POOL.index(seat.leader) for seat in seats])
    keys = rng.random((m, len(CANDIDATE_POOL)))
    if amanat_everywhere:
        keys[:, AMANAT] = -1.0
    keys[rows, leader_slot] = np.inf
    party_slot = np.hstack([leader_slot[:, None], np.argsort(keys, axis=1)[:, : high - 1]])
    surname = np.argsort(rng.random((m, len(SURNAMES))), axis=1)[:, :high]
    initial = rng.integers(0, len(INITIALS), (m, high))
    drawn = _seat_shares(rng, counts, high)
    rank_keys = rng.random((m, high))
    rank_keys[:, 0] = -1.0
    rank_keys[absent] = np.inf
    shares = np.zeros((m, high))
    np.put_along_axis(shares, np.argsort(rank_keys, axis=1), drawn, axis=1)
    against = rng.uniform(0.02, 0.06, m)
    ballot = np.argsort(np.where(absent, len(SURNAMES), surname), axis=1)
    line_shares = np.zeros((m, LINES + 1))
    line_shares[:, :high] = np.take_along_axis(shares, ballot, axis=1) * (1.0 - against[:, None])
    line_shares[:, AGAINST] = against
    leader_line = np.argmax(ballot == 0, axis=1)
    out: list[_Constituency] = []
    for i, seat in enumerate(seats):
        slots = ballot[i, : counts[i]].tolist()
        names, parties, initials = surname[i].tolist(), party_slot[i].tolist(), initial[i].tolist()
        options = [
            {"name": f"{INITIALS[initials[c]]} {SURNAMES[names[c]]}",
             "party": CANDIDATE_POOL[parties[c]]}
            for c in slots
        ]  # fmt: skip
        out.append(
            _Constituency(seat.id, seat.name, seat.covers, options, line_shares[i],
                          np.full(LINES, -1), int(leader_line[i]))
        )  # fmt: skip
    return out


def _mazhilis_districts(
    rng: np.random.Generator, land: _Territory, district_voters: np.ndarray
) -> tuple[list[_Constituency], np.ndarray]:
    """The 29 Mazhilis districts, each a run of whole districts of one region; Amanat's
    candidates lead in 22 and self-nominated candidates in 7."""
    self_led = rng.choice(MAZHILIS_DISTRICTS, MAZHILIS_DISTRICTS - AMANAT_DISTRICTS, replace=False)
    of_district = np.full(len(land.district_ids), -1, dtype=np.int64)
    seats: list[_Seat] = []
    for r, region in enumerate(REGIONS):
        districts = np.flatnonzero(land.district_region == r)
        runs = contiguous_runs(district_voters[districts], int(land.region_mazhilis[r]))
        for run in range(int(land.region_mazhilis[r])):
            number = len(seats)
            of_district[districts[runs == run]] = number
            seats.append(
                _Seat(
                    f"MZ-{number + 1:02d}",
                    f"Mazhilis district No. {number + 1} ({region.name})",
                    [land.district_ids[d] for d in districts[runs == run].tolist()],
                    None if number in self_led else "Amanat",
                )
            )
    return _draw_candidates(rng, seats, 3, 6, amanat_everywhere=True), of_district


def _maslikhat_leaders(rng: np.random.Generator, count: int) -> list[str | None]:
    """Whose candidate leads each maslikhat district: Amanat in about three in four, a
    self-nominated candidate in one in eight, another party in the rest."""
    draw = rng.random(count)
    other = rng.integers(1, LINES, count)
    return [
        "Amanat" if d < 0.75 else None if d < 0.87 else MAZHILIS_LISTS[int(o)].name
        for d, o in zip(draw.tolist(), other.tolist(), strict=True)
    ]


def _maslikhat_lists(
    rng: np.random.Generator, ident: str, name: str, covers: list[str], seats: int
) -> _Constituency:
    """A maslikhat list ballot: Amanat and most other parties, in the Mazhilis order; Amanat's
    list is as long as the list seats, the others a third of that or more."""
    present = [0] + [p for p in range(1, LINES) if rng.random() < 0.8]
    while len(present) < 4:
        present = sorted({*present, int(rng.integers(1, LINES))})
    options: list[dict[str, Any]] = []
    for number, p in enumerate(present):
        length = seats if p == AMANAT else int(rng.integers(-(-seats // 3), seats + 1))
        options.append({"name": MAZHILIS_LISTS[p].name, "registration": number + 1,
                        "candidates": length})  # fmt: skip
    parties = np.full(LINES, -1)
    parties[: len(present)] = present
    return _Constituency(ident, name, covers, options, np.zeros(LINES + 1), parties, -1)


def _maslikhat_seats(
    rng: np.random.Generator,
    land: _Territory,
    prefix: str,
    title: str,
    rows: np.ndarray,
    runs: np.ndarray,
) -> list[_Constituency]:
    """Single-member maslikhat districts, each a run of consecutive precincts."""
    parts = np.split(rows, np.flatnonzero(np.diff(runs)) + 1)
    leaders = _maslikhat_leaders(rng, len(parts))
    seats = [
        _Seat(f"{prefix}-D{s + 1:02d}", f"{title} district No. {s + 1}",
              [land.precinct_ids[p] for p in part.tolist()], leaders[s])
        for s, part in enumerate(parts)
    ]  # fmt: skip
    return _draw_candidates(rng, seats, 2, 5, amanat_everywhere=False)


def _add_mazhilis(
    rng: np.random.Generator, plan: _Plan, land: _Territory, voters: np.ndarray
) -> None:
    """The Mazhilis: the republic-wide list ballot (stations abroad included) and the 29
    single-member districts."""
    lists = _Constituency(
        "KZ",
        "Republic-wide",
        ["KZ"],
        [{"name": p.name, "registration": i + 1, "candidates": p.candidates}
         for i, p in enumerate(MAZHILIS_LISTS)],
        np.zeros(LINES + 1),
        np.arange(LINES),
        -1,
    )  # fmt: skip
    everyone = np.arange(land.precincts)
    plan.add(_Contest("mazhilis-lists", "Mazhilis: party lists", "lists", [lists]),
             0, everyone, np.zeros(land.precincts, dtype=np.int64))  # fmt: skip
    district_voters = np.bincount(
        land.precinct_district[~land.abroad], weights=voters[~land.abroad],
        minlength=len(land.district_ids),
    )  # fmt: skip
    districts, of_district = _mazhilis_districts(rng, land, district_voters)
    home = np.flatnonzero(~land.abroad)
    plan.add(_Contest("mazhilis-districts", "Mazhilis: single-member districts", "candidates",
                      districts), 1, home, of_district[land.precinct_district[home]])  # fmt: skip
    plan.bodies.append({"id": "mazhilis", "name": "Mazhilis", "rulebook": "kz.mazhilis",
                        "lists": "mazhilis-lists", "districts": "mazhilis-districts"})  # fmt: skip


def _add_region_maslikhat(
    rng: np.random.Generator, plan: _Plan, land: _Territory, voters: np.ndarray, r: int
) -> None:
    """The maslikhat of an oblast or city: 15-25 list seats and as many single-member districts
    (30-50 seats), fewer only where the region has fewer stations."""
    region, rid = REGIONS[r], land.region_ids[r]
    rows = np.flatnonzero(~land.abroad & (land.precinct_region == r))
    seats = min(int(rng.integers(15, 26)), len(rows))
    districts = np.flatnonzero(land.district_region == r).tolist()
    covers = [land.district_ids[d] for d in districts] if region.city else [rid]
    lists = _maslikhat_lists(rng, rid, region.name, covers, seats)
    runs = contiguous_runs(voters[rows], seats)
    singles = _maslikhat_seats(rng, land, rid, f"{region.name} maslikhat", rows, runs)
    body, title = f"maslikhat-{rid}", f"Maslikhat of {region.name}"
    plan.add(_Contest(f"{body}-lists", f"{title}: party lists", "lists", [lists]),
             2, rows, np.zeros(len(rows), dtype=np.int64))  # fmt: skip
    plan.add(_Contest(f"{body}-districts", f"{title}: single-member districts", "candidates",
                      singles), 3, rows, runs)  # fmt: skip
    plan.bodies.append({"id": body, "name": title, "rulebook": "kz.maslikhat.oblast",
                        "lists": f"{body}-lists", "districts": f"{body}-districts",
                        "list_seats": seats})  # fmt: skip


def _add_district_maslikhat(
    rng: np.random.Generator, plan: _Plan, land: _Territory, voters: np.ndarray, d: int
) -> None:
    """The maslikhat of a district or a city of regional significance: 11-25 single-member
    districts."""
    did, name = land.district_ids[d], land.district_names[d]
    rows = land.precincts_of(d)
    seats = min(int(rng.integers(11, 26)), len(rows))
    runs = contiguous_runs(voters[rows], seats)
    singles = _maslikhat_seats(rng, land, did, f"{name} maslikhat", rows, runs)
    body, title = f"maslikhat-{did}", f"Maslikhat of {name}"
    plan.add(_Contest(body, title, "candidates", singles), 4, rows, runs)
    plan.bodies.append({"id": body, "name": title, "rulebook": "kz.maslikhat.district",
                        "districts": body})  # fmt: skip


def _plan(rng: np.random.Generator, land: _Territory, stations: _Stations) -> _Plan:
    """Every contest and body of the election, and the constituency of each precinct."""
    plan = _Plan.empty(land.precincts)
    _add_mazhilis(rng, plan, land, stations.registered)
    for r in range(len(REGIONS)):
        _add_region_maslikhat(rng, plan, land, stations.registered, r)
    for d in range(len(land.district_ids)):
        if not REGIONS[int(land.district_region[d])].city:
            _add_district_maslikhat(rng, plan, land, stations.registered, d)
    return plan


# -- protocols -------------------------------------------------------------------------------


@dataclass(eq=False)
class _Protocols:
    """One row per protocol: precinct, contest, constituency (global numbers) and figures."""

    precinct: np.ndarray
    contest: np.ndarray
    constituency: np.ndarray
    lines: np.ndarray
    registered: np.ndarray
    added: np.ndarray
    received: np.ndarray
    in_room: np.ndarray
    outside: np.ndarray
    absentee: np.ndarray
    cancelled: np.ndarray
    invalid: np.ndarray
    votes: np.ndarray
    entered_at: np.ndarray
    acknowledged: np.ndarray

    @property
    def issued(self) -> np.ndarray:
        return np.asarray(self.in_room + self.outside + self.absentee, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.precinct)


def _rows(plan: _Plan) -> tuple[np.ndarray, np.ndarray]:
    """Precinct and constituency of every protocol, precinct by precinct in contest order."""
    precinct = np.concatenate([np.flatnonzero(b >= 0) for b in plan.ballots])
    constituency = np.concatenate([b[b >= 0] for b in plan.ballots])
    order = np.lexsort((constituency, precinct))
    return precinct[order], constituency[order]


def _draw_votes(
    rng: np.random.Generator,
    plan: _Plan,
    protocols: _Protocols,
    mazhilis: _ListVotes,
    land: _Territory,
) -> None:
    """Invalid ballots and votes on every ballot but the Mazhilis list ballot, drawn per
    protocol around the constituency's shares (list ballots: around the precinct's Mazhilis
    list shares)."""
    rows = np.flatnonzero(protocols.contest > 0)
    constituencies = plan.constituencies()
    shares = np.array([k.shares for k in constituencies])[protocols.constituency[rows]]
    parties = np.array([k.parties for k in constituencies])[protocols.constituency[rows]]
    is_list = parties[:, 0] >= 0
    precinct_shares = np.hstack([mazhilis.shares, np.zeros((land.precincts, 1))])
    gathered = np.take_along_axis(
        precinct_shares[protocols.precinct[rows]], np.where(parties < 0, LINES + 1, parties), 1
    )
    list_shares = np.hstack([gathered, mazhilis.shares[protocols.precinct[rows], AGAINST:]])
    expected = np.where(is_list[:, None], list_shares, shares)
    expected /= expected.sum(axis=1, keepdims=True)
    drawn = rng.standard_gamma(np.where(is_list, 500.0, 300.0)[:, None] * expected)
    drawn /= drawn.sum(axis=1, keepdims=True)
    issued = protocols.issued[rows]
    region_rate = rng.uniform(0.01, 0.022, len(REGIONS))[land.precinct_region]
    rate = region_rate[protocols.precinct[rows]] * rng.lognormal(0.0, 0.3, len(rows))
    invalid = np.minimum(rng.binomial(issued, np.minimum(rate, 0.05)), below_share(3, issued))
    protocols.invalid[rows] = invalid
    protocols.votes[rows] = rng.multinomial(issued - invalid, drawn)


def _spread_one_option(protocols: _Protocols, rows: np.ndarray) -> None:
    """Where one option has 95% or more of 100 or more valid votes, move the excess to the
    runner-up: such protocols are left to the stuffing injection."""
    votes = protocols.votes[rows]
    valid = votes.sum(axis=1)
    top = votes.argmax(axis=1)
    most = votes[np.arange(len(rows)), top]
    bad = np.flatnonzero((valid >= 100) & (most * 100 >= 95 * valid))
    if not len(bad):
        return
    usable = np.arange(LINES + 1)[None, :] < protocols.lines[rows[bad]][:, None]
    usable[:, AGAINST] = True
    masked = np.where(usable, votes[bad], -1)
    masked[np.arange(len(bad)), top[bad]] = -1
    second = masked.argmax(axis=1)
    move = most[bad] - below_share(95, valid[bad])
    protocols.votes[rows[bad], top[bad]] -= move
    protocols.votes[rows[bad], second] += move


def _settle_leaders(plan: _Plan, protocols: _Protocols) -> None:
    """Make each single-member district's intended candidate lead strictly, ahead of against
    all: where the draw left it behind or level, votes move to it from the strongest rival,
    spread over the district's precincts in proportion to the rival's votes."""
    constituencies = plan.constituencies()
    totals = np.zeros((len(constituencies), LINES + 1), dtype=np.int64)
    np.add.at(totals, protocols.constituency, protocols.votes)
    for g, k in enumerate(constituencies):
        if k.leader < 0 or _lead(totals[g], k.leader) > 0:
            continue
        rows = np.flatnonzero(protocols.constituency == g)
        while (gap := -_lead(protocols.votes[rows].sum(axis=0), k.leader)) >= 0:
            total = protocols.votes[rows].sum(axis=0)
            total[k.leader] = -1
            available = protocols.votes[rows, int(total.argmax())]
            take = apportion(min(gap // 2 + 1, int(available.sum())), available, available)
            protocols.votes[rows, int(total.argmax())] -= take
            protocols.votes[rows, k.leader] += take


def _lead(total: np.ndarray, leader: int) -> int:
    """How many votes ``leader`` has more than anyone else (against all included)."""
    others = np.delete(total, leader)
    return int(total[leader]) - int(others.max())


def _entry_times(rng: np.random.Generator, land: _Territory, precinct: np.ndarray) -> np.ndarray:
    """Seconds after 20:30 local time on 19 March 2023 at which each protocol was entered:
    a station's protocols two minutes or so apart, all before 08:00 the next morning."""
    start = rng.integers(0, 10 * 3600, land.precincts)
    position = np.arange(len(precinct)) - np.searchsorted(precinct, precinct, side="left")
    jitter = rng.integers(0, 90, len(precinct))
    return np.asarray(start[precinct] + 120 * position + jitter, dtype=np.int64)


def _protocols(
    rng: np.random.Generator,
    land: _Territory,
    stations: _Stations,
    mazhilis: _ListVotes,
    plan: _Plan,
) -> _Protocols:
    precinct, constituency = _rows(plan)
    contest_of = np.array([c for c, contest in enumerate(plan.contests)
                           for _ in contest.constituencies])  # fmt: skip
    lines_of = np.array([len(k.options) for k in plan.constituencies()])
    contest = contest_of[constituency]
    size = len(precinct)
    protocols = _Protocols(
        precinct=precinct,
        contest=contest,
        constituency=constituency,
        lines=lines_of[constituency],
        registered=stations.registered[precinct],
        added=stations.added[precinct],
        received=stations.received[precinct],
        in_room=stations.in_room[precinct],
        outside=stations.outside[precinct],
        absentee=stations.absentee[precinct],
        cancelled=(stations.received - stations.issued)[precinct],
        invalid=np.zeros(size, dtype=np.int64),
        votes=np.zeros((size, LINES + 1), dtype=np.int64),
        entered_at=_entry_times(rng, land, precinct),
        acknowledged=np.zeros(size, dtype=bool),
    )
    first = np.flatnonzero(contest == 0)
    protocols.invalid[first] = mazhilis.invalid[precinct[first]]
    protocols.votes[first] = mazhilis.votes[precinct[first]]
    protocols.acknowledged[first] = mazhilis.acknowledged[precinct[first]]
    _draw_votes(rng, plan, protocols, mazhilis, land)
    _spread_one_option(protocols, np.flatnonzero(contest > 0))
    _settle_leaders(plan, protocols)
    return protocols


# -- injections ------------------------------------------------------------------------------


def _inject_check_error(protocols: _Protocols, names: _Names, precinct: int) -> Injected:
    """Ten ballots received too many on the station's Mazhilis list protocol."""
    row = int(np.flatnonzero(protocols.precinct == precinct)[0])
    protocols.received[row] += 10
    detail = (
        f"received {int(protocols.received[row]):,} differs from issued"
        f" {int(protocols.issued[row]):,} + cancelled {int(protocols.cancelled[row]):,}"
    )
    return Injected("check-error", names.precinct(row), names.contest(row), detail)


def _stuff(protocols: _Protocols, plan: _Plan, names: _Names, precinct: int) -> list[Injected]:
    """Every ballot of a station: 97% of the list issued, 97% of the valid votes to Amanat
    (or to the leading line where Amanat has no candidate)."""
    constituencies = plan.constituencies()
    injected: list[Injected] = []
    for row in np.flatnonzero(protocols.precinct == precinct).tolist():
        issued = int(at_least_share(97, protocols.registered[row : row + 1])[0])
        protocols.in_room[row] += issued - int(protocols.issued[row])
        protocols.cancelled[row] = protocols.received[row] - issued
        valid = issued - int(protocols.invalid[row])
        target = _amanat_line(constituencies[int(protocols.constituency[row])])
        if target < 0:
            target = int(protocols.votes[row, : protocols.lines[row]].argmax())
        rest = np.delete(protocols.votes[row], target).astype(np.float64)
        spread = apportion(valid * 3 // 100, rest) if rest.any() else np.zeros(LINES, np.int64)
        protocols.votes[row] = np.insert(spread, target, valid - int(spread.sum()))
        detail = (
            f"{issued:,} of {int(protocols.registered[row]):,} registered voters issued ballots;"
            f" line {target + 1} has {valid - int(spread.sum()):,} of {valid:,} valid votes"
        )
        injected.append(Injected("stuffing", names.precinct(row), names.contest(row), detail))
    return injected


def _amanat_line(constituency: _Constituency) -> int:
    for line, option in enumerate(constituency.options):
        if option.get("party") == "Amanat" or option["name"] == "Amanat":
            return line
    return -1


@dataclass(frozen=True, slots=True)
class _SecondEntries:
    """Rows entered a second time, and the one field the first of them gets wrong."""

    rows: np.ndarray
    line: int
    typo: int


def _typo(value: int) -> int:
    """The value as an operator might mistype it: the last two digits swapped, or one more."""
    text = str(value)
    if value >= 10 and text[-1] != text[-2]:
        return int(text[:-2] + text[-1] + text[-2])
    return value + 1


def _second_entries(
    rng: np.random.Generator, protocols: _Protocols, names: _Names, precincts: list[int]
) -> tuple[_SecondEntries, list[Injected]]:
    """One protocol of each station entered again; the first of them with a typo on its
    leading line."""
    rows = np.array([int(rng.choice(np.flatnonzero(protocols.precinct == p))) for p in precincts])
    first = int(rows[0])
    line = int(protocols.votes[first, : protocols.lines[first]].argmax())
    value = int(protocols.votes[first, line])
    typo = _typo(value)
    detail = f"line_{line + 1}: {value:,} in the first entry, {typo:,} in the second"
    injected = [Injected("double-entry", names.precinct(first), names.contest(first), detail)]
    injected += [
        Injected("double-entry", names.precinct(r), names.contest(r), "identical entries")
        for r in rows[1:].tolist()
    ]
    return _SecondEntries(rows, line, typo), injected


def _injection_stations(
    rng: np.random.Generator, land: _Territory, stations: _Stations
) -> list[int]:
    """Distinct stations for the injections, drawn among the 200 largest with few same-day
    additions (stuffing needs 100 or more valid votes and no issue over the list)."""
    eligible = np.flatnonzero(~land.abroad & (stations.added * 100 <= 2 * stations.registered))
    largest = eligible[np.argsort(-stations.registered[eligible], kind="stable")[:200]]
    count = 1 + STUFFED_PRECINCTS + SECOND_ENTRIES
    return [int(p) for p in rng.choice(largest, count, replace=False)]


def _inject(
    seed: int,
    inject: frozenset[str],
    land: _Territory,
    stations: _Stations,
    plan: _Plan,
    protocols: _Protocols,
) -> tuple[list[Injected], _SecondEntries | None]:
    """Write the requested defects into the protocols, from a random stream of their own."""
    if not inject:
        return [], None
    rng = np.random.default_rng([seed, 1])
    names = _Names(land, plan, protocols)
    chosen = _injection_stations(rng, land, stations)
    injected: list[Injected] = []
    second: _SecondEntries | None = None
    if "check-error" in inject:
        injected.append(_inject_check_error(protocols, names, chosen[0]))
    if "stuffing" in inject:
        for precinct in chosen[1 : 1 + STUFFED_PRECINCTS]:
            injected += _stuff(protocols, plan, names, precinct)
    if "double-entry" in inject:
        second, entries = _second_entries(rng, protocols, names, chosen[1 + STUFFED_PRECINCTS :])
        injected += entries
    return injected, second


# -- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Names:
    """The precinct and contest ids of protocol rows."""

    land: _Territory
    plan: _Plan
    protocols: _Protocols

    def precinct(self, row: int) -> str:
        return self.land.precinct_ids[int(self.protocols.precinct[row])]

    def contest(self, row: int) -> str:
        return self.plan.contests[int(self.protocols.contest[row])].id


COLUMNS = (
    "precinct", "contest", "registered", "added", "received", "issued_in_room",
    "issued_outside", "issued_absentee", "cancelled", "found_stationary", "found_mobile",
    "invalid", "against_all", *[f"line_{j + 1}" for j in range(LINES)], "entry", "entered_by",
    "entered_at", "correction", "acknowledged",
)  # fmt: skip
"""The protocol columns of ``docs/election-dir.md``, in its order."""

ELECTION_NIGHT = np.datetime64("2023-03-19T20:30:00")


@dataclass(frozen=True, eq=False)
class _Labels:
    """The text columns' values, built once: precinct and contest ids, region operators and
    UTC offsets."""

    precinct: pl.Series
    contest: pl.Series
    operator: pl.Series
    verifier: pl.Series
    offset: pl.Series

    @classmethod
    def of(cls, land: _Territory, plan: _Plan) -> _Labels:
        return cls(
            precinct=pl.Series(land.precinct_ids, dtype=pl.String),
            contest=pl.Series([c.id for c in plan.contests], dtype=pl.String),
            operator=pl.Series([f"operator-{rid}" for rid in land.region_ids], dtype=pl.String),
            verifier=pl.Series([f"verifier-{rid}" for rid in land.region_ids], dtype=pl.String),
            offset=pl.Series([r.utc_offset for r in REGIONS], dtype=pl.String),
        )


def _frame(
    land: _Territory, labels: _Labels, protocols: _Protocols, rows: np.ndarray, entry: int
) -> pl.DataFrame:
    """The protocol rows ``rows`` as a table with the columns of ``docs/election-dir.md``."""
    precinct = protocols.precinct[rows]
    region = land.precinct_region[precinct]
    lines = protocols.lines[rows]
    data: dict[str, Any] = {
        "precinct": labels.precinct.gather(precinct),
        "contest": labels.contest.gather(protocols.contest[rows]),
        "registered": protocols.registered[rows],
        "added": protocols.added[rows],
        "received": protocols.received[rows],
        "issued_in_room": protocols.in_room[rows],
        "issued_outside": protocols.outside[rows],
        "issued_absentee": protocols.absentee[rows],
        "cancelled": protocols.cancelled[rows],
        "found_stationary": protocols.in_room[rows] + protocols.absentee[rows],
        "found_mobile": protocols.outside[rows],
        "invalid": protocols.invalid[rows],
        "against_all": protocols.votes[rows, AGAINST],
    }
    for j in range(LINES):
        column = pl.Series(protocols.votes[rows, j])
        data[f"line_{j + 1}"] = column.scatter(np.flatnonzero(lines <= j), None)
    data["entry"] = np.full(len(rows), entry, dtype=np.int64)
    data["entered_by"] = (labels.operator if entry == 1 else labels.verifier).gather(region)
    seconds = protocols.entered_at[rows].astype("timedelta64[s]")
    moment = pl.Series((ELECTION_NIGHT + seconds).astype("datetime64[ms]"))
    data["entered_at"] = moment.dt.strftime("%Y-%m-%dT%H:%M:%S") + labels.offset.gather(region)
    data["correction"] = pl.Series([None] * len(rows), dtype=pl.String)
    data["acknowledged"] = pl.Series(
        np.where(protocols.acknowledged[rows], "W-INVALID-SHARE", ""), dtype=pl.String
    ).replace("", None)
    return pl.DataFrame(data).select(COLUMNS)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _flat_lines(items: list[dict[str, Any]], indent: str) -> str:
    """Objects with no object inside, one a line: dumped in one call, then cut between them."""
    return indent + _compact(items)[1:-1].replace("}, {", "},\n" + indent + "{")


def _definition_text(document: dict[str, Any]) -> str:
    """The definition as JSON, one unit, precinct, constituency or body a line."""
    lines = ["{"]
    keys = list(document)
    for i, key in enumerate(keys):
        value = document[key]
        comma = "," if i < len(keys) - 1 else ""
        if key == "contests":
            lines.append(f'  "{key}": [')
            for c, contest in enumerate(value):
                head = {k: v for k, v in contest.items() if k != "constituencies"}
                lines.append(f'    {_compact(head)[:-1]}, "constituencies": [')
                items = contest["constituencies"]
                lines += [f"      {_compact(k)}{',' if j < len(items) - 1 else ''}"
                          for j, k in enumerate(items)]  # fmt: skip
                lines.append(f"    ]}}{',' if c < len(value) - 1 else ''}")
            lines.append(f"  ]{comma}")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines += [f'  "{key}": [', _flat_lines(value, "    "), f"  ]{comma}"]
        else:
            lines.append(f'  "{key}": {_compact(value)}{comma}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _description(seed: int, precincts: int) -> str:
    return (
        f"SYNTHETIC election data written by saylau (seed {seed}, {precincts:,} polling"
        " stations): not the real protocols. Official (CEC, final results of 19 March 2023):"
        f" {REGISTERED:,} registered voters in all; on the Mazhilis list ballot {BALLOTS:,}"
        " ballots and the national votes of the seven lists and against all"
        f" ({AGAINST_ALL:,}); derived from them: {INVALID:,} invalid ballots (ballots minus"
        " votes for lists and against all) and the district seats, 22 Amanat and 7"
        " self-nominated (Amanat's 62 of 98 seats minus its 40 list seats). Real: the 20"
        " regions and their districts (as best known). Invented: the polling stations, their"
        " voter lists, turnout and votes, every ballot other than the Mazhilis list ballot,"
        " candidates and their names, maslikhat sizes, list lengths, the registration order,"
        " and who entered each protocol when. Stations abroad vote only on the Mazhilis"
        " list ballot (a simplification)."
    )


def _document(seed: int, land: _Territory, stations: _Stations, plan: _Plan) -> dict[str, Any]:
    territory: list[dict[str, Any]] = [{"id": "KZ", "name": "Kazakhstan", "level": "nation"}]
    territory += [{"id": rid, "name": r.name, "level": "region", "parent": "KZ"}
                  for rid, r in zip(land.region_ids, REGIONS, strict=True)]  # fmt: skip
    territory += [
        {"id": did, "name": name, "level": "district", "parent": land.region_ids[int(r)]}
        for did, name, r in zip(land.district_ids, land.district_names,
                                land.district_region.tolist(), strict=True)
    ]  # fmt: skip
    voters = stations.voters.tolist()
    precincts: list[dict[str, Any]] = []
    for p, (pid, name) in enumerate(zip(land.precinct_ids, land.precinct_names, strict=True)):
        d = int(land.precinct_district[p])
        parent = land.district_ids[d] if d >= 0 else land.region_ids[ABROAD_REGION]
        entry: dict[str, Any] = {"id": pid, "name": name, "parent": parent, "voters": voters[p]}
        if d < 0:
            entry["abroad"] = True
        precincts.append(entry)
    contests = [
        {"id": c.id, "name": c.name, "ballot": c.ballot,
         "constituencies": [{"id": k.id, "name": k.name, "covers": k.covers,
                             "options": k.options} for k in c.constituencies]}
        for c in plan.contests
    ]  # fmt: skip
    return {
        "format": "saylau.election/1",
        "id": "kz-2023",
        "name": "Elections of 19 March 2023 (synthetic)",
        "date": "2023-03-19",
        "synthetic": True,
        "description": _description(seed, land.precincts),
        "sources": list(SOURCES),
        "double_entry": False,
        "territory": territory,
        "precincts": precincts,
        "contests": contests,
        "bodies": plan.bodies,
    }


def _write_protocols(
    folder: Path, land: _Territory, labels: _Labels, protocols: _Protocols
) -> list[Path]:
    """One file of first entries per region; stations abroad are Astana's."""
    table = _frame(land, labels, protocols, np.arange(len(protocols)), 1)
    bounds = np.searchsorted(land.precinct_region[protocols.precinct], np.arange(len(REGIONS) + 1))
    files: list[Path] = []
    for r, rid in enumerate(land.region_ids):
        path = folder / f"{rid}.csv"
        table.slice(int(bounds[r]), int(bounds[r + 1] - bounds[r])).write_csv(path)
        files.append(path)
    return files


def _write_second_entries(
    folder: Path, land: _Territory, labels: _Labels, protocols: _Protocols, second: _SecondEntries
) -> Path:
    """The second entries, half an hour after the first, with the first one's typo."""
    first = int(second.rows[0])
    original = int(protocols.votes[first, second.line])
    protocols.entered_at[second.rows] += 1800
    protocols.votes[first, second.line] = second.typo
    path = folder / SECOND_ENTRY_FILE
    _frame(land, labels, protocols, second.rows, 2).write_csv(path)
    protocols.votes[first, second.line] = original
    protocols.entered_at[second.rows] -= 1800
    return path


# -- the generator ---------------------------------------------------------------------------


def generate_kz_2023(
    out_dir: Path,
    *,
    seed: int = 2023,
    precincts: int = DEFAULT_PRECINCTS,
    inject: frozenset[str] = frozenset(),
) -> Generated:
    """Write the synthetic elections of 19 March 2023 into ``out_dir``: ``election.json`` and
    one protocol file per region (``protocols/R01.csv`` ... ``R20.csv``), plus
    ``protocols/zz-second-entry.csv`` with the double-entry injection.

    ``precincts`` (500 to 250,000) scales the territory; the national Mazhilis list totals and
    the registered voters stay the official ones. ``inject`` names defects from
    :data:`INJECTIONS`; they are drawn from their own random stream, so the rest of the data is
    the same with or without them.
    """
    known = {name for name, _ in INJECTIONS}
    unknown = sorted(set(inject) - known)
    if unknown:
        raise ValueError(f"unknown injection {unknown[0]!r}; known: {', '.join(sorted(known))}")
    if not MIN_PRECINCTS <= precincts <= MAX_PRECINCTS:
        raise ValueError(
            f"precincts must be {MIN_PRECINCTS:,} to {MAX_PRECINCTS:,}, got {precincts:,}"
        )
    rng = np.random.default_rng(seed)
    land = _territory(rng, precincts)
    stations = _stations(rng, land)
    mazhilis = _list_votes(rng, land, stations)
    plan = _plan(rng, land, stations)
    protocols = _protocols(rng, land, stations, mazhilis, plan)
    injected, second = _inject(seed, inject, land, stations, plan, protocols)

    out_dir.mkdir(parents=True, exist_ok=True)
    folder = out_dir / "protocols"
    folder.mkdir(exist_ok=True)
    definition = out_dir / "election.json"
    definition.write_text(_definition_text(_document(seed, land, stations, plan)), encoding="utf-8")
    labels = _Labels.of(land, plan)
    files = _write_protocols(folder, land, labels, protocols)
    if second is not None:
        files.append(_write_second_entries(folder, land, labels, protocols, second))
    else:
        (folder / SECOND_ENTRY_FILE).unlink(missing_ok=True)
    return Generated(
        out_dir=out_dir,
        definition=definition,
        protocol_files=tuple(files),
        seed=seed,
        precincts=land.precincts,
        abroad=int(land.abroad.sum()),
        regions=len(REGIONS),
        districts=len(land.district_ids),
        contests=len(plan.contests),
        protocols=len(protocols),
        second_entries=0 if second is None else len(second.rows),
        registered=int(stations.registered.sum()),
        official_totals="stuffing" not in inject,
        acknowledged=int(protocols.acknowledged.sum()),
        injected=tuple(injected),
    )
