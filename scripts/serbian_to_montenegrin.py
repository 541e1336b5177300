"""Write the Montenegrin catalogue (sr_Latn_ME) from the Serbian Latin one: the same text in
its ijekavian forms (mjera, vrijeme, riječ, poslije), from the checked word list
complaints/translations/ijekavian.toml.

    python scripts/serbian_to_montenegrin.py

Placeholders, HTML tags and code samples are left alone. A Serbian word with an "e" that the
word list does not know stops the script (and tests/unit/test_montenegrin.py): add it to the
list, under [words] with its ijekavian form or to `same`, then run the script again.
"""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "complaints/translations/sr_Latn/LC_MESSAGES/messages.po"
TARGET = ROOT / "complaints/translations/sr_Latn_ME/LC_MESSAGES/messages.po"
WORD_LIST = ROOT / "complaints/translations/ijekavian.toml"

PROTECTED = re.compile(r"<code>.*?</code>|<[^>]+>|%\([A-Za-z_]+\)[sd]|&[#\w]+;|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
                       re.DOTALL)
WORD = re.compile(r"[^\W\d_]+")


def load_word_list(path: Path = WORD_LIST) -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """(phrases, words, same): ekavian -> ijekavian, and the words that stay as they are."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return dict(data["phrases"]), dict(data["words"]), frozenset(data["same"]["words"])


def _matching_case(model: str, word: str) -> str:
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def unknown_words(text: str, words: dict[str, str], same: frozenset[str]) -> set[str]:
    """Words with an "e" in ``text`` that the word list neither changes nor keeps."""
    plain = PROTECTED.sub(" ", text)
    return {w.lower() for w in WORD.findall(plain)
            if "e" in w.lower() and w.lower() not in words and w.lower() not in same}


def ijekavian(text: str, phrases: dict[str, str], words: dict[str, str]) -> str:
    """``text`` with its ekavian words in their ijekavian form."""
    def convert(span: str) -> str:
        for ekavian, form in phrases.items():
            span = span.replace(ekavian, form).replace(ekavian.capitalize(), form.capitalize())
        return WORD.sub(lambda m: _matching_case(m.group(0), words[m.group(0).lower()])
                        if m.group(0).lower() in words else m.group(0), span)

    out, position = [], 0
    for match in PROTECTED.finditer(text):
        out.append(convert(text[position:match.start()]))
        out.append(match.group(0))
        position = match.end()
    out.append(convert(text[position:]))
    return "".join(out)


def convert_message(string: str | tuple[str, ...], phrases: dict[str, str], words: dict[str, str]):  # type: ignore[no-untyped-def]
    if isinstance(string, (list, tuple)):
        return tuple(ijekavian(s, phrases, words) for s in string)
    return ijekavian(string, phrases, words) if string else string


def main() -> int:
    from babel.messages.pofile import read_po, write_po

    phrases, words, same = load_word_list()
    with SOURCE.open("rb") as handle:
        catalog = read_po(handle, locale="sr_Latn_ME")
    catalog.locale = "sr_Latn_ME"
    catalog.language_team = "cnr (generated from sr_Latn by scripts/serbian_to_montenegrin.py)"
    catalog.header_comment = catalog.header_comment.replace("Serbian (Latin)", "Montenegrin (ijekavian Latin)")
    unknown: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            unknown |= unknown_words(text or "", words, same)
        message.string = convert_message(message.string, phrases, words)
    if unknown:
        print("Not in complaints/translations/ijekavian.toml (add each under [words] or to same):\n  "
              + ", ".join(sorted(unknown)), file=sys.stderr)
        return 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("wb") as handle:
        write_po(handle, catalog, width=0, include_previous=False)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
