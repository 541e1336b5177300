"""The Montenegrin catalogue (sr_Latn_ME, language code cnr): the Serbian Latin text in its
ijekavian forms, written by scripts/serbian_to_montenegrin.py from the checked word list
complaints/translations/ijekavian.toml. A new Serbian word with an "e" fails here until the
list says whether its ijekavian form differs."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "complaints/translations"
spec = importlib.util.spec_from_file_location("serbian_to_montenegrin", ROOT / "scripts/serbian_to_montenegrin.py")
script = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
spec.loader.exec_module(script)  # type: ignore[union-attr]
PHRASES, WORDS, SAME = script.load_word_list()


def catalogue(locale: str) -> dict:  # type: ignore[type-arg]
    with (TRANSLATIONS / locale / "LC_MESSAGES/messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=locale) if m.id}


SERBIAN = catalogue("sr_Latn")
MONTENEGRIN = catalogue("sr_Latn_ME")


def strings(value) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def test_the_word_list_knows_every_serbian_word_with_an_e() -> None:
    unknown: set[str] = set()
    for value in SERBIAN.values():
        for text in strings(value):
            unknown |= script.unknown_words(text or "", WORDS, SAME)
    assert unknown == set(), "add to complaints/translations/ijekavian.toml: " + ", ".join(sorted(unknown))


def test_no_word_is_both_changed_and_kept() -> None:
    assert set(WORDS) & SAME == set()


def test_the_catalogue_is_the_converted_serbian_one() -> None:
    assert set(MONTENEGRIN) == set(SERBIAN)
    for msgid, value in SERBIAN.items():
        assert MONTENEGRIN[msgid] == script.convert_message(value, PHRASES, WORDS), \
            f"run python scripts/serbian_to_montenegrin.py ({msgid!r})"


def test_no_ekavian_form_is_left() -> None:
    left = []
    for value in MONTENEGRIN.values():
        for text in strings(value):
            words = {w.lower() for w in script.WORD.findall(script.PROTECTED.sub(" ", text or ""))}
            left += sorted(words & set(WORDS))
    assert left == []


@pytest.mark.parametrize("ekavian, ijekavian", [
    ("Pre slanja: kako da ostanete anonimni", "Prije slanja: kako da ostanete anonimni"),
    ("Beleška je sačuvana.", "Bilješka je sačuvana."),
    ("Rok od 6 meseci, <strong>%(date)s</strong>.", "Rok od 6 mjeseci, <strong>%(date)s</strong>."),
    ("Ovaj deo", "Ovaj dio"),
])
def test_forms(ekavian: str, ijekavian: str) -> None:
    assert script.ijekavian(ekavian, PHRASES, WORDS) == ijekavian
