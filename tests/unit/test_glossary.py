"""The glossaries: each language's catalogue uses the law's own word for each glossary entry.

complaints/translations/glossary/<locale>.toml lists, for a language, the terms that the
national laws fix (posredovanje, not medijacija; посредување, not медијација; ankim, not
ankesë, for an appeal), with the law and article that use each one. For every message whose
English text names the concept, the translation must use the glossary's term and none of the
words it replaces. docs/manual/translations.md explains how a ministry's translator reviews
a catalogue against its glossary.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "complaints/translations"
GLOSSARIES = sorted((TRANSLATIONS / "glossary").glob("*.toml"))


def glossary(path: Path) -> dict:  # type: ignore[type-arg]
    with path.open("rb") as handle:
        return tomllib.load(handle)


def messages(locale: str) -> list[tuple[str, str]]:
    """(English, translation) pairs; each plural form is paired with the English plural."""
    with (TRANSLATIONS / locale / "LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            pairs.append((message.id, message.string))
        else:
            pairs += [(message.id[min(i, 1)], form) for i, form in enumerate(message.string)]
    return pairs


def test_every_translated_language_has_a_glossary() -> None:
    assert {path.stem for path in GLOSSARIES} == {"sr_Latn", "bs", "mk", "sq"}


@pytest.mark.parametrize("path", GLOSSARIES, ids=lambda p: p.stem)
def test_glossary_entries_name_their_law_and_article(path: Path) -> None:
    data = glossary(path)
    assert data["terms"], path.name
    for entry in data["terms"]:
        for key in ("english", "term", "en", "uses", "law", "article"):
            assert entry.get(key), f"{path.name}: {entry.get('english')!r} has no {key}"
        assert entry["law"] in data["laws"], f"{path.name}: unknown law {entry['law']!r}"
        assert entry.get("checked") in {"found", "secondary", "unchecked"}, \
            f"{path.name}: say how the article of {entry['english']!r} was checked"


# Catalogues generated from another follow its glossary: Montenegrin (ijekavian) from Serbian
# Latin. (Serbian Cyrillic is checked as the transliteration of Serbian Latin.)
GENERATED = {"sr_Latn": ["sr_Latn_ME"]}
CHECKS = [(path, locale) for path in GLOSSARIES for locale in [path.stem, *GENERATED.get(path.stem, [])]]


@pytest.mark.parametrize("path, locale", CHECKS, ids=[locale for _, locale in CHECKS])
def test_catalogue_uses_only_the_glossary_term(path: Path, locale: str) -> None:
    data = glossary(path)
    pairs = messages(locale)
    problems = []
    for entry in data["terms"]:
        english = re.compile(entry["en"], re.IGNORECASE)
        unless = re.compile(entry["unless"], re.IGNORECASE) if entry.get("unless") else None
        uses = [re.compile(p, re.IGNORECASE) for p in entry["uses"]]
        never = [re.compile(p, re.IGNORECASE) for p in entry.get("never", [])]
        for source, translation in pairs:
            if not english.search(source) or (unless and unless.search(source)):
                continue
            if not any(p.search(translation) for p in uses):
                problems.append(f"{entry['english']!r} is not {entry['term']!r}: {translation}")
            wrong = [p.pattern for p in never if p.search(translation)]
            if wrong:
                problems.append(f"{entry['english']!r} uses {wrong} instead of {entry['term']!r}: {translation}")
    assert problems == [], "\n".join(problems)
