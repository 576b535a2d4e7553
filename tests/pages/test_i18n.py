"""The languages of the pages: every catalog complete and used, the language chosen as the
user asks, numbers written in each language's signs without changing a digit."""

from __future__ import annotations

import re
import string
from importlib.resources import files

import pytest

from saylau.service.desk import KEYS_IN_CODE as DESK_KEYS_IN_CODE
from saylau.service.i18n import (
    DEFAULT,
    LANGUAGES,
    accepted_languages,
    catalogs,
    choose_language,
)
from saylau.service.pages import KEYS_IN_CODE

TEMPLATE_KEY = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.]+)["']""")
MODULES = ("pages.py", "desk.py", "sessions.py", "protocol_page.py")
"""The modules that render pages or name their messages."""


def keys_used() -> set[str]:
    """Every message key named in a template or in a module of the pages, and those the
    pages and the desk reach through tables."""
    service = files("saylau.service")
    texts = [service.joinpath(module).read_text(encoding="utf-8") for module in MODULES]
    for template in service.joinpath("templates").iterdir():
        if template.name.endswith(".j2"):
            texts.append(template.read_text(encoding="utf-8"))
    named = (TEMPLATE_KEY.findall(text) for text in texts)
    return set(KEYS_IN_CODE).union(DESK_KEYS_IN_CODE, *named)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_pages_speak_kazakh_russian_english_and_arabic() -> None:
    assert set(LANGUAGES) == {"kk", "ru", "en", "ar"} and DEFAULT == "en"
    assert [catalogs()[code].direction for code in LANGUAGES] == ["ltr", "ltr", "ltr", "rtl"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_pages_use_is_in_every_catalog(language: str) -> None:
    missing = keys_used() - set(catalogs()[language].messages)
    assert not missing, f"{language}.json lacks {sorted(missing)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_holds_a_key_the_pages_do_not_use(language: str) -> None:
    unused = set(catalogs()[language].messages) - keys_used()
    assert not unused, f"{language}.json holds unused {sorted(unused)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_written_with_the_placeholders_of_the_english_one(language: str) -> None:
    english = catalogs()["en"].messages
    for key, text in catalogs()[language].messages.items():
        assert text.strip(), f"{language}: {key} is empty"
        assert placeholders(text) == placeholders(english[key]), f"{language}: {key}"


@pytest.mark.parametrize("language", ["kk", "ru", "ar"])
def test_interface_words_are_translated_not_copied(language: str) -> None:
    english, other = catalogs()["en"].messages, catalogs()[language].messages
    for key in ("site.title", "col.seats", "col.turnout", "col.votes", "status.provisional"):
        assert other[key] != english[key]


def test_arabic_labels_are_written_in_arabic_script() -> None:
    for key, text in catalogs()["ar"].messages.items():
        letters = [ch for ch in re.sub(r"\{\w+\}", "", text) if ch.isalpha()]
        assert letters and all("\u0600" <= ch <= "\u06ff" for ch in letters), key


@pytest.mark.parametrize(
    ("asked", "cookie", "header", "chosen"),
    [
        ("ar", "ru", "kk", "ar"),
        (None, "ru", "kk", "ru"),
        ("xx", "ru", "kk", "ru"),
        (None, None, "kk-KZ,ru;q=0.8", "kk"),
        (None, None, "fr-FR,ru;q=0.5,en;q=0.7", "en"),
        (None, None, "ar;q=0.2, ru;q=0.9", "ru"),
        (None, None, "ru;q=0, ar", "ar"),
        (None, None, "fr, de", "en"),
        (None, None, None, "en"),
        (None, "zz", "", "en"),
    ],
)
def test_the_language_is_asked_for_else_kept_else_accepted_else_english(
    asked: str | None, cookie: str | None, header: str | None, chosen: str
) -> None:
    assert choose_language(asked, cookie, header) == chosen


def test_accepted_languages_keep_the_header_order_among_equal_weights() -> None:
    assert accepted_languages("ru, kk, en;q=0.5, ru-RU;q=0.9, ar;q=bad") == ["ru", "kk", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("value", [0, 7, 999, 1000, 5700, 1234567, 10**12 + 1])
def test_numbers_are_grouped_per_language_and_keep_every_digit(language: str, value: int) -> None:
    shown = catalogs()[language].number(value)
    assert re.sub(r"\D", "", shown) == str(value)


def test_numbers_take_each_language_s_separators() -> None:
    shown = {code: catalogs()[code].number(1234567) for code in LANGUAGES}
    assert shown == {
        "en": "1,234,567",
        "ar": "1,234,567",
        "kk": "1\u00a0234\u00a0567",
        "ru": "1\u00a0234\u00a0567",
    }
    assert catalogs()["en"].number(None) == ""


def test_shares_take_each_language_s_decimal_sign() -> None:
    assert catalogs()["en"].decimal("1,053.90%") == "1,053.90%"
    assert catalogs()["ru"].decimal("1,053.90%") == "1\u00a0053,90\u00a0%"
    assert catalogs()["kk"].decimal("87.72%") == "87,72\u00a0%"
    assert catalogs()["ar"].decimal("87.72%") == "87.72%"
    assert catalogs()["ru"].decimal("n/a") == "—"


def test_an_unknown_key_is_an_error_not_a_key_on_the_page() -> None:
    with pytest.raises(KeyError):
        catalogs()["en"].t("no.such.key")
    assert catalogs()["ru"].t("missing.precinct", name="P9") == (
        "На этих выборах нет участка с идентификатором «P9»."
    )
