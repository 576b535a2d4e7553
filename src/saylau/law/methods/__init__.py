"""Seat allocation methods, by the names the command line and rulebooks use."""

from __future__ import annotations

from fractions import Fraction

from saylau.law.methods.allocation import Allocation, AllocationInputError
from saylau.law.methods.divisor import (
    ADAMS,
    DANISH,
    DEAN,
    DHONDT,
    HUNTINGTON_HILL,
    IMPERIALI,
    SAINTE_LAGUE,
    DivisorMethod,
    modified_sainte_lague,
)
from saylau.law.methods.quota import (
    DROOP_LR,
    HAGENBACH_BISCHOFF_LR,
    HARE_LR,
    IMPERIALI_LR,
    LargestRemainder,
)

Method = DivisorMethod | LargestRemainder

METHOD_NAMES: tuple[str, ...] = (
    "dhondt",
    "sainte-lague",
    "modified-sainte-lague",
    "huntington-hill",
    "adams",
    "dean",
    "danish",
    "imperiali",
    "hare",
    "droop",
    "hagenbach-bischoff",
    "imperiali-quota",
)


def method_by_name(name: str, *, first_divisor: Fraction | None = None) -> Method:
    """The method a command-line name stands for; ``first_divisor`` serves the modified
    Sainte-Laguë method (default 1.4)."""
    fixed: dict[str, Method] = {
        "dhondt": DHONDT,
        "sainte-lague": SAINTE_LAGUE,
        "huntington-hill": HUNTINGTON_HILL,
        "adams": ADAMS,
        "dean": DEAN,
        "danish": DANISH,
        "imperiali": IMPERIALI,
        "hare": HARE_LR,
        "droop": DROOP_LR,
        "hagenbach-bischoff": HAGENBACH_BISCHOFF_LR,
        "imperiali-quota": IMPERIALI_LR,
    }
    if name == "modified-sainte-lague":
        return modified_sainte_lague(first_divisor or Fraction(7, 5))
    if name not in fixed:
        raise AllocationInputError(
            f"unknown method {name!r}; choose one of: {', '.join(METHOD_NAMES)}"
        )
    return fixed[name]


__all__ = [
    "ADAMS",
    "DANISH",
    "DEAN",
    "DHONDT",
    "DROOP_LR",
    "HAGENBACH_BISCHOFF_LR",
    "HARE_LR",
    "HUNTINGTON_HILL",
    "IMPERIALI",
    "IMPERIALI_LR",
    "METHOD_NAMES",
    "SAINTE_LAGUE",
    "Allocation",
    "AllocationInputError",
    "DivisorMethod",
    "LargestRemainder",
    "Method",
    "method_by_name",
    "modified_sainte_lague",
]
