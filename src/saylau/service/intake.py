"""The intake of protocol entries on a busy night: entries that arrive together are written
together (group commit).

On an election night thousands of clerks send entries within minutes. Written one per
transaction, each entry pays for a whole transaction: reading its account and its protocol,
locking the audit chain, and making the commit durable, while the other writers wait (SQLite
lets one writer in at a time). :class:`Intake` keeps one writer per worker process: a request
hands its entry over and waits; the writer takes every entry waiting at that moment and stores
them in one transaction with :func:`saylau.service.workflow.enter_all` (one query for their
accounts, one for their protocols, one flush, one stretch of the audit chain, one commit).

What a clerk sees does not change:

- each entry is checked, refused or stored exactly as :func:`~saylau.service.workflow.enter`
  would alone, in the order the entries arrived;
- an answer is given only after the commit that stored the entry returned (with SQLite's
  ``synchronous=FULL``, after it is on disk), so an acknowledged entry survives a crash;
- a refused entry changes nothing, and does not hold back the others;
- if the transaction fails as a whole (another worker changed one of its protocols in the same
  instant), its entries are tried again one transaction each, so only the entry that really
  met a conflict is refused with it.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from saylau.service import accounts, workflow
from saylau.service.db import Database
from saylau.service.errors import ServiceError, unknown_token

SWITCH_INTERVAL = 0.002
"""Seconds a thread runs before Python offers the GIL to another (``sys.setswitchinterval``)
in a process with an intake."""
IDLE_SECONDS = 60.0
"""A writer with nothing to write for this long stops; the next entry starts another."""
MAX_BATCH = 64
"""At most this many entries in one transaction (a bound on how long the writer holds it)."""


Answer = Callable[[workflow.Outcome | BaseException], None]


@dataclass(eq=False)
class _Waiting:
    """An entry handed to the writer, and how to give its request the answer."""

    token: str
    request: workflow.EntryRequest
    answer: Answer


class Intake:
    """One writer of entries for this process (started at the first entry)."""

    def __init__(self, database: Database, max_batch: int = MAX_BATCH) -> None:
        self.database = database
        self.max_batch = max_batch
        self._queue: deque[_Waiting] = deque()
        self._ready = threading.Condition()
        self._writer: threading.Thread | None = None
        self.transactions = 0
        """How many write transactions the intake has begun (for tests and measurements)."""

    @property
    def waiting(self) -> int:
        """How many entries wait for the writer now."""
        with self._ready:
            return len(self._queue)

    async def enter(self, token: str, request: workflow.EntryRequest) -> workflow.Outcome:
        """Store an entry made by the holder of ``token``; return once it is committed, or
        raise its refusal (a :class:`ServiceError`). The event loop goes on meanwhile."""
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[workflow.Outcome] = loop.create_future()

        def settle(result: workflow.Outcome | BaseException) -> None:
            if answered.done():
                return
            if isinstance(result, BaseException):
                answered.set_exception(result)
            else:
                answered.set_result(result)

        def from_the_writer(result: workflow.Outcome | BaseException) -> None:
            loop.call_soon_threadsafe(settle, result)

        self._hand_over(_Waiting(token, request, from_the_writer))
        return await answered

    def enter_and_wait(self, token: str, request: workflow.EntryRequest) -> workflow.Outcome:
        """:meth:`enter` for a caller outside an event loop: blocks until the answer."""
        answered = threading.Event()
        box: list[workflow.Outcome | BaseException] = []

        def settle(result: workflow.Outcome | BaseException) -> None:
            box.append(result)
            answered.set()

        self._hand_over(_Waiting(token, request, settle))
        answered.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def _hand_over(self, waiting: _Waiting) -> None:
        with self._ready:
            if self._writer is None or not self._writer.is_alive():
                # The writer holds the database's write lock: while it waits for the GIL
                # (Python hands it over every 5 ms by default), every writer waits.
                sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
                self._writer = threading.Thread(
                    target=self._write_forever, name="saylau-intake", daemon=True
                )
                self._writer.start()
            self._queue.append(waiting)
            self._ready.notify()

    def _write_forever(self) -> None:
        """Write batches while entries come; stop after ``IDLE_SECONDS`` without any (the next
        entry starts a new writer)."""
        while True:
            with self._ready:
                if not self._queue:
                    self._ready.wait(IDLE_SECONDS)
                if not self._queue:
                    self._writer = None
                    return
                batch = [
                    self._queue.popleft() for _ in range(min(len(self._queue), self.max_batch))
                ]
            self._write(batch)

    def _write(self, batch: list[_Waiting]) -> None:
        """Store a batch in one transaction and answer each entry; on a conflict of the whole
        transaction, store its entries one transaction each."""
        self.transactions += 1
        try:
            with self.database.write() as session:
                users = accounts.users_for_tokens(session, [w.token for w in batch])
                signed_in = [w for w in batch if w.token in users]
                requests = [replace(w.request, user=users[w.token]) for w in signed_in]
                results = workflow.enter_all(session, requests)
        except ServiceError as conflict:
            if len(batch) == 1:
                batch[0].answer(conflict)
            else:
                for waiting in batch:
                    self._write([waiting])
            return
        except BaseException as failure:  # nothing was committed: no entry is acknowledged
            for waiting in batch:
                waiting.answer(failure)
            if not isinstance(failure, Exception):
                raise
            return
        for waiting in batch:
            if waiting.token not in users:
                waiting.answer(unknown_token())
        for waiting, result in zip(signed_in, results, strict=True):
            waiting.answer(result)
