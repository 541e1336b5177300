"""Write the Serbian Cyrillic catalogue from the Serbian Latin one (the two scripts are a
one-to-one mapping), so translators maintain a single Serbian text.

    python scripts/latin_to_cyrillic.py

It then writes the other catalogue generated from Serbian Latin, Montenegrin
(scripts/serbian_to_montenegrin.py), so one step after editing Serbian refreshes both.

Only Serbian words change script. Kept exactly as they are: placeholders, HTML tags, code
samples, entities (&lt;), web and e-mail addresses, key names (Ctrl+P), file extensions,
command lines (complaints backup), codes with digits or underscores (C-2026-7KQ2XM,
land_forces), acronyms and product names that the English text has too (PDF, MAC,
FreeOTP), and the words in KEEP. A Serbian ending after a hyphen is converted on its own:
"MAC-om" becomes "MAC-ом".
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "complaints/translations/sr_Latn/LC_MESSAGES/messages.po"
TARGET = ROOT / "complaints/translations/sr_Cyrl/LC_MESSAGES/messages.po"

# Latin words a Serbian text uses as they are: product names, the name the authenticator app
# shows at sign-in, unit-group codes and command words staff type or read in exports.
KEEP = frozenset({
    "Complaints", "complaints", "FreeOTP", "Aegis", "Google", "Authenticator", "Word", "Excel",
    "OpenDocument", "JavaScript", "Poedit", "training", "ministry", "audit", "verify", "head",
    "backup", "suppressed", "withheld", "Ctrl", "Alt", "Shift", "Enter", "Tab", "Esc",
})
# Acronyms kept when the English text is not at hand (with it, any all-capital word the
# English text also has is kept).
ACRONYMS = frozenset({
    "PDF", "MAC", "UTC", "QR", "IP", "GPS", "HTML", "JSON", "CSV", "SHA", "JPEG", "PNG", "HEIC",
    "ID", "MB", "KB", "TOTP", "URL", "HTTP", "HTTPS", "SMTP", "TLS", "SEA", "FILE", "CC", "BCC",
})
DIGRAPHS = {"Lj": "Љ", "LJ": "Љ", "lj": "љ", "Nj": "Њ", "NJ": "Њ", "nj": "њ",
            "Dž": "Џ", "DŽ": "Џ", "dž": "џ"}
LETTERS = dict(zip("abcčćdđefghijklmnoprsštuvzž", "абцчћдђефгхијклмнопрсштувзж"))
LETTERS.update({k.upper(): v.upper() for k, v in LETTERS.items()})

# Spans that are never Serbian words, tried in this order at each position.
PROTECTED = re.compile(r"""
      <code>.*?</code>                              # code samples
    | <[^>]+>                                       # tags
    | %\([A-Za-z_]+\)[sd] | %%                      # placeholders
    | &(?:[A-Za-z][A-Za-z0-9]*|\#[0-9]+|\#x[0-9A-Fa-f]+);   # entities: &lt; &#8211;
    | (?:https?|mailto):[^\s<>"]+                   # web addresses
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                  # e-mail addresses
    | (?:Ctrl|Alt|Shift|Cmd|AltGr|Option)(?:\+[\w]+)+   # key names
    | \bcomplaints\s+(?:audit|backup|deadlines|demo|init|keys|notices|notifications
        |restore|retention|run|statistics|users)\b      # command lines: complaints backup
    | --[a-z][\w-]*                                 # command-line options
    | (?<![\w.])\.[a-z0-9]{2,5}\b                   # file extensions: .docx
    | [\w@.+-]*[\d_][\w@.+-]*                       # codes with digits or underscores
    """, re.VERBOSE | re.DOTALL)
WORD = re.compile(r"[^\W\d_]+")


def _source_words(source: str | None) -> frozenset[str]:
    return frozenset(WORD.findall(source or ""))


def keep_latin(word: str, source_words: frozenset[str] = frozenset()) -> bool:
    """Whether ``word`` stays in Latin letters: KEEP, an acronym or product name."""
    if word in KEEP or word in ACRONYMS:
        return True
    capitals = sum(ch.isupper() for ch in word)
    return word.isascii() and capitals >= 2 and word in source_words


def transliterate_word(word: str) -> str:
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


def _words(text: str, source_words: frozenset[str]) -> str:
    return WORD.sub(lambda m: m.group(0) if keep_latin(m.group(0), source_words)
                    else transliterate_word(m.group(0)), text)


def transliterate(text: str, source: str | None = None) -> str:
    """``text`` in Serbian Cyrillic. ``source`` is the English original: code-like words it
    shares with ``text`` (acronyms, product names) stay as they are."""
    source_words = _source_words(source)
    out, position = [], 0
    for match in PROTECTED.finditer(text):
        out.append(_words(text[position:match.start()], source_words))
        out.append(match.group(0))
        position = match.end()
    out.append(_words(text[position:], source_words))
    return "".join(out)


def transliterate_message(msgid: str | tuple[str, ...], string: str | tuple[str, ...]) -> str | tuple[str, ...]:
    """The Cyrillic msgstr of one message (plural forms each against the English plural)."""
    source = msgid if isinstance(msgid, str) else " ".join(msgid)
    if isinstance(string, (list, tuple)):
        return tuple(transliterate(s, source) for s in string)
    return transliterate(string, source) if string else string


def main() -> int:
    from babel.messages.pofile import read_po, write_po

    with SOURCE.open("rb") as handle:
        catalog = read_po(handle, locale="sr_Cyrl")
    catalog.locale = "sr_Cyrl"
    for message in catalog:
        if message.id:
            message.string = transliterate_message(message.id, message.string)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("wb") as handle:
        write_po(handle, catalog, width=0, include_previous=False)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return _montenegrin()


def _montenegrin() -> int:
    import importlib.util

    spec = importlib.util.spec_from_file_location("serbian_to_montenegrin",
                                                  ROOT / "scripts/serbian_to_montenegrin.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.main()


if __name__ == "__main__":
    sys.exit(main())
