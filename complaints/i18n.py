"""Languages of the interface: which ones exist, which one a request gets, and how to switch.

The choice is kept in one cookie holding only the language code (no identifier, nothing
else), set by a plain link so it works without JavaScript. Without the cookie, the browser's
Accept-Language decides on the first visit; otherwise the instance's default
(``COMPLAINTS_LANGUAGE``). Montenegrin is served by the Serbian Latin catalogue.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, Domain, get_locale, get_timezone
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

COOKIE = "complaints_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    code: str      # in the cookie and the switcher's URL; also the page's lang attribute (BCP 47)
    locale: str    # Babel locale of the catalogue (complaints/translations/<locale>), dates, numbers
    name: str      # the language's own name for itself


# Montenegrin: "cnr" is its ISO 639-3 / BCP 47 code, the name the Constitution of Montenegro
# gives the language; CLDR has no "cnr" data, so messages live in the catalogue sr_Latn_ME
# and dates and numbers come from CLDR's Montenegrin Latin locale of the same name.
LANGUAGES: tuple[Language, ...] = (
    Language("en", "en_GB", "English"),
    Language("sr-Latn", "sr_Latn", "Srpski (latinica)"),
    Language("sr-Cyrl", "sr_Cyrl", "Српски (ћирилица)"),
    Language("cnr", "sr_Latn_ME", "Crnogorski"),
    Language("bs", "bs", "Bosanski"),
    Language("mk", "mk", "Македонски"),
    Language("sq", "sq", "Shqip"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
BY_LOCALE = {language.locale: language for language in LANGUAGES}

# Accept-Language tags (lower case, most specific first) and the language that serves them.
# Plain "sr" gets Cyrillic, the official script and what Serbian browser interfaces use.
ACCEPT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("sr-latn-me", "cnr"), ("sr-me", "cnr"), ("cnr", "cnr"),
    ("sr-latn", "sr-Latn"), ("sr-cyrl", "sr-Cyrl"),
    ("sh", "sr-Latn"), ("sr", "sr-Cyrl"), ("bs", "bs"), ("hr", "bs"), ("mk", "mk"),
    ("sq", "sq"), ("en", "en"),
)
# Serbian in Montenegro is ijekavian: under the montenegro profile a browser asking for Serbian
# (other than explicitly in Cyrillic) gets the Montenegrin catalogue.
PROFILE_LANGUAGES = {"montenegro": {"sr-Latn": "cnr", "sr-Cyrl": "cnr"}}

# CLDR's plain "sq" is Albanian as written in Albania, with a 12-hour clock. Albanian speakers
# of this service write 24-hour times, as Kosovo and North Macedonia do (CLDR sq_XK, sq_MK);
# a browser naming Albania gets Albania's formats.
REGIONAL_FORMATS = {"sq": ("sq_MK", {"xk": "sq_XK", "mk": "sq_MK", "al": "sq_AL"})}


def language_for_tag(tag: str, profile: str | None = None) -> Language | None:
    tag = tag.strip().lower().replace("_", "-")
    for prefix, code in ACCEPT_PREFIXES:
        if tag == prefix or tag.startswith(prefix + "-"):
            if not tag.startswith("sr-cyrl"):
                code = PROFILE_LANGUAGES.get(profile or "", {}).get(code, code)
            return BY_CODE[code]
    return None


def chosen_language() -> Language:
    """The cookie's language, else the first the browser accepts, else the default."""
    cookie = request.cookies.get(COOKIE, "")
    if cookie in BY_CODE:
        return BY_CODE[cookie]
    profile = current_app.config.get("PROCEDURE")
    for tag, _quality in request.accept_languages:
        language = language_for_tag(tag, profile)
        if language is not None:
            return language
    return default_language()


def default_language() -> Language:
    return BY_CODE[current_app.config["LANGUAGE"]]


def language_of_locale(locale: str) -> Language:
    """The interface language a Babel locale belongs to ("sq_MK" is Albanian)."""
    if locale in BY_LOCALE:
        return BY_LOCALE[locale]
    base = locale.split("_")[0]
    return next((language for language in LANGUAGES if language.locale == base), LANGUAGES[0])


def current_language() -> Language:
    locale = get_locale()
    return language_of_locale(str(locale)) if locale else LANGUAGES[0]


