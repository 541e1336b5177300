
from complaints import PROJECT_ROOT
from complaints.workflow import RULES, mermaid_diagram


def test_the_manual_shows_the_diagram_of_the_current_table():
    text = (PROJECT_ROOT / "docs" / "manual" / "workflow.md").read_text()
    assert mermaid_diagram() in text


def test_the_manual_lists_every_step():
    text = (PROJECT_ROOT / "docs" / "manual" / "workflow.md").read_text()
    for rule in RULES:
        assert f"| {rule.label} |" in text, rule.action
