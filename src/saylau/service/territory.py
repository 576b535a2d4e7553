"""An election's territorial tree, as the permissions read it: which precincts an area covers.

An account's area is a territorial unit (a region or a district, for a territorial commission)
or a precinct (for a precinct commission); a unit covers every precinct below it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from saylau.count.definition import Election, Level


@dataclass(frozen=True)
class Territory:
    """The units and precincts of one election, each precinct with the units above it."""

    election: str
    units: Mapping[str, Level]
    precincts: Mapping[str, tuple[str, ...]]
    """Each precinct's units, nearest first (district, region, nation)."""

    @classmethod
    def of(cls, election: Election) -> Territory:
        parent = {unit.id: unit.parent for unit in election.file.territory}
        chains: dict[str, tuple[str, ...]] = {}
        for precinct in election.file.precincts:
            chain: list[str] = []
            unit: str | None = precinct.parent
            while unit is not None:
                chain.append(unit)
                unit = parent[unit]
            chains[precinct.id] = tuple(chain)
        return cls(election.id, {unit.id: unit.level for unit in election.file.territory}, chains)

    def is_unit(self, area: str) -> bool:
        return area in self.units

    def is_precinct(self, area: str) -> bool:
        return area in self.precincts

    def covers(self, area: str, precinct: str) -> bool:
        """Is the precinct the area itself, or below it?"""
        return area == precinct or area in self.precincts.get(precinct, ())
