"""Citations: the article of law a rule implements."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Citation:
    """A reference to the provision a rule implements, e.g. ``Elections Law art. 97-1 p. 4``.

    ``source`` names the act; ``article`` the article and paragraph; ``note`` says how sure we
    are or what the reference is for. An engine convention that no law states is cited with
    ``source="saylau convention"`` so that it is never mistaken for law.
    """

    source: str
    article: str = ""
    note: str = ""

    def __str__(self) -> str:
        text = f"{self.source} {self.article}".strip()
        return f"{text} ({self.note})" if self.note else text

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "article": self.article, "note": self.note}


CONVENTION = Citation("saylau convention")
"""Cited by steps that follow an engine convention rather than a provision of law."""
