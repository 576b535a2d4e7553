"""Input errors that say where: the file, the row or path, the field, and what was expected."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class InputError(Exception):
    """Bad input, located precisely enough for a clerk to find and fix it.

    ``where`` is a row (``row 4``) or a path in a JSON document (``contests[2].candidates[0]``).
    """

    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        location = ", ".join(
            part for part in (self.where, f"field '{self.field}'" if self.field else "") if part
        )
        return (
            f"{self.file}: {location}: {self.message}"
            if location
            else (f"{self.file}: {self.message}")
        )


def read_text(path: Path) -> str:
    """A whole UTF-8 file (a BOM is dropped), or an :class:`InputError` saying why not."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(path), "", "", "no such file") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "", "", "the file is not UTF-8 text") from None
    except OSError as error:
        raise InputError(str(path), "", "", f"cannot read the file: {error.strerror}") from None


class _DuplicateKey(ValueError):
    """A JSON object names the same field twice."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _DuplicateKey(next(key for key in keys if keys.count(key) > 1))
    return dict(pairs)


def load_json(text: str, source: str) -> Any:
    """Decode a JSON document strictly: a field named twice in one object is an error (JSON
    readers would silently keep the last one), and so is a syntax error, with its line."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as twice:
        raise InputError(
            source, "", str(twice), "the field appears twice in one object; keep one"
        ) from None
    except RecursionError:
        raise InputError(source, "", "", "the JSON is nested too deeply") from None
    except json.JSONDecodeError as broken:
        raise InputError(
            source,
            f"line {broken.lineno}, column {broken.colno}",
            "",
            f"not valid JSON: {broken.msg}",
        ) from None
