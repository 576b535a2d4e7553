"""An election directory: ``election.json``, ``protocols/`` and optional ``lots.json``.

The protocol files are the durable record. Loading replays them in name order into a
:class:`Ledger`; importing a new file checks it against everything already on record and
copies it in only if it is accepted whole and changes something (see ``docs/election-dir.md``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from saylau.count.ballots_json import LotsIn
from saylau.count.definition import Election, read_definition
from saylau.count.errors import InputError, read_text
from saylau.count.ledger import ImportReport, Ledger
from saylau.count.protocols import READERS, FileRefused, read_protocols
from saylau.law.ties import Lots, TieInputError

PROTOCOLS = "protocols"
LOTS = "lots.json"
LOCK = ".import.lock"
"""Held while a file is imported, in the election directory itself."""
IMPORTED = "~"
"""Imported files are named ``~000001-<name>`` so that they sort after the files already there."""

Step = Callable[[str], None]


@dataclass(frozen=True, eq=False)
class Loaded:
    """An election directory read into memory."""

    directory: Path
    election: Election
    ledger: Ledger
    imports: tuple[ImportReport, ...]
    lots: dict[str, dict[str, Lots]]


def protocol_files(directory: Path) -> list[Path]:
    """The protocol files of a directory, in the order they are applied (by name). Hidden
    files (a name starting with a dot: temporary files, ``._x.csv`` from a Mac) are not."""
    folder = directory / PROTOCOLS
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in READERS and p.is_file() and not p.name.startswith(".")
    )


def read_lots(directory: Path, election: Election) -> dict[str, dict[str, Lots]]:
    """Recorded drawings of lots: ``{body: {contest or tier: {"order": [...], "record": ...}}}``."""
    path = directory / LOTS
    if not path.exists():
        return {}
    source = str(path)
    try:
        document = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise InputError(source, f"line {error.lineno}", "", f"not JSON: {error.msg}") from None
    if not isinstance(document, dict):
        raise InputError(source, "", "", "expected an object keyed by body id")
    bodies = {body.id for body in election.file.bodies}
    out: dict[str, dict[str, Lots]] = {}
    for body, drawings in document.items():
        if body not in bodies:
            raise InputError(source, "", body, f"unknown body; expected one of {sorted(bodies)}")
        if not isinstance(drawings, dict):
            raise InputError(source, body, "", "expected an object keyed by contest or tier")
        out[body] = {}
        for name, entry in drawings.items():
            try:
                lots = LotsIn.model_validate(entry)
            except ValidationError as error:
                problem = error.errors()[0]
                raise InputError(source, f"{body}.{name}", "", problem["msg"]) from None
            try:
                out[body][name] = Lots(tuple(lots.order), lots.record)
            except TieInputError as error:
                raise InputError(source, f"{body}.{name}", "", str(error)) from None
    return out


def load(directory: Path, step: Step | None = None) -> Loaded:
    """Read the definition and replay every protocol file. A refused file stops the load:
    the directory holds a file that should never have been put there."""
    election = read_definition(directory / "election.json")
    lots = read_lots(directory, election)
    ledger = Ledger(election)
    imports: list[ImportReport] = []
    for path in protocol_files(directory):
        if step:
            step(path.name)
        imports.append(ledger.apply(read_protocols(path, election)))
    return Loaded(directory, election, ledger, tuple(imports), lots)


@contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    """Hold the directory's import lock: one import at a time, from reading the record to
    placing the new file."""
    (directory / PROTOCOLS).mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def import_files(directory: Path, paths: list[Path]) -> Iterator[ImportReport]:
    """Check each file against the directory's record and, if it is accepted whole and changes
    something, copy it into ``protocols/`` after the files already there. Files are taken in
    turn under the directory's lock; a refused file raises :class:`FileRefused` (the files
    before it stay imported, nothing of it is kept)."""
    with _exclusive(directory):
        loaded = load(directory)
        for path in paths:
            report = loaded.ledger.apply(read_protocols(path, loaded.election))
            if report.changed_anything:
                target = _place(directory, path)
                report = replace(report, source=str(target))
            yield report


def import_file(directory: Path, path: Path) -> ImportReport:
    """Import one file (see :func:`import_files`)."""
    return next(iter(import_files(directory, [path])))


def _place(directory: Path, path: Path) -> Path:
    """Copy an accepted file into ``protocols/`` under a name that sorts after the others,
    durably: written to a temporary name, flushed to disk, then renamed."""
    folder = directory / PROTOCOLS
    existing = protocol_files(directory)
    imported = [p for p in existing if p.name.startswith(IMPORTED)]
    target = folder / f"{IMPORTED}{len(imported) + 1:06d}-{path.name}"
    if target.exists() or (existing and target.name <= existing[-1].name):
        raise FileRefused(
            str(path),
            [
                InputError(
                    str(folder),
                    "",
                    "",
                    f"cannot place the import after {existing[-1].name!r} in name order;"
                    " rename that file",
                )
            ],
        )
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".importing-")
    os.close(handle)
    try:
        shutil.copyfile(path, temporary)
        with open(temporary, "rb") as copied:
            os.fsync(copied.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


__all__ = [
    "FileRefused",
    "Loaded",
    "import_file",
    "import_files",
    "load",
    "protocol_files",
    "read_lots",
]
