"""The manual: every picture it shows exists, every guide is linked from the README and the
index, and the screenshot script knows every picture the guides use."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANUAL = ROOT / "docs/manual"
GUIDES = ["complainant.md", "person-of-trust.md", "officer.md", "coordinator.md", "gem-analyst.md",
          "auditor.md", "administrator.md", "deployment.md", "security.md"]
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def images() -> list[tuple[str, str]]:
    return [(page.name, target) for page in sorted(MANUAL.glob("*.md"))
            for target in IMAGE.findall(page.read_text(encoding="utf-8"))]


def test_every_picture_in_the_manual_exists() -> None:
    assert len(images()) >= 15
    missing = [(page, target) for page, target in images() if not (MANUAL / target).is_file()]
    assert missing == []


def test_every_picture_has_a_description() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in MANUAL.glob("*.md"))
    assert not re.search(r"!\[\s*\]\(", text), "describe every picture (alt text)"


def test_every_picture_comes_from_the_screenshot_script() -> None:
    script = (MANUAL / "screenshots.py").read_text(encoding="utf-8")
    made = set(re.findall(r'"([\w-]+\.png)"', script))
    assert {Path(target).name for _, target in images()} <= made


def test_readme_and_index_link_every_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    index = (MANUAL / "index.md").read_text(encoding="utf-8")
    for guide in GUIDES:
        assert (MANUAL / guide).is_file(), guide
        assert f"(docs/manual/{guide})" in readme, guide
        assert f"({guide})" in index, guide
