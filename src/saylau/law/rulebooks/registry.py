"""Finding a rulebook by body and date, or by a reference such as ``kz.mazhilis@2023-03-19``."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from saylau.law.rulebooks.rulebook import Rulebook


class RulebookNotFound(LookupError):
    """No rulebook matches the name or the date."""


class Registry:
    """Rulebooks by id, each id a series of dated versions that must not overlap."""

    def __init__(self, rulebooks: tuple[Rulebook, ...]) -> None:
        by_id: dict[str, list[Rulebook]] = {}
        for rulebook in rulebooks:
            by_id.setdefault(rulebook.id, []).append(rulebook)
        for versions in by_id.values():
            versions.sort(key=lambda r: r.valid_from)
            for earlier, later in pairwise(versions):
                if earlier.valid_to is None or earlier.valid_to > later.valid_from:
                    raise ValueError(f"{earlier.ref} overlaps {later.ref}")
        self._by_id = by_id

    def all(self) -> list[Rulebook]:
        return [r for versions in self._by_id.values() for r in versions]

    def ids(self) -> list[str]:
        return sorted(self._by_id)

    def on(self, rulebook_id: str, day: date | str) -> Rulebook:
        """The version of ``rulebook_id`` in force on ``day`` (a date or ``YYYY-MM-DD``)."""
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                raise RulebookNotFound(f"{day!r}: expected a date as YYYY-MM-DD") from None
        if rulebook_id not in self._by_id:
            raise RulebookNotFound(
                f"unknown rulebook {rulebook_id!r}; known: {', '.join(self.ids())}"
            )
        for rulebook in self._by_id[rulebook_id]:
            if rulebook.covers(day):
                return rulebook
        spans = "; ".join(r.validity() for r in self._by_id[rulebook_id])
        raise RulebookNotFound(f"{rulebook_id} has no version in force on {day} ({spans})")

    def find(self, reference: str) -> Rulebook:
        """A rulebook by ``id@YYYY-MM-DD`` (the version in force that day) or by plain ``id``
        when only one version exists."""
        rulebook_id, _, when = reference.partition("@")
        if when:
            try:
                day = date.fromisoformat(when)
            except ValueError:
                raise RulebookNotFound(
                    f"{reference!r}: the date after '@' must be YYYY-MM-DD"
                ) from None
            return self.on(rulebook_id, day)
        versions = self._by_id.get(rulebook_id)
        if not versions:
            raise RulebookNotFound(
                f"unknown rulebook {rulebook_id!r}; known: {', '.join(self.ids())}"
            )
        if len(versions) > 1:
            refs = ", ".join(r.ref for r in versions)
            raise RulebookNotFound(f"{rulebook_id} has several versions; name one by date: {refs}")
        return versions[0]
