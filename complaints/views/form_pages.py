"""A public form's empty page, rendered once per language and kept; each visitor's own
values (the CSRF token, the proof-of-work challenge) are put in per request.

Rendering the report form is most of the time of GET /report (a hundred translated
sentences, thirty fields), yet for everyone who opens it in one language the page is the
same apart from those two values. So the first visitor's request renders it with random
markers where the two values go, the page is cut at the markers, and every request joins
the pieces around its own values, escaped. Nothing typed by anyone is in a kept page: only
an empty form is kept, and only when the page has nothing of one person in it (no signed-in
staff member's menu, no message waiting in the session); otherwise the page is rendered
as usual. The pages live in the worker's memory, at most one per language.
"""
from __future__ import annotations

import re
import secrets
from typing import Callable

from flask import current_app, request, session
from flask_login import current_user
from markupsafe import escape

from ..i18n import current_language

MAX_PAGES = 32  # languages times script roots: a handful; a bound in case that ever changes


def personal() -> bool:
    """Whether this request's page would show something of one person: a staff member's
    menu, or a message flashed to this session."""
    return bool(session.get("_flashes")) or current_user.is_authenticated


def page(name: str, render: Callable[[dict[str, str]], str], values: dict[str, str]) -> str:
    """The page ``name`` with ``values`` in it. ``render(slots)`` renders the page with each
    slot's text where its value goes (the template escapes it); it runs once per language,
    and on every request that is ``personal()`` or while templates reload for development."""
    if personal() or current_app.debug or current_app.jinja_env.auto_reload:
        return render(values)
    kept: dict[tuple[str, str, str], tuple[tuple[str, ...], tuple[str, ...]] | None] = \
        current_app.extensions.setdefault("complaints.form_pages", {})
    key = (name, current_language().code, request.script_root)
    if key not in kept:
        if len(kept) >= MAX_PAGES:
            kept.clear()
        kept[key] = _cut(render, sorted(values))
    pieces = kept[key]
    if pieces is None:  # a value's place was not found: never guess, render as usual
        return render(values)
    texts, order = pieces
    out = [texts[0]]
    for slot, text in zip(order, texts[1:]):
        out.append(str(escape(values[slot])))
        out.append(text)
    return "".join(out)


def _cut(render: Callable[[dict[str, str]], str],
         slots: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Render with a fresh random marker per slot (letters and digits: escaping leaves them
    as they are) and cut the page at every marker: (the texts around them, the slot of each
    gap), or None when a marker is missing."""
    markers = {f"slot{secrets.token_hex(16)}": slot for slot in slots}
    html = render({slot: marker for marker, slot in markers.items()})
    if any(marker not in html for marker in markers):
        return None
    parts = re.split("(" + "|".join(markers) + ")", html)
    return tuple(parts[0::2]), tuple(markers[marker] for marker in parts[1::2])
