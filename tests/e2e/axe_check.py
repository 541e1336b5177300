"""Run axe-core (from the npm registry, pinned in tests/e2e/axe/package.json) in the page."""
from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).parent / "axe/node_modules/axe-core/axe.min.js"


def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/e2e/axe` (bash .ci/run does)")
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe's default rule set (WCAG 2.0/2.1 A and AA plus best practices) on the whole page,
    with every <details> opened so folded forms are checked too."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())  # evaluated by the browser's devtools protocol: not blocked by CSP
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        for v in result["violations"]
    ]
