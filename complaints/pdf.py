"""HTML to PDF with WeasyPrint, closed to the outside world.

The document is rendered from a template of this application with every value escaped; all
the same, the renderer may fetch nothing (no file, no URL, no data: URI a value could
smuggle in): a case file must not make the server read local files or reach the network.
Fonts come from the system (fontconfig), never from a URL. No Flask here.
"""
from __future__ import annotations

from typing import Any


class FetchRefused(ValueError):
    """The document asked for an outside resource; nothing is fetched."""


def _closed_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class ClosedFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's fetcher with every protocol refused, before any handler runs."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise FetchRefused("outside resources are not fetched")

    return ClosedFetcher(allowed_protocols=(), allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (a whole document with its styles inline)."""
    from weasyprint import HTML  # heavy import, only when a PDF is made

    return HTML(string=html, base_url=None, url_fetcher=_closed_fetcher()).write_pdf()
