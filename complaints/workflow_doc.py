"""The generated parts of docs/manual/workflow.md: the state diagram, every step, every clock,
and every profile value with its source. ``scripts/workflow_doc.py`` writes them between the
``<!-- generated: NAME -->`` and ``<!-- end: NAME -->`` markers; a test fails when the manual
and the table differ."""
from __future__ import annotations

import re

from . import workflow
from .procedures import PROFILE_DIR, available_profiles, load_profile

START, END = "<!-- generated: {} -->", "<!-- end: {} -->"


def sections() -> dict[str, str]:
    return {"diagram": "```mermaid\n" + workflow.mermaid_diagram() + "\n```",
            "steps": steps_table(), "clocks": clocks_table(), "profiles": profile_tables()}


def _days(kind: str) -> str:
    profile = load_profile("generic")
    if kind == "monitoring":
        return "check-ins at " + ", ".join(str(d) for d in profile.monitoring_checkins_days) + " days"
    if kind in workflow.EXTENSIONS:
        return f"moves {workflow.EXTENSIONS[kind]} ({profile.deadlines_days[kind]} days)"
    if kind in profile.deadlines_months:
        return f"{kind} ({profile.deadlines_months[kind]} months)"
    return f"{kind} ({profile.deadlines_days[kind]} days)"


def steps_table() -> str:
    rows = ["| step | from | to | taken by | deadline that starts | source |",
            "|---|---|---|---|---|---|"]
    for rule in workflow.RULES:
        sources = ("any open stage before monitoring" if rule.action == "withdraw"
                   else ", ".join(sorted(rule.sources)))
        rows.append(f"| {rule.label} | {sources} | {rule.target} | {', '.join(sorted(rule.actors))} "
                    f"| {_days(rule.deadline) if rule.deadline else '—'} | {rule.source_note} |")
    return "\n".join(rows)


def clocks_table() -> str:
    rows = ["| clock | counted from | met by | stops without being met when the case leaves | can be paused |",
            "|---|---|---|---|---|"]
    for clock in workflow.CLOCKS.values():
        counted = "receipt" if clock.from_receipt else "the step that starts it"
        if clock.kind == "feedback":
            counted = "acknowledgement, or the end of the 7-day period"
        met_by = ", ".join(sorted(clock.met_by)) or (
            "a protective measure ordered, or a decision that none is needed"
            if clock.kind == "protective_measure" else "—")
        if clock.kind == "feedback":
            met_by += ", typed feedback"
        runs = ", ".join(sorted(clock.runs_in)) if len(clock.runs_in) < 6 else "any open stage"
        rows.append(f"| {clock.kind} | {counted} | {met_by} | {runs} | {'yes' if clock.pausable else 'no'} |")
    return "\n".join(rows)


_VALUE = re.compile(r"^(\w+)\s*=\s*(.*?)\s*(?:#\s*(.*))?$")


def profile_tables() -> str:
    parts = []
    for name in available_profiles():
        profile = load_profile(name)
        parts.append(f"### {profile.title}\n\n`COMPLAINTS_PROCEDURE={name}`\n\n"
                     "| value | setting | source |\n|---|---|---|")
        table = ""
        for line in (PROFILE_DIR / f"{name}.toml").read_text(encoding="utf-8").splitlines():
            if line.startswith("["):
                table = line.strip("[] ")
                continue
            match = _VALUE.match(line)
            if not match or table == "categories" or match.group(1) in ("name", "title"):
                continue
            key, value, source = match.groups()
            if table == "external_routes":
                if key == "code":
                    route = value.strip('"')
                if key != "deadline_days":
                    continue
                key = f"route {route}: days from delivery"
            elif table:
                key = f"{table}.{key}"
            parts[-1] += f"\n| {key} | `{value}` | {(source or '').replace('|', '/')} |"
    return "\n\n".join(parts)


def render(text: str) -> str:
    """``text`` (the manual) with every generated section replaced by the current one."""
    for name, body in sections().items():
        start, end = START.format(name), END.format(name)
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        text = f"{before}{start}\n{body}\n{end}{after}"
    return text
