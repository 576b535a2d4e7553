"""A house's seats as a hemicycle: an inline SVG drawn by parliamentarch.

Parties sit from left to right in :func:`seating_order`: most seats first, equal seats by name.
Each party has one colour: a fixed colour for the parties that stand in Kazakh elections
(:data:`KNOWN_COLOURS`, matched on the name without case, spaces or punctuation, under a few
common spellings), otherwise a colour derived from a SHA-256 hash of the name, so that a party
looks the same in every report, on every machine, in every run. The colours are chosen to be
told apart; they are not the parties' official colours.
"""

from __future__ import annotations

import colorsys
import hashlib
import html
import re
import unicodedata
from collections.abc import Mapping

from parliamentarch import SeatData, get_svg_from_attribution

from saylau.law.ballots import SELF_NOMINATED

HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

_PALETTE: dict[str, tuple[str, tuple[str, ...]]] = {
    # colour: (the name used here, other spellings)
    "#1f5aa6": ("Amanat", ("Nur Otan", "Аманат", "Нұр Отан", "Нур Отан")),
    "#5bb8e8": ("Ak Zhol", ("Ak Zhol Democratic Party", "Ақ жол", "Ак жол")),
    "#c9a227": ("Auyl", ("Auyl People's Democratic Patriotic Party", "Ауыл")),
    "#f28e1c": ("Respublica", ("Республика",)),
    "#c62828": (
        "People's Party of Kazakhstan",
        ("QHP", "People's Party", "Qazaqstan Halyq Partiyasy", "Communist People's Party"),
    ),
    "#d6619a": (
        "OSDP",
        ("JSDP", "NSDP", "OSDP/JSDP", "Nationwide Social Democratic Party", "ЖСДП", "ОСДП"),
    ),
    "#43a047": ("Baytaq", ("Baytaq Green Party", "Байтақ")),
    "#9e9e9e": (SELF_NOMINATED, ("Independent", "Independents", "Самовыдвиженец")),
}


def name_key(name: str) -> str:
    """A party name reduced for matching: case folded, letters and digits only."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


KNOWN_COLOURS: dict[str, str] = {
    name_key(spelling): colour
    for colour, (name, others) in _PALETTE.items()
    for spelling in (name, *others)
}
"""Fixed colours of the parties of Kazakh elections, keyed by :func:`name_key`."""


def hashed_colour(name: str) -> str:
    """A colour from the SHA-256 of the name: the hue from the hash, saturation and lightness
    kept in a band where seats stand out on white and white text stays readable."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    saturation = 0.45 + digest[2] / 255 * 0.25
    lightness = 0.38 + digest[3] / 255 * 0.14
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in (red, green, blue))


def party_colour(name: str) -> str:
    """The colour of a party: its fixed colour if it is known, else :func:`hashed_colour`."""
    return KNOWN_COLOURS.get(name_key(name)) or hashed_colour(name)


OPEN_SEATS = "Not yet decided"
"""The title of the seats drawn empty: not yet decided by the count or by the law."""
OPEN_FILL, OPEN_BORDER = "#ffffff", "#8a8f96"


def seating_order(seats: Mapping[str, int]) -> list[str]:
    """The parties that hold seats, left to right: most seats first, equal seats by name."""
    return sorted((party for party, n in seats.items() if n > 0), key=lambda p: (-seats[p], p))


def _checked(seats: Mapping[str, int], colours: Mapping[str, str], open_seats: int) -> None:
    for party, n in [*seats.items(), (OPEN_SEATS, open_seats)]:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"{party!r}: seats must be a whole number, 0 or more; got {n!r}")
    for party, colour in colours.items():
        if not HEX_COLOUR.fullmatch(colour):
            raise ValueError(f"{party!r}: colour must be #rgb or #rrggbb; got {colour!r}")


_SVG_TAG = re.compile(r'<svg\b[^>]*\bwidth="([0-9.]+)"[^>]*\bheight="([0-9.]+)"[^>]*>')


def _inline(svg: str, label: str) -> str:
    """parliamentarch's document as an element that scales: no XML declaration, a viewBox, and
    an accessible name."""
    start = svg.find("<svg")
    svg = svg[start:].strip() if start >= 0 else svg.strip()
    tag = _SVG_TAG.match(svg)
    if tag is None:
        return svg
    width, height = tag.group(1), tag.group(2)
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-label="{label}">'
    )
    return opening + svg[tag.end() :]


def hemicycle_svg(
    seats: Mapping[str, int],
    colours: Mapping[str, str] | None = None,
    *,
    open_seats: int = 0,
    label: str | None = None,
    open_title: str = OPEN_SEATS,
) -> str:
    """An ``<svg>`` hemicycle with one circle per seat, the parties in :func:`seating_order`,
    then ``open_seats`` empty circles (seats not yet decided) on the right.

    ``colours`` overrides :func:`party_colour` for the parties it names (``#rgb`` or
    ``#rrggbb``). The element carries a ``viewBox`` so it scales to its container, and an
    ``aria-label`` that lists the seats; each party's circles are a group titled with its name
    (escaped). The output depends only on the arguments.

    ``label`` replaces the English accessible name and ``open_title`` the title of the open
    seats (both escaped), for a page in another language.
    """
    colours = dict(colours or {})
    _checked(seats, colours, open_seats)
    order = seating_order(seats)
    attribution = {
        SeatData(party, colours.get(party) or party_colour(party)): seats[party] for party in order
    }
    if open_seats:
        attribution[SeatData(open_title, OPEN_FILL, 0.12, OPEN_BORDER)] = open_seats
    if label is None:
        total = sum(attribution.values())
        label = f"{total} seats" + "".join(f"; {party} {seats[party]}" for party in order)
        if open_seats:
            label += f"; {OPEN_SEATS.lower()} {open_seats}"
    svg = get_svg_from_attribution(attribution)
    return _inline(svg, html.escape(label, quote=True))


__all__ = [
    "KNOWN_COLOURS",
    "OPEN_SEATS",
    "hashed_colour",
    "hemicycle_svg",
    "name_key",
    "party_colour",
    "seating_order",
]
