"""Every word a template shows goes through gettext: no literal text for a user to read.

The template is lexed with Jinja; the HTML between Jinja tags is rebuilt with a placeholder
for each tag and parsed, and any text or visible attribute (title, aria-label, alt,
placeholder, a button's value) that still holds letters is reported. String literals inside
``{{ }}`` and ``{% %}`` are reported when they read like prose, or when a one-word literal is
printed into the page, unless they sit inside ``_()`` / ``gettext()`` / ``ngettext()``.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
VISIBLE_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder", "aria-description", "label",
                      "aria-roledescription", "aria-valuetext"}
LETTER = re.compile(r"[^\W\d_]")
PLACEHOLDER_BASE = 0xE000  # private-use characters stand for Jinja tags in the HTML skeleton
CSS_CLASSES = set(re.findall(r"\.([a-zA-Z][\w-]*)", (ROOT / "static/css/site.css").read_text()))


class _Skeleton(HTMLParser):
    """Collects visible text and visible attribute values, with the Jinja tags they contain."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.visible_tags: set[int] = set()  # Jinja tags whose output lands in visible text

    def _placeholders(self, text: str) -> set[int]:
        return {ord(ch) - PLACEHOLDER_BASE for ch in text if PLACEHOLDER_BASE <= ord(ch) < PLACEHOLDER_BASE + 0x1000}

    def _check(self, text: str, where: str) -> None:
        self.visible_tags |= self._placeholders(text)
        plain = "".join(ch for ch in text if not PLACEHOLDER_BASE <= ord(ch) < PLACEHOLDER_BASE + 0x1000)
        if LETTER.search(plain):
            self.problems.append(f"{where}: {plain.strip()!r}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kinds = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag in ("input", "button")
                and (kinds.get("type") or "") in ("submit", "button", "reset"))
            if visible:
                self._check(value, f"<{tag} {name}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self._check(data, "text")


def _reads_like_prose(literal: str) -> bool:
    text = re.sub(r"%[-#0 +]*\d*[a-zA-Z]", "", literal)  # strftime / printf directives
    if not LETTER.search(text) or literal.endswith(".html"):
        return False
    words = literal.split()
    if all(word in CSS_CLASSES for word in words):
        return False
    return bool(re.search(r"[A-Z\s']", text))


def untranslated(source: str) -> list[str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    tokens = list(env.lex(source))
    skeleton: list[str] = []
    literals: list[tuple[int, str, str, str, str]] = []  # (tag number, literal, previous, next, kind)
    tag = -1
    in_trans = False
    depth_stack: list[int] = []  # paren depths at which a gettext call started
    depth = 0
    significant = [(i, t) for i, t in enumerate(tokens) if t[1] not in ("whitespace",)]
    position = {i: n for n, (i, _) in enumerate(significant)}
    kind = ""
    for index, (_, token_type, value) in enumerate(tokens):
        if token_type in ("block_begin", "variable_begin"):
            tag += 1
            kind = token_type
            nxt = significant[position[index] + 1][1] if index in position else None
            if token_type == "block_begin" and nxt and nxt[2] == "trans":
                in_trans = True
            if token_type == "block_begin" and nxt and nxt[2] == "endtrans":
                in_trans = False
                skeleton.append(chr(PLACEHOLDER_BASE + tag))
            if not in_trans:
                skeleton.append(chr(PLACEHOLDER_BASE + tag))
            depth, depth_stack = 0, []
            continue
        if token_type in ("comment_begin", "comment", "comment_end", "block_end", "variable_end",
                          "whitespace", "raw_begin", "raw_end"):
            continue
        if token_type == "data":
            if not in_trans:
                skeleton.append(value)
            continue
        if in_trans:
            continue
        if token_type == "operator" and value == "(":
            prev = significant[position[index] - 1][1]
            depth += 1
            if prev[1] == "name" and prev[2] in GETTEXT_NAMES:
                depth_stack.append(depth)
        elif token_type == "operator" and value == ")":
            if depth_stack and depth_stack[-1] == depth:
                depth_stack.pop()
            depth -= 1
        elif token_type == "string" and not depth_stack:
            prev = significant[position[index] - 1][1][2]
            nxt = significant[position[index] + 1][1][2]
            literals.append((tag, value[1:-1], str(prev), str(nxt), kind))  # value keeps its quotes
    parser = _Skeleton()
    parser.feed("".join(skeleton))
    parser.close()
    problems = list(parser.problems)
    for tag_number, literal, prev, nxt, tag_kind in literals:
        printed = tag_kind == "variable_begin" and tag_number in parser.visible_tags and (
            nxt in ("if", "}}") or prev in ("else", "or", "{{"))
        if _reads_like_prose(literal) or (printed and LETTER.search(literal)):
            problems.append(f"literal {literal!r}")
    return problems


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_template_has_no_untranslated_text(template: Path) -> None:
    assert untranslated(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("snippet", [
    "<p>Hello</p>",
    "<p>{{ _('Hello') }} world</p>",
    '<img src="x.png" alt="A photo">',
    '<a href="/" title="Home">{{ _("Home") }}</a>',
    '<nav aria-label="Main"></nav>',
    '<input type="submit" value="Send">',
    "<p>{{ 'yes' if ok else 'no' }}</p>",
    "<p>{{ user.email or 'none' }}</p>",
    "{% for key, label in [('a', 'First label')] %}{{ label }}{% endfor %}",
    "<h1>{{ _('Title') }}: {{ 'Unknown' }}</h1>",
])
def test_checker_flags_untranslated_text(snippet: str) -> None:
    assert untranslated(snippet), snippet


@pytest.mark.parametrize("snippet", [
    "<p>{{ _('Hello') }}</p>",
    "<p>{% trans trimmed %}Hello <strong>you</strong>{% endtrans %}</p>",
    '<nav aria-label="{{ _(\'Main\') }}"></nav>',
    "<p class=\"{{ 'flash-success' if ok else 'flash-error' }}\">{{ x }}</p>",
    "<td>{{ e.at.strftime('%Y-%m-%d %H:%M:%S') }}</td>",
    "{% extends \"base.html\" %}{% if rule.action == 'decide' %}<b>{{ code }}</b>{% endif %}",
    "<p>{{ _('Hi %(name)s', name=user.username) }} — 42 · 7</p>",
    '<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">',
])
def test_checker_accepts_translated_text(snippet: str) -> None:
    assert untranslated(snippet) == []
