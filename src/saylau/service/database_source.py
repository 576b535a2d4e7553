"""The public pages' :class:`~saylau.service.sources.ResultsSource` over the service's database.

The count is the one the JSON API serves (``ResultsCache``: approved protocols counted by
``saylau.count``), so the pages and ``/api/.../results`` always agree; progress over time is
the stored snapshots, with the present moment added at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from saylau.count.tally import Count
from saylau.service.db import Database
from saylau.service.elections import known_election
from saylau.service.errors import NotFound
from saylau.service.models import ElectionRecord
from saylau.service.results import ResultsCache, progress_history
from saylau.service.sources import (
    ElectionSummary,
    PrecinctProtocols,
    ProgressPoint,
    UnknownElection,
    precinct_protocols,
    progress_point,
)


class DatabaseSource:
    """Results read from the database, through the same cache as the JSON API."""

    def __init__(self, database: Database, cache: ResultsCache) -> None:
        self._database = database
        self._cache = cache

    def elections(self) -> list[ElectionSummary]:
        with self._database.read() as session:
            ids = list(session.scalars(select(ElectionRecord.id).order_by(ElectionRecord.id)))
            summaries = []
            for election_id in ids:
                file = known_election(session, election_id).election.file
                summaries.append(ElectionSummary(file.id, file.name, file.date))
            return summaries

    def count(self, election_id: str) -> Count:
        with self._database.read() as session:
            try:
                return self._cache.get(session, election_id).count
            except NotFound:
                raise UnknownElection(election_id) from None

    def progress(self, election_id: str) -> list[ProgressPoint]:
        count = self.count(election_id)
        with self._database.read() as session:
            history = [
                ProgressPoint(
                    p.at, p.protocols_approved, p.protocols_expected, p.voters_in, p.voters_expected
                )
                for p in progress_history(session, election_id)
            ]
        return [*history, progress_point(count, datetime.now(UTC))]

    def precinct(self, election_id: str, precinct_id: str) -> PrecinctProtocols:
        return precinct_protocols(self.count(election_id), precinct_id)
