"""Matching the people a complainant excluded to staff accounts. No Flask imports.

The public form names no staff: the complainant types names, and the server compares them
with the staff list. An entry names an account when, in a common spelling (no case, no
accents, Latin or Cyrillic), it equals the account's user name or display name, or all its
words are words of the display name ("Petrović" for "Marko Petrović"). An entry that names
exactly one account becomes an exclusion; one that names several or none is left for a
coordinator to resolve, and the case can't be assigned until then.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_ENTRIES = 20
MAX_ENTRY_CHARS = 120
MIN_WORD_CHARS = 2

# Serbian and Macedonian Cyrillic to the Latin spelling used in staff lists.
CYRILLIC = dict(zip(
    "абвгдђежзијклљмнњопрстћуфхцчџшѓѕќ",
    ["a", "b", "v", "g", "d", "dj", "e", "z", "z", "i", "j", "k", "l", "lj", "m", "n", "nj",
     "o", "p", "r", "s", "t", "c", "u", "f", "h", "c", "c", "dz", "s", "g", "dz", "k"]))
LATIN_LETTERS = {"đ": "dj", "ž": "z", "č": "c", "ć": "c", "š": "s", "ǆ": "dz", "ǉ": "lj", "ǌ": "nj"}


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    display_name: str


def normalise(text: str) -> str:
    """One spelling for comparing names: lower case, Latin letters without marks, single spaces."""
    text = text.casefold()
    text = "".join(CYRILLIC.get(ch, LATIN_LETTERS.get(ch, ch)) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def entries(typed: str) -> list[str]:
    """The names in what was typed: one per line, comma or semicolon (bounded)."""
    found = []
    for part in re.split(r"[\n\r,;]+", typed[: MAX_ENTRIES * MAX_ENTRY_CHARS * 2]):
        part = " ".join(part.split())[:MAX_ENTRY_CHARS]
        if part:
            found.append(part)
        if len(found) == MAX_ENTRIES:
            break
    return found


def match(entry: str, staff: list[Staff]) -> list[int]:
    """Ids of the accounts ``entry`` could name (one: a match; several or none: ambiguous)."""
    wanted = normalise(entry)
    words = set(wanted.split())
    if not words or all(len(w) < MIN_WORD_CHARS for w in words):
        return []
    found = []
    for person in staff:
        name = normalise(person.display_name)
        if wanted in (normalise(person.username), name) or words <= set(name.split()):
            found.append(person.id)
    return found
