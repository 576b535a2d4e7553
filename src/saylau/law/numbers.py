"""Exact numbers for display: fractions shown as decimals, never used as floats in decisions."""

from __future__ import annotations

from fractions import Fraction

Exact = int | Fraction
"""An exact quantity: an integer or a fraction. Floats never appear in a decision."""


def decimal_text(value: Exact, places: int = 2) -> str:
    """Render an exact value as a grouped decimal, rounded half-up for display only.

    >>> decimal_text(Fraction(5971719, 69))
    '86,546.65'
    """
    value = Fraction(value)
    sign = "-" if value < 0 else ""
    scaled = abs(value) * 10**places
    rounded = int(scaled + Fraction(1, 2))
    whole, frac = divmod(rounded, 10**places)
    text = f"{whole:,}"
    if places:
        text += "." + str(frac).rjust(places, "0")
    return sign + text


def percent_text(part: int, whole: int, places: int = 2) -> str:
    """``part`` as a percentage of ``whole`` for display, e.g. ``'53.90%'``."""
    if whole == 0:
        return "n/a"
    return decimal_text(Fraction(100 * part, whole), places) + "%"


def exact_json(value: Exact) -> int | dict[str, int | str]:
    """An exact value in JSON: integers as they are, fractions as numerator and denominator
    with a display decimal beside them."""
    if isinstance(value, int) or value.denominator == 1:
        return int(value)
    return {
        "numerator": value.numerator,
        "denominator": value.denominator,
        "decimal": decimal_text(value, 6).replace(",", ""),
    }
