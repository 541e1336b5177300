"""Small view helpers shared by blueprints: uploads in, downloads out."""
from __future__ import annotations

import re
import unicodedata
from typing import BinaryIO, Iterable, Iterator

from flask import Response, stream_with_context
from flask_babel import gettext
from werkzeug.datastructures import FileStorage


def uploaded_files(files: Iterable[FileStorage] | None) -> list[tuple[str, str, BinaryIO]]:
    """(name, content type, stream) for every file the browser actually sent."""
    return [
        (safe_filename(f.filename or "file"), f.mimetype or "application/octet-stream", f.stream)
        for f in (files or []) if isinstance(f, FileStorage) and f.filename
    ]


def safe_filename(name: str) -> str:
    """A display name without paths or control characters (the store never uses it)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "file"


def _ascii_fallback(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "file"


def download_response(view, chunks: Iterator[bytes]) -> Response:  # type: ignore[no-untyped-def]
    """Stream a decrypted attachment as a download, never rendered inline by the browser."""
    from urllib.parse import quote

    response = Response(stream_with_context(chunks), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii_fallback(view.filename)}\"; "
        f"filename*=UTF-8''{quote(view.filename)}"
    )
    response.headers["Content-Length"] = str(view.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def not_cleaned_notice(names: list[str]) -> str:
    """What the sender is told about files whose hidden information could not all be removed."""
    return gettext("We could not remove all hidden information (such as the author's name or where "
                   "a photo was taken) from: %(names)s. They were sent as they are, and the officer "
                   "can see this.", names=", ".join(names))
def candidate_label(candidate) -> str:  # type: ignore[no-untyped-def]
    """How the assignment form offers a person: their load, and any conflict in words."""
    from flask_babel import gettext, ngettext

    load = ngettext("%(num)d open case", "%(num)d open cases", candidate.open_cases)
    if candidate.assigned:
        return gettext("%(name)s: already assigned", name=candidate.name)
    absolute = [gettext(c.text) for c in candidate.conflicts if c.absolute]
    if absolute:
        return gettext("%(name)s: can never be assigned (%(reasons)s)", name=candidate.name,
                       reasons="; ".join(absolute))
    if candidate.conflicts and not candidate.exception_approved:
        return gettext("%(name)s: needs an approved exception (%(reasons)s)", name=candidate.name,
                       reasons="; ".join(gettext(c.text) for c in candidate.conflicts))
    if candidate.conflicts:
        return gettext("%(name)s, %(load)s: exception approved", name=candidate.name, load=load)
    return gettext("%(name)s, %(load)s", name=candidate.name, load=load)
