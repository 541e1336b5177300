"""The request's catalogue is found once per locale (i18n.RequestDomain), never carried into
another language: an e-mail written in its reader's language inside the request
(``force_locale``), a language changed with ``refresh()``, the next request in another
language, and templates as well as Python code."""
from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, get_translations, gettext, refresh

from complaints.i18n import RequestDomain


def test_the_domain_in_use_keeps_the_catalogue(app) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "sr-Latn"}):
        assert gettext("Parties") == "Strane"
        assert isinstance(app.extensions["babel"].instance.domain_instance, RequestDomain)
        assert get_translations() is get_translations()


def test_force_locale_gets_its_own_language_and_gives_it_back(app) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "sr-Latn"}):
        assert gettext("Parties") == "Strane"
        with force_locale("mk"):
            assert gettext("Parties") == "Страни"
            assert render_template_string("{{ _('Parties') }}") == "Страни"
        assert gettext("Parties") == "Strane"
        assert render_template_string("{{ _('Parties') }}") == "Strane"


def test_refresh_and_the_next_request_follow_the_language(app) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "mk"}):
        assert gettext("Parties") == "Страни"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert gettext("Parties") == "Parties"
        from flask import request

        request.environ["HTTP_ACCEPT_LANGUAGE"] = "sr-Latn"
        request.__dict__.pop("accept_languages", None)
        refresh()
        assert gettext("Parties") == "Strane"


def test_templates_translate_as_jinja_newstyle_gettext_does(app) -> None:
    """The templates' own gettext (i18n.install_template_gettext) keeps Jinja's newstyle
    rules: variables are escaped, the text is always a format string, ``num`` may be passed
    by name, ``{% trans %}`` blocks work, and a date ending in a full stop keeps one."""
    with app.test_request_context("/", headers={"Accept-Language": "sr-Latn"}):
        assert render_template_string("{{ _('Parties') }}") == "Strane"
        assert render_template_string("{{ _('not in any catalogue %(x)s', x='<b>') }}") == "not in any catalogue &lt;b&gt;"
        assert render_template_string("{{ _('100%% sure') }}") == "100% sure"
        assert render_template_string(
            "{{ ngettext('%(num)s thing', '%(num)s things', 3, num='3') }}") == "3 things"
        assert render_template_string("{{ ngettext('%(num)s thing', '%(num)s things', 1) }}") == "1 thing"
        assert render_template_string(
            "{% trans name='<i>' %}Hello {{ name }}{% endtrans %}") == "Hello &lt;i&gt;"
        assert render_template_string(
            "{{ _('not translated %(date)s.', date='1. decembra 2026.') }}") == "not translated 1. decembra 2026."
        assert render_template_string("{{ _('Parties')|e }}") == "Strane"  # Markup, not escaped twice