def formatting_locale(language: Language, tags: Sequence[str] = ()) -> str:
    """The Babel locale for ``language``: its catalogue's, or its region's where that writes
    dates and times differently (the first region the browser names, else the default)."""
    regional = REGIONAL_FORMATS.get(language.locale)
    if regional is None:
        return language.locale
    default, regions = regional
    for tag in tags:
        parts = tag.strip().lower().replace("_", "-").split("-")
        if parts[0] == language.locale and len(parts) > 1 and parts[-1] in regions:
            return regions[parts[-1]]
    return default


def select_locale() -> str:
    """Flask-Babel's locale selector (commands, outside a request, get the default). Messages
    come from the language's catalogue; a regional locale (sq_MK) falls back to it (sq)."""
    if not has_request_context():
        return formatting_locale(default_language())
    return formatting_locale(chosen_language(), [tag for tag, _ in request.accept_languages])


def safe_return_path(target: str | None) -> str:
    """A local path to go back to after switching, never another site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return "/"  # a newline would split the Location header (refused by Werkzeug: a 500)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def return_path() -> str:
    """Where the switcher brings the visitor back: this page if it can be fetched with GET,
    else the nearest parent path that can (a form's POST page goes back to the form)."""
    if request.method == "GET":
        query = request.query_string.decode("utf-8", "replace")
        return request.path + (f"?{query}" if query else "")
    adapter = current_app.url_map.bind("localhost")
    path = request.path.rstrip("/")
    while path:
        try:
            adapter.match(path, method="GET")
            return path
        except RequestRedirect as redirect:
            return urlsplit(redirect.new_url).path
        except HTTPException:
            path = path.rsplit("/", 1)[0]
    return "/"


def remember(response: Response, language: Language) -> Response:
    response.set_cookie(COOKIE, language.code, max_age=COOKIE_MAX_AGE, path="/", httponly=True,
                        samesite="Lax", secure=bool(current_app.config["HTTPS"]))
    return response


# --- the request's catalogue ------------------------------------------------------------


class RequestDomain(Domain):
    """Flask-Babel's message domain, finding the request's catalogue once per locale.

    Flask-Babel looks the catalogue up on every gettext call (the request's context three
    times, the locale turned into a string and hashed): 14 µs, and a case page asks about 260
    times. The catalogue found is kept in Flask-Babel's own namespace of the app context,
    beside the locale object it is for; ``force_locale`` (an e-mail in its reader's language)
    and ``refresh()`` put another locale object there (or none), so a new lookup follows them."""

    def get_translations(self):  # type: ignore[no-untyped-def]
        try:
            context = g._flask_babel
        except (RuntimeError, AttributeError):  # no app context, or Flask-Babel not asked yet
            return super().get_translations()
        kept = getattr(context, "kept_catalogue", None)
        if kept is not None and kept[0] is getattr(context, "babel_locale", None) and kept[1] is self:
            return kept[2]
        translations = super().get_translations()
        context.kept_catalogue = (get_locale(), self, translations)
        return translations


class RequestBabel(Babel):
    """Flask-Babel with the RequestDomain as its default domain."""

    @cached_property
    def domain_instance(self) -> RequestDomain:
        return RequestDomain(domain=self.domain)


# --- dates as people write them --------------------------------------------------------

# CLDR has only the nominative month names for Serbian, Montenegrin and Bosnian ("1. decembar
# 2026."), but a day of the month takes the genitive, which also fits after every preposition
# ("1. decembra 2026.", "do 1. decembra", "od 1. decembra"). Macedonian and Albanian don't
# decline month names.
GENITIVE_MONTHS = {
    "sr_Latn": ("januara", "februara", "marta", "aprila", "maja", "juna", "jula", "avgusta",
                "septembra", "oktobra", "novembra", "decembra"),
    "sr_Cyrl": ("јануара", "фебруара", "марта", "априла", "маја", "јуна", "јула", "августа",
                "септембра", "октобра", "новембра", "децембра"),
    "bs": ("januara", "februara", "marta", "aprila", "maja", "juna", "jula", "augusta",
           "septembra", "oktobra", "novembra", "decembra"),
}
GENITIVE_MONTHS["sr_Latn_ME"] = GENITIVE_MONTHS["sr_Latn"]


def organisation_zone() -> str:
    """Flask-Babel's time zone: the profile's, where its deadlines end at midnight (by name:
    Flask-Babel makes its own pytz zone of it)."""
    from .instance import profile

    return profile().calendar.zone_name


def on_local_clock(value: datetime) -> datetime:
    """A moment as the organisation's clock reads it (Flask-Babel's time zone, set by
    organisation_zone): a deadline west of UTC ends on the next day in UTC."""
    return value.astimezone(get_timezone()) if value.tzinfo is not None else value


def long_date(value: date | datetime, locale: str) -> str:
    """A date written out in ``locale``: "1 December 2026", "1. decembra 2026.", "1 декември
    2026 г.". Serbian and Bosnian dates end with the ordinal's full stop, as the language
    writes them; a sentence ending on one needs no second stop (see one_full_stop). A moment
    (datetime) is read on the organisation's clock."""
    from babel.dates import format_date

    if isinstance(value, datetime):
        value = on_local_clock(value).date()
    months = GENITIVE_MONTHS.get(locale)
    if months is not None:
        return f"{value.day}. {months[value.month - 1]} {value.year}."
    return format_date(value, "long", locale=locale)


def long_date_here(value: date | datetime) -> str:
    """``long_date`` in the locale of this request, or of a ``force_locale`` block (e-mails)."""
    return long_date(value, str(get_locale() or "en_GB"))


# A date that ends with its own full stop ("2026.", "2026 г."), then the sentence's full stop,
# maybe after closing tags: "do <strong>1. decembra 2026.</strong>." reads as two stops.
_DOUBLE_STOP = re.compile(r"(\d{4}\.|\d{4} г\.)((?:</[a-z]+>)*)\.(?!\d)")


def one_full_stop(text: str) -> str:
    """Drop a sentence's full stop that follows a date already ending with one. On plain
    text: a substitution on Markup joins its pieces as Markup does and escapes the tags it
    keeps (a Serbian date showed "2. decembra 2026.</strong>" to the reader)."""
    return _DOUBLE_STOP.sub(r"\1\2", str(text))


def install_template_gettext(app: Flask, domain: Domain) -> None:
    """Templates' ``_``, ``gettext`` and ``ngettext``: Jinja's newstyle gettext (the text is
    always a format string, escaped where the template autoescapes) read straight from the
    domain's catalogue, and every translated text with a date keeps one full stop (templates
    put the sentence's stop after a date placeholder).

    One function per call, where Flask-Babel's and Jinja's layers took four (a template's
    ``_()`` cost 16 µs, about 100 times a case page)."""
    from jinja2 import pass_context
    from markupsafe import Markup

    def finished(context, text: str, variables: dict[str, object]) -> str:  # type: ignore[no-untyped-def]
        if context.eval_ctx.autoescape:
            return Markup(one_full_stop(Markup(text) % variables))  # the variables escaped first
        return one_full_stop(text % variables)

    # Positional-only, as Jinja's: a template may pass ``num=`` (or any name) as a variable.
    @pass_context
    def gettext(context, string: str, /, **variables: object) -> str:  # type: ignore[no-untyped-def]
        return finished(context, domain.get_translations().ugettext(string), variables)

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, /, **variables: object) -> str:  # type: ignore[no-untyped-def]
        variables.setdefault("num", num)
        return finished(context, domain.get_translations().ungettext(singular, plural, num), variables)

    app.jinja_env.install_gettext_callables(  # newstyle, and pgettext/npgettext as Jinja makes them
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)


def register(app: Flask) -> None:
    if app.config["LANGUAGE"] not in BY_CODE:
        from .config import SettingsError

        raise SettingsError(f"COMPLAINTS_LANGUAGE must be one of: {', '.join(BY_CODE)}")

    @app.after_request
    def content_language(response: Response) -> Response:
        if request.endpoint != "static":
            response.headers["Content-Language"] = current_language().code
            response.vary.add("Cookie")
            response.vary.add("Accept-Language")
        return response

    with app.app_context():  # Flask-Babel names the domain from the app's settings
        install_template_gettext(app, app.extensions["babel"].instance.domain_instance)

    @app.context_processor
    def language_globals() -> dict[str, object]:
        return {"current_language": current_language, "languages": LANGUAGES,
                "language_return_path": return_path}
