"""Regenerate the generated sections of docs/manual/workflow.md from the workflow table and
the profiles: `.venv/bin/python scripts/workflow_doc.py`."""
from complaints import PROJECT_ROOT
from complaints.workflow_doc import render

path = PROJECT_ROOT / "docs" / "manual" / "workflow.md"
path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
print(f"wrote {path}")
