"""The languages of the public pages: Kazakh, Russian, English and Arabic (right to left).

Each language has one catalog, ``<code>.json`` beside this module: a flat object from message
key to text, with ``{name}`` placeholders filled by :meth:`Catalog.t`. Every catalog holds the
same keys (a test holds them to the keys the templates use).

The language of a request is the one asked for with ``?lang=xx`` (then kept in a cookie), else
the cookie's, else the first of ``Accept-Language`` that the pages speak, else English.

Numbers are shown with the language's grouping and decimal signs (``1,234,567`` in English and
Arabic, ``1 234 567`` in Kazakh and Russian); the digits, and so the values, never change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Literal

LANGUAGES = ("kk", "ru", "en", "ar")
"""The languages of the pages, in the order of the language switcher."""
DEFAULT = "en"
COOKIE = "saylau_lang"
"""The cookie that keeps the chosen language."""
RIGHT_TO_LEFT = frozenset({"ar"})
ENDONYMS = MappingProxyType({"kk": "Қазақша", "ru": "Русский", "en": "English", "ar": "العربية"})
"""Each language in itself, as the switcher names it."""

NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """How a language writes numbers: the thousands separator, the decimal sign, and what
    goes before the percent sign."""

    group: str
    decimal: str
    before_percent: str = ""


NUMBER_STYLES = MappingProxyType(
    {
        "en": NumberStyle(",", "."),
        "ar": NumberStyle(",", "."),
        "kk": NumberStyle(NBSP, ",", NBSP),
        "ru": NumberStyle(NBSP, ",", NBSP),
    }
)
"""Latin digits in every language; only the signs around them change."""


@dataclass(frozen=True)
class Catalog:
    """One language's messages and number style."""

    language: str
    messages: MappingProxyType[str, str]

    @property
    def direction(self) -> Literal["ltr", "rtl"]:
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"

    def t(self, key: str, /, **values: object) -> str:
        """The message ``key`` with its placeholders filled (plain text: the page escapes it).
        An unknown key raises ``KeyError``: a page never shows a key instead of a text."""
        text = self.messages[key]
        return text.format(**values) if values else text

    def number(self, value: int | None) -> str:
        """A whole number with the language's thousands separator; empty for none."""
        if value is None:
            return ""
        return f"{value:,}".replace(",", NUMBER_STYLES[self.language].group)

    def decimal(self, text: str) -> str:
        """A display decimal or percentage made by saylau (``'86,546.65'``, ``'53.90%'``)
        in the language's signs; ``'n/a'`` (a share of nothing) becomes a dash."""
        if text in ("", "n/a"):
            return "—" if text else ""
        style = NUMBER_STYLES[self.language]
        signs: dict[str, str | int | None] = {",": style.group, ".": style.decimal}
        shown = text.translate(str.maketrans(signs))
        if shown.endswith("%"):
            shown = shown[:-1] + style.before_percent + "%"
        return shown


@cache
def catalogs() -> dict[str, Catalog]:
    """Every language's catalog, read once from the package."""
    folder = files(__name__)
    out = {}
    for language in LANGUAGES:
        messages = json.loads((folder / f"{language}.json").read_text(encoding="utf-8"))
        out[language] = Catalog(language, MappingProxyType(messages))
    return out


def accepted_languages(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header that the pages speak, most wanted first
    (``kk-KZ`` counts as ``kk``; ``q=0`` refuses; equal weights keep the header's order)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = tag.split("-")[0].lower()
        if language in LANGUAGES and weight > 0:
            weighted.append((-weight, position, language))
    ordered: list[str] = []
    for _, _, language in sorted(weighted):
        if language not in ordered:
            ordered.append(language)
    return ordered


def choose_language(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a page: asked for (``?lang=``), else kept in the cookie, else the first
    the browser accepts, else English. Unknown codes are passed over."""
    for candidate in (asked, cookie):
        if candidate is not None and candidate in LANGUAGES:
            return candidate
    accepted = accepted_languages(accept_language)
    return accepted[0] if accepted else DEFAULT


__all__ = [
    "COOKIE",
    "DEFAULT",
    "ENDONYMS",
    "LANGUAGES",
    "RIGHT_TO_LEFT",
    "Catalog",
    "accepted_languages",
    "catalogs",
    "choose_language",
]
