"""Input errors that say where: the file, the row or path, the field, and what was expected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
