"""Write the Serbian Cyrillic catalogue from the Serbian Latin one (the two scripts are a
one-to-one mapping), so translators maintain a single Serbian text.

    python scripts/latin_to_cyrillic.py

Placeholders, HTML tags, code, acronyms (PDF, UTC...), product names and unit-group codes
stay in Latin letters.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "complaints/translations/sr_Latn/LC_MESSAGES/messages.po"
TARGET = ROOT / "complaints/translations/sr_Cyrl/LC_MESSAGES/messages.po"

KEEP = {"FreeOTP", "Aegis", "Google", "Authenticator", "Word", "Excel", "OpenDocument", "Complaints",
        "complaints", "audit", "verify", "head", "FILE", "training", "ministry",
        "JavaScript", "JavaScript-a"}
DIGRAPHS = {"Lj": "Љ", "LJ": "Љ", "lj": "љ", "Nj": "Њ", "NJ": "Њ", "nj": "њ",
            "Dž": "Џ", "DŽ": "Џ", "dž": "џ"}
LETTERS = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж"))
LETTERS.update({k.upper(): v.upper() for k, v in LETTERS.items()})
# Kept whole: placeholders, tags, code samples, and words that are not Serbian.
PROTECTED = re.compile(r"%\([a-z_]+\)[sd]|<code>.*?</code>|<[^>]+>|[\w.-]+")


def transliterate_word(word: str) -> str:
    if (word in KEEP or word.rstrip(".,") in KEEP or "_" in word or word.startswith(".") or "." in word.strip(".")
            or re.search(r"\d", word)
            or (len(word) > 1 and word.isupper() and word.isascii())):
        return word
    out, i = [], 0
    while i < len(word):
        pair = word[i:i + 2]
        if pair in DIGRAPHS:
            out.append(DIGRAPHS[pair])
            i += 2
        else:
            out.append(LETTERS.get(word[i], word[i]))
            i += 1
    return "".join(out)


def transliterate(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith(("%(", "<")):
            return token
        return transliterate_word(token)

    return PROTECTED.sub(replace, text)


def main() -> int:
    with SOURCE.open("rb") as handle:
        catalog = read_po(handle, locale="sr_Cyrl")
    catalog.locale = "sr_Cyrl"
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, (list, tuple)):
            message.string = tuple(transliterate(s) for s in message.string)
        elif message.string:
            message.string = transliterate(message.string)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("wb") as handle:
        write_po(handle, catalog, width=0, include_previous=False)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
