"""The Serbian Cyrillic converter (scripts/latin_to_cyrillic.py): only Serbian words change
script. Entities, addresses, key names, acronyms, product names, command and export words stay
as they are, on their own and at the end of a sentence, in every message of the catalogue."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("latin_to_cyrillic", ROOT / "scripts/latin_to_cyrillic.py")
converter = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
spec.loader.exec_module(converter)  # type: ignore[union-attr]

LATIN_LETTER = re.compile(r"[A-Za-zČĆŠŽĐčćšžđ]")
# What must come through a conversion unchanged, wherever it is in a message.
UNCHANGED = re.compile(r"""
      %\([A-Za-z_]+\)[sd] | <[^>]+> | <code>.*?</code>
    | &(?:[A-Za-z][A-Za-z0-9]*|\#[0-9]+|\#x[0-9A-Fa-f]+);
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+ | https?://[^\s<>"]+
    | (?:Ctrl|Alt|Shift)(?:\+\w+)+
    """, re.VERBOSE | re.DOTALL)


@pytest.mark.parametrize("latin, cyrillic", [
    ("Unesite &lt;ime&gt; i &#8211; kraj", "Унесите &lt;име&gt; и &#8211; крај"),
    ("U aplikaciji potražite unos Complaints.", "У апликацији потражите унос Complaints."),
    ("Pišite na podrska@ministry.example.org ili ministry.", "Пишите на podrska@ministry.example.org или ministry."),
    ("Pritisnite Ctrl+P za štampu.", "Притисните Ctrl+P за штампу."),
    ("Zaštićeno MAC-om.", "Заштићено MAC-ом."),
    ("Polja su označena kao suppressed ili withheld.", "Поља су означена као suppressed или withheld."),
    ("Izvezeno kao PDF.", "Извезено као PDF."),
    ("Pokrenite complaints backup --verify jednom nedeljno.", "Покрените complaints backup --verify једном недељно."),
    ("Datoteke .docx i .odt, predmet C-2026-7KQ2XM, grupa land_forces.",
     "Датотеке .docx и .odt, предмет C-2026-7KQ2XM, група land_forces."),
    ("Šifrovano ljubazno, %(date)s <strong>PDF</strong> džep", "Шифровано љубазно, %(date)s <strong>PDF</strong> џеп"),
    ("Adresa: https://example.org/track?x=1.", "Адреса: https://example.org/track?x=1."),
])
def test_only_serbian_words_change_script(latin: str, cyrillic: str) -> None:
    assert converter.transliterate(latin) == cyrillic


def test_a_word_on_the_keep_list_stays_at_the_end_of_a_sentence() -> None:
    for word in sorted(converter.KEEP):
        assert converter.transliterate(f"Reč {word}.") == f"Реч {word}."
        assert converter.transliterate(f"({word}), {word}!") == f"({word}), {word}!"


def test_acronyms_of_the_english_text_stay_latin() -> None:
    assert converter.transliterate("Kod je u FreeOTP ili SEA.", "in FreeOTP or SEA") == "Код је у FreeOTP или SEA."
    # a Serbian word in capitals is still Serbian
    assert converter.transliterate("POVERLJIVO: predmet", "CONFIDENTIAL: case") == "ПОВЕРЉИВО: предмет"


def serbian_messages() -> list[tuple[str, str]]:
    with (ROOT / "complaints/translations/sr_Latn/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="sr_Latn")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else " ".join(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(source, s) for s in strings if s]
    return pairs


MESSAGES = serbian_messages()


def test_every_message_is_checked() -> None:
    assert len(MESSAGES) > 900


def test_every_message_keeps_what_is_not_serbian() -> None:
    problems = []
    for source, latin in MESSAGES:
        cyrillic = converter.transliterate(latin, source)
        kept = UNCHANGED.findall(latin)
        if UNCHANGED.findall(cyrillic) != kept:
            problems.append(f"{latin!r} -> {cyrillic!r}")
    assert problems == [], "\n".join(problems)


def test_every_latin_word_left_in_cyrillic_is_one_the_english_text_or_the_keep_list_has() -> None:
    """No Serbian word stays half-converted, and nothing is left in Latin letters that the
    English text does not have too (a product name, an acronym, a code)."""
    problems = []
    for source, latin in MESSAGES:
        cyrillic = converter.transliterate(latin, source)
        plain = UNCHANGED.sub(" ", cyrillic)
        for token in re.findall(r"[\w.+-]+", plain):
            if not LATIN_LETTER.search(token):
                continue
            if re.search(r"[А-Яа-яЂђЈјЉљЊњЋћЏџ]", token) and not re.fullmatch(r"[A-Za-z]+-[а-яђјљњћџ]+\.?", token):
                problems.append(f"mixed scripts {token!r} in {cyrillic!r}")  # a Serbian ending after a hyphen is fine
                continue
            words = re.findall(r"[A-Za-zČĆŠŽĐčćšžđ]+", token)
            if not all(w in source or w in converter.KEEP or w in converter.ACRONYMS for w in words):
                problems.append(f"{token!r} left in Latin in {cyrillic!r}")
    assert problems == [], "\n".join(problems)


def test_no_latin_only_word_of_the_english_text_is_converted() -> None:
    """Words the Serbian text takes over from the English one (Complaints, FreeOTP, PDF,
    ministry, suppressed) are still there, in Latin letters, after the conversion."""
    problems = []
    for source, latin in MESSAGES:
        cyrillic = converter.transliterate(latin, source)
        for word in re.findall(r"[^\W\d_]+", UNCHANGED.sub(" ", latin)):
            if word in converter.KEEP or word in converter.ACRONYMS:
                if not re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", cyrillic):
                    problems.append(f"{word!r} converted in {cyrillic!r}")
    assert problems == [], "\n".join(problems)
