"""The message catalogues: complete for the complainant's and the officer's pages, placeholders
intact, compiled files up to date, and Serbian Cyrillic generated from Serbian Latin.

Messages are extracted afresh from the sources here, so a new string on those pages fails
this test until every catalogue translates it (pybabel extract/update, see
docs/manual/translations.md).
"""
from __future__ import annotations

import gettext
import importlib.util
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from complaints.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "complaints/translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_l": None}
JINJA = "jinja2.ext:babel_extract"
PROFILE = "complaints.procedures.messages:extract"

# What a person reporting sees (report, receipt, follow-up, errors, the page frame)...
COMPLAINANT_SOURCES = [
    *(("templates/" + name, JINJA) for name in (
        "base.html", "_language.html", "macros.html", "public/home.html", "public/report.html",
        "public/receipt.html", "public/track_login.html", "public/track_case.html",
        "public/track_withdraw.html", "public/_not_cleaned.html", "errors/error.html", "errors/integrity.html",
        "public/_outcome.html", "public/_minutes.html", "time_limits/_page.html", "kept_forms/_typed.html")),
    *((name, "python") for name in (
        "complaints/forms/report.py", "complaints/complainant_status.py", "complaints/views/public.py",
        "complaints/errors.py", "complaints/services/followup.py", "complaints/services/intake.py",
        "complaints/metadata/__init__.py", "complaints/services/evidence.py", "complaints/views/helpers.py",
        "complaints/services/outcomes.py", "complaints/views/time_limits.py")),
    *((str(p.relative_to(ROOT)), PROFILE) for p in sorted((ROOT / "complaints/procedures").glob("*.toml"))),
]
# ...and what an officer sees (sign-in, case list, case page and its actions).
OFFICER_SOURCES = [
    *(("templates/" + name, JINJA) for name in (
        "auth/login.html", "auth/code.html", "auth/password.html",
        "cases/list.html", "cases/case.html", "cases/_filters.html", "cases/_pager.html",
        "cases/_evidence_files.html",
        "cases/_procedure_clocks.html", "cases/_procedure_action_fields.html", "cases/_parties.html",
        "cases/_hearings.html", "cases/received.html", "cases/received_done.html", "kept_forms/continue.html",
        # the case day: timeline, messages and notes, triage, recusal, notifications
        "cases/_timeline.html", "cases/_messages.html", "cases/_message_preview.html",
        "cases/_complainant_gave.html", "cases/_next_step.html", "cases/_category.html",
        "cases/_risk.html", "cases/_close_warning.html", "cases/_ended_assignments.html",
        "cases/recuse.html", "cases/end_assignment.html", "notifications/inbox.html",
        "notifications/settings.html", "notifications/_nav.html")),
    *((name, "python") for name in (
        "complaints/forms/cases.py", "complaints/forms/auth.py", "complaints/workflow.py",
        "complaints/labels.py", "complaints/views/__init__.py", "complaints/views/cases.py",
        "complaints/views/auth.py", "complaints/services/case_file.py",
        "complaints/services/casework.py", "complaints/auth.py", "complaints/forms/procedure.py",
        "complaints/views/procedure.py", "complaints/services/feedback.py",
        "complaints/services/deadlines.py", "complaints/services/confirmations.py",
        "complaints/services/parties.py", "complaints/services/hearings.py",
        "complaints/services/received.py", "complaints/views/kept_forms.py",
        "complaints/notifications.py", "complaints/triage.py", "complaints/assignment_reasons.py",
        "complaints/forms/case_day.py", "complaints/services/triage.py",
        "complaints/services/notifications.py", "complaints/services/notification_mail.py",
        "complaints/services/assignments.py", "complaints/views/notifications.py")),
]
CATALOGUE_LOCALES = ["en", "sr_Latn", "sr_Cyrl", "sr_Latn_ME", "bs", "mk", "sq"]


def extracted(sources: list[tuple[str, str]]) -> set[str]:
    messages = set()
    for path, method in sources:
        for _, message, _, _ in extract_from_file(method, str(ROOT / path), keywords=KEYWORDS,
                                                  options={"extensions": "jinja2.ext.i18n"}):
            messages.add(message if isinstance(message, str) else message[0])
    return messages


def catalogue(locale: str):  # type: ignore[no-untyped-def]
    with (TRANSLATIONS / locale / "LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_every_interface_language_has_a_catalogue() -> None:
    for language in LANGUAGES:
        directory = "en" if language.code == "en" else language.locale
        assert (TRANSLATIONS / directory / "LC_MESSAGES/messages.mo").is_file(), language.code


@pytest.mark.parametrize("pages, sources", [("complainant", COMPLAINANT_SOURCES),
                                            ("officer", OFFICER_SOURCES)])
@pytest.mark.parametrize("locale", CATALOGUE_LOCALES)
def test_catalogue_translates_every_message_of_the_pages(locale: str, pages: str, sources) -> None:  # type: ignore[no-untyped-def]
    messages = extracted(sources)
    assert len(messages) > 100  # the extraction itself worked
    entries = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue(locale) if m.id}
    missing = sorted(
        msgid for msgid in messages
        if msgid not in entries or entries[msgid].fuzzy
        or not all(entries[msgid].string if isinstance(entries[msgid].string, tuple)
                   else [entries[msgid].string])
    )
    assert missing == [], f"{locale} misses {len(missing)} messages of the {pages} pages"


@pytest.mark.parametrize("locale", CATALOGUE_LOCALES)
def test_translations_keep_placeholders(locale: str) -> None:
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue(locale).check()]
    assert problems == []


@pytest.mark.parametrize("locale", CATALOGUE_LOCALES)
def test_compiled_catalogue_matches_its_source(locale: str) -> None:
    directory = TRANSLATIONS / locale / "LC_MESSAGES"
    with (directory / "messages.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    for message in catalogue(locale):
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            for index, form in enumerate(message.string):
                assert compiled.get((message.id[0], index)) == form, message.id
        elif message.string:
            assert compiled.get(message.id) == message.string, \
                f"{locale}: run pybabel compile -d complaints/translations ({message.id!r})"


def test_serbian_cyrillic_is_the_transliterated_latin_catalogue() -> None:
    spec = importlib.util.spec_from_file_location("latin_to_cyrillic", ROOT / "scripts/latin_to_cyrillic.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    latin = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalogue("sr_Latn") if m.id}
    for message in catalogue("sr_Cyrl"):
        if not message.id:
            continue
        source = latin[message.id if isinstance(message.id, str) else message.id[0]]
        expected = module.transliterate_message(message.id, source)
        assert message.string == expected, "run python scripts/latin_to_cyrillic.py"
    assert module.transliterate("Šifrovano ljubazno, %(date)s <strong>PDF</strong> džep") == \
        "Шифровано љубазно, %(date)s <strong>PDF</strong> џеп"
