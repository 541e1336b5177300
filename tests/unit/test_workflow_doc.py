"""docs/manual/workflow.md shows the current table: diagram, steps, clocks and every profile
value with its source (regenerate with scripts/workflow_doc.py)."""
from complaints import PROJECT_ROOT
from complaints.workflow import RULES, mermaid_diagram
from complaints.workflow_doc import render, sections

MANUAL = PROJECT_ROOT / "docs" / "manual" / "workflow.md"


def test_the_manual_shows_the_diagram_of_the_current_table():
    assert mermaid_diagram() in MANUAL.read_text()


def test_the_manual_lists_every_step():
    text = MANUAL.read_text()
    for rule in RULES:
        assert f"| {rule.label} |" in text, rule.action


def test_every_generated_section_is_current():
    text = MANUAL.read_text()
    for name in sections():
        assert f"<!-- generated: {name} -->" in text, name
    assert render(text) == text, "run scripts/workflow_doc.py"
