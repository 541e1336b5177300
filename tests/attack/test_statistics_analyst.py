"""The insider analyst of issue 16, as a regression test.

For each population (the demo generator's, and adversarial ones: one rare case, two
releases that differ by one event, late records), the analyst signs in as a GEM user,
downloads every year's JSON over HTTP, writes everything published as one integer program
(every figure, every release, the year sums, the links the procedure guarantees) and asks
HiGHS for the lowest and highest value of each hidden count. The test fails when a count
below k is shown, pinned, or narrowed inside its label (1–4, or 0–4 for sensitive ones).

This attacker is written apart from complaints/disclosure_audit.py on purpose: it knows only
what the exports say and the published list of links (complaints.releases), and builds its
own unknowns, so a mistake in the audit cannot hide itself here.
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import datetime, timezone
from itertools import product

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, lil_array

from complaints.extensions import db
from complaints.models import Consultation, Transition
from complaints.releases import EXCLUSIONS, LINKS
from tests.factories import add_bare_cases, make_staff

NOW = datetime.now(timezone.utc)
YEAR = NOW.year - 1


def at(month: int, day: int = 15, year: int = YEAR) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=timezone.utc)


# --- the analyst -------------------------------------------------------------------------


def download(client) -> tuple[list[dict], dict, int]:
    """Every figure of every year, the codes of every release, and k."""
    years = set()
    html = client.get("/statistics").get_data(as_text=True)
    for y in range(YEAR - 6, NOW.year + 1):
        if f'<option value="{y}"' in html or f'<option selected value="{y}"' in html:
            years.add(y)
    figures, codes, k = [], {}, None
    for y in sorted(years):
        response = client.get(f"/statistics/export.json?year={y}")
        assert response.status_code == 200
        body = json.loads(response.get_data(as_text=True))
        k = body["threshold"]
        figures.extend(body["figures"])
        codes.update(body["dimensions"])
    assert figures, "nothing published"
    return figures, codes, k


class Attack:
    def __init__(self, figures: list[dict], codes: dict, k: int):
        self.k, self.codes = k, codes
        self.figures = {(f["release"], f["key"]): f for f in figures}
        self.releases = sorted({f["release"] for f in figures if "-Q" in f["release"]},
                               key=lambda key: (int(key[:4]), int(key[-1])))
        self.blocks = self._blocks(figures)
        self.index: dict[tuple, int] = {}
        self.rows: list[tuple[dict[int, float], float, float]] = []
        for (release, event), dims in sorted(self._events()):
            total = self._var(("total", release, event))
            for block in self.blocks.get(event, []):
                cells = {}
                for cell in product(*(dims[d] for d in block)):
                    if self._excluded(event, dict(zip(block, cell))):
                        continue
                    cells[self._var(("cell", release, event, block, cell))] = 1.0
                self.rows.append(({**cells, total: -1.0}, 0.0, 0.0))
        for f in figures:
            high = np.inf if f["high"] is None else f["high"]
            if f["status"] != "withheld":
                self.rows.append((self.expression(f["terms"]), f["low"], high))
        for end in range(1, len(self.releases) + 1):  # the procedure's links, up to each release
            so_far = self.releases[:end]
            for (left, lw), (right, rw) in LINKS:
                row = defaultdict(float)
                for v, c in self.expression([{"releases": so_far, "event": left, "where": {d: list(x) for d, x in lw.items()}, "sign": 1}]).items():
                    row[v] += c
                for v, c in self.expression([{"releases": so_far, "event": right, "where": {d: list(x) for d, x in rw.items()}, "sign": -1}]).items():
                    row[v] += c
                self.rows.append((dict(row), -np.inf, 0.0))
        for f in figures:  # open cases with a passed deadline are open cases
            if f["key"] == "stock|backlog":
                row = defaultdict(float, self.expression(f["terms"]))
                for v, c in self.expression([{"releases": [f["release"]], "event": "overdue", "where": {}, "sign": 1}]).items():
                    row[v] -= c
                self.rows.append((dict(row), 0.0, np.inf))

    def _events(self):
        for release, events in self.codes.items():
            for event, dims in events.items():
                yield (release, event), {d: tuple(c) for d, c in dims.items()}

    def _blocks(self, figures: list[dict]) -> dict[str, list[tuple[str, ...]]]:
        """Dimensions published together or linked are unknown together; the others are
        independent given the total (one-way tables with a common total always fit)."""
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def find(x):
            parent.setdefault(x, x)
            while parent[x] != x:
                x = parent[x]
            return x

        for _, events in self.codes.items():
            for event, dims in events.items():
                for d in dims:
                    find((event, d))
        groups = [(t["event"], list(t["where"])) for f in figures for t in f["terms"]]
        groups += [(event, list(conditions)) for event, conditions in EXCLUSIONS]
        for event, dims in groups:
            for d in dims[1:]:
                parent[find((event, dims[0]))] = find((event, d))
        blocks: dict[str, dict] = defaultdict(dict)
        for (event, d) in list(parent):
            blocks[event].setdefault(find((event, d)), []).append(d)
        return {event: [tuple(sorted(ds)) for ds in roots.values()] for event, roots in blocks.items()}

    def _excluded(self, event: str, cell: dict) -> bool:
        return any(e == event and all(cell.get(d) in codes for d, codes in c.items()) and set(c) <= set(cell)
                   for e, c in EXCLUSIONS)

    def _var(self, key: tuple) -> int:
        return self.index.setdefault(key, len(self.index))

    def expression(self, terms: list[dict]) -> dict[int, float]:
        result: dict[int, float] = defaultdict(float)
        for term in terms:
            for release in term["releases"]:
                if not term["where"]:
                    result[self.index[("total", release, term["event"])]] += term["sign"]
                    continue
                block = next(b for b in self.blocks[term["event"]] if set(term["where"]) <= set(b))
                for key, var in self.index.items():
                    if key[0] == "cell" and key[1] == release and key[2] == term["event"] and key[3] == block and \
                            all(key[4][block.index(d)] in codes for d, codes in term["where"].items()):
                        result[var] += term["sign"]
        return dict(result)

    def _parts(self) -> dict[int, list[int]]:
        """Independent parts of the program (unknowns joined by some constraint)."""
        parent = list(range(len(self.index)))

        def find(v: int) -> int:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        for row, _, _ in self.rows:
            variables = list(row)
            for v in variables[1:]:
                parent[find(v)] = find(variables[0])
        parts: dict[int, list[int]] = defaultdict(list)
        for v in range(len(parent)):
            parts[find(v)].append(v)
        return parts

    def _program(self, variables: tuple[int, ...]):  # type: ignore[no-untyped-def]
        cache = self.__dict__.setdefault("_programs", {})
        if variables not in cache:
            position = {v: i for i, v in enumerate(variables)}
            rows = [(r, lb, ub) for r, lb, ub in self.rows if any(v in position for v in r)]
            matrix = lil_array((len(rows), len(variables)))
            for i, (row, _, _) in enumerate(rows):
                for v, c in row.items():
                    matrix[i, position[v]] = c
            cache[variables] = (position, LinearConstraint(matrix.tocsr(), [r[1] for r in rows], [r[2] for r in rows]))
        return cache[variables]

    def extremes(self, variables: list[int], expression: dict[int, float]) -> tuple[float, float]:
        position, base = self._program(tuple(variables))
        objective = np.zeros(len(variables))
        for v, c in expression.items():
            objective[position[v]] = c
        values = []
        for sign in (1, -1):
            result = milp(sign * objective, constraints=[base], integrality=np.ones(len(variables)),
                          bounds=Bounds(0, 10.0 ** 6))
            values.append(sign * result.fun)
        return values[0], values[1]

    def reach(self, variables: list[int], targets: list[tuple[dict[int, float], float]], up: bool) -> list[bool]:
        """Can each expression reach its target (up: at least; down: at most)? Exact: an
        integer solution is found for every yes; one solve tries all, capped at their
        targets, then the rest one by one."""
        position, base = self._program(tuple(variables))
        n, sign = len(variables), (1.0 if up else -1.0)
        reached = [False] * len(targets)

        def solve(chosen: list[int]) -> np.ndarray | None:
            m = len(chosen)
            slack = lil_array((m, n + m))
            for j, t in enumerate(chosen):  # slack y_j: up: y_j <= expr_j ; down: y_j >= expr_j
                for v, c in targets[t][0].items():
                    slack[j, position[v]] = -sign * c
                slack[j, n + j] = sign
            widened = LinearConstraint(hstack([base.A, csr_array((base.A.shape[0], m))]).tocsr(), base.lb, base.ub)
            caps = [targets[t][1] for t in chosen]
            bounds = Bounds(np.concatenate([np.zeros(n), np.full(m, -np.inf) if up else np.array(caps)]),
                            np.concatenate([np.full(n, 10.0 ** 6), np.array(caps) if up else np.full(m, np.inf)]))
            objective = np.concatenate([np.zeros(n), np.full(m, -sign)])
            result = milp(objective, constraints=[widened, LinearConstraint(slack.tocsr(), -np.inf, 0.0)],
                          integrality=np.concatenate([np.ones(n), np.zeros(m)]), bounds=bounds)
            return None if result.x is None else np.round(result.x[:n])

        def hits(x: np.ndarray, t: int) -> bool:
            value = sum(c * x[position[v]] for v, c in targets[t][0].items())
            return value >= targets[t][1] - 1e-6 if up else value <= targets[t][1] + 1e-6

        open_ = list(range(len(targets)))
        while len(open_) > 1:
            x = solve(open_)
            still = [t for t in open_ if x is None or not hits(x, t)]
            for t in set(open_) - set(still):
                reached[t] = True
            if len(still) == len(open_):
                break
            open_ = still
        for t in open_:
            x = solve([t])
            reached[t] = x is not None and hits(x, t)
        return reached

    def narrowed(self) -> list[str]:
        problems = []
        checks: dict[int, list[tuple[str, dict, dict[int, float]]]] = defaultdict(list)
        owner = {v: root for root, members in self._parts().items() for v in members}
        for (release, key), f in self.figures.items():
            if f["status"] == "shown":
                if 0 < int(f["figure"]) < self.k:
                    problems.append(f"{release} {key}: {f['figure']} shown")
                continue
            if f["status"] == "atleast":
                continue
            expression = self.expression(f["terms"])
            checks[owner[next(iter(expression))]].append((f"{release} {key}", f, expression))
        parts = self._parts()
        for root, items in checks.items():
            variables = parts[root]
            labelled = [(n, f, e) for n, f, e in items if f["status"] != "withheld"]
            floors = []
            for _, f, _ in labelled:
                parts_of = [self.figures.get((r, f["key"])) for r in f["terms"][0]["releases"]] \
                    if len(f["terms"]) == 1 and len(f["terms"][0]["releases"]) > 1 else []
                floor = sum(p["low"] for p in parts_of) if parts_of and all(parts_of) else 0
                floors.append(max(f["low"], floor))
            up = self.reach(variables, [(e, self.k - 1) for _, _, e in labelled], up=True)
            down = self.reach(variables, [(e, floor) for (_, _, e), floor in zip(labelled, floors)], up=False)
            for (name, f, _), high_ok, low_ok, floor in zip(labelled, up, down, floors):
                if not (high_ok and low_ok):
                    problems.append(f"{name}: label {f['figure']}, but not every value from {floor} to {self.k - 1} is possible")
            for name, f, e in items:  # withheld: nothing may pin it to a small count
                if f["status"] == "withheld":
                    low, high = self.extremes(variables, e)
                    if low == high and 0 < low < self.k:
                        problems.append(f"{name}: withheld but pinned to {low:g}")
        return problems


# --- populations -------------------------------------------------------------------------


@pytest.fixture()
def gem(staff_client):
    client, _ = staff_client("gem")
    return client


def attack(client) -> list[str]:
    figures, codes, k = download(client)
    return Attack(figures, codes, k).narrowed()


def test_the_demo_population(app, gem):
    from complaints.services.demo import build_demo
    with app.test_request_context():
        build_demo(case_count=80, seed=16)
    assert attack(gem) == []


def test_one_rare_case(app, gem):
    with app.app_context():
        add_bare_cases(30, at(2), category="MOBBING", complainant_sex="female", unit_group="navy")
        add_bare_cases(1, at(2), category="SEA", complainant_sex="male", unit_group="deployment",
                       protection_requested=True)
        add_bare_cases(12, at(5), category="MOBBING", complainant_sex="female")
    assert attack(gem) == []


def test_two_releases_that_differ_by_one_event(app, gem):
    """Q2 repeats Q1 exactly, plus one report and one decision: their difference is one case."""
    with app.app_context():
        for month in (2, 5):
            cases = add_bare_cases(8, at(month), category="GBD", complainant_sex="female")
            for case in cases[:5]:
                db.session.add(Transition(id=uuid.uuid4(), case_id=case.id, from_state="decision_pending",
                                          to_state="decided", action="decide", actor_kind="staff",
                                          reason_code="not_substantiated", at=at(month, 25)))
        extra, = add_bare_cases(1, at(5), category="SEXUAL_ABUSE_ASSAULT", complainant_sex="male")
        extra.sanction = "dismissal"
        db.session.add(Transition(id=uuid.uuid4(), case_id=extra.id, from_state="decision_pending",
                                  to_state="decided", action="decide", actor_kind="staff",
                                  reason_code="substantiated", at=at(5, 28)))
        db.session.commit()
    assert attack(gem) == []


def test_late_records(app, gem):
    """Q1 is published; then a consultation and a report dated in Q1 are written down."""
    from complaints.services import published_statistics
    with app.test_request_context():
        trust = make_staff("trust_" + uuid.uuid4().hex[:6], ["trust"])
        add_bare_cases(9, at(2), category="MOBBING", complainant_sex="female")
        for _ in range(6):
            db.session.add(Consultation(id=uuid.uuid4(), trust_user_id=trust.id, held_on=at(2).date(), category="MOBBING",
                                        outcome="advice_only", complainant_sex="female", created_at=at(2)))
        db.session.commit()
        published_statistics.compute_due(at(4, 3))
        db.session.add(Consultation(id=uuid.uuid4(), trust_user_id=trust.id, held_on=at(3).date(), category="SEA",
                                    outcome="complaint_filed", complainant_sex="male", created_at=at(4, 20)))
        add_bare_cases(1, at(3), category="SEA", complainant_sex="male", recorded_at=at(4, 20))
        add_bare_cases(7, at(5), category="MOBBING", complainant_sex="female")
        db.session.commit()
        published_statistics.compute_due(at(7, 2))
    assert attack(gem) == []


def test_the_attacker_finds_what_small_counts_hidden_alone_would_give_away(app, gem):
    """The attacker is not blind: with only the small counts hidden (no complements, as
    before issue 16), it works out the rare case from the total."""
    from complaints import releases
    from complaints.disclosure import primary_status
    with app.app_context():
        add_bare_cases(30, at(2), category="MOBBING", complainant_sex="female")
        add_bare_cases(1, at(2), category="SEA", complainant_sex="male")

    def primary_only(publication, earlier, k):
        for figure in publication.figures:
            figure.k = k
            figure.status = primary_status(figure)

    original = releases.protect_publication
    releases.protect_publication = primary_only
    try:
        problems = attack(gem)
    finally:
        releases.protect_publication = original
    assert f"{YEAR} received|category|SEA: label 0–4, but not every value from 0 to 4 is possible" in problems


