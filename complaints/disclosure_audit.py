"""The exact audit: everything published, solved as one integer program. No Flask.

The unknowns are the true counts an attacker wants: for every release and event kind, the
count of each combination of the dimensions counted jointly (``EventSpace.blocks``), and the
event total. Every published figure is a linear constraint on them (an equation when shown,
bounds when shown as a range); every logical link is one more (``Relation``: a count that
can never exceed another, such as appeals decided and appeals lodged; ``EventSpace.excluded``:
combinations that cannot exist, such as a report in the category "retaliation" that is not a
report of retaliation). Dimensions never crossed or linked are independent given the total:
any choice of their one-way counts with the right total fits together, so each is its own
block and the program stays small.

For each protected figure the audit asks HiGHS (``scipy.optimize.milp``) for the lowest and
highest value the constraints allow, and reports the figure when that interval does not cover
its requirement. To stay fast it first splits the program into independent parts (counts
fixed by shown figures are constants), takes the true counts as a first witness, and lets one
solve witness many figures at once before solving figure by figure.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import product
from typing import Callable, Iterable

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only; the modules load when a count is solved for (_solver)
    import numpy as np
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_array


def _solver():  # type: ignore[no-untyped-def]
    """NumPy and SciPy's HiGHS, imported when a count has to be solved for: every web worker
    imported them at start-up before (about 100 MB each), and loading them takes about 0.45 s,
    which a release whose counts are all large never needs."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    return np, Bounds, LinearConstraint, milp, csr_array

from .disclosure import WITHHELD, Figure, Requirement, Term

TIME_LIMIT = 20.0  # seconds for one solve; an unfinished solve counts as a narrowed count


@dataclass
class EventSpace:
    """The unknowns of one event kind in one release, and their true values."""

    codes: dict[str, tuple[str, ...]]
    blocks: list[tuple[str, ...]]
    excluded: Callable[[dict[str, str]], bool] = lambda cell: False
    total: int = 0
    cells: dict[tuple[str, ...], Counter] = field(default_factory=dict)  # block -> true counts

    def matching(self, dims: tuple[str, ...], where: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, ...]]:
        """The cells of a block that a term's conditions select (kept: the audit asks often)."""
        cache = self.__dict__.setdefault("_matching", {})
        if (dims, where) not in cache:
            positions = [(dims.index(d), frozenset(codes)) for d, codes in where]
            cache[(dims, where)] = [cell for cell in self.block_cells(dims)
                                    if all(cell[i] in codes for i, codes in positions)]
        return cache[(dims, where)]

    def block_cells(self, dims: tuple[str, ...]) -> list[tuple[str, ...]]:
        cache = self.__dict__.setdefault("_cells", {})
        if dims not in cache:
            cache[dims] = [cell for cell in product(*(self.codes[d] for d in dims))
                           if not self.excluded(dict(zip(dims, cell)))]
        return cache[dims]


@dataclass(frozen=True)
class Relation:
    """sum(left) <= sum(right), for every solution (a logical link between figures)."""

    left: tuple[Term, ...]
    right: tuple[Term, ...]


class Model:
    def __init__(self, spaces: dict[tuple[str, str], EventSpace]):
        self.spaces = spaces
        self.index: dict[tuple, int] = {}
        self.truth: list[int] = []
        self.rows: list[tuple[dict[int, int], float, float, str | None]] = []  # (coefficients, lb, ub, figure)
        for (publication, event), space in spaces.items():
            self._variable(("total", publication, event), space.total)
            for dims in space.blocks:
                coefficients = {self.index[("total", publication, event)]: -1}
                for cell in space.block_cells(dims):
                    var = self._variable(("cell", publication, event, dims, cell), space.cells.get(dims, {}).get(cell, 0))
                    coefficients[var] = 1
                self.rows.append((coefficients, 0, 0, None))

    def _variable(self, key: tuple, true_value: int) -> int:
        self.index[key] = len(self.truth)
        self.truth.append(true_value)
        return self.index[key]

    def expression(self, terms: tuple[Term, ...]) -> dict[int, int]:
        cache = self.__dict__.setdefault("_expressions", {})
        if terms not in cache:
            cache[terms] = self._expression(terms)
        return cache[terms]

    def _expression(self, terms: Iterable[Term]) -> dict[int, int]:
        coefficients: Counter = Counter()
        for term in terms:
            for publication in term.publications:
                space = self.spaces.get((publication, term.event))
                if space is None:
                    raise KeyError(f"no counts of {term.event} in {publication}")
                for var in self._term_variables(publication, term, space):
                    coefficients[var] += term.sign
        return {v: c for v, c in coefficients.items() if c}

    def _term_variables(self, publication: str, term: Term, space: EventSpace) -> list[int]:
        if not term.where:
            return [self.index[("total", publication, term.event)]]
        wanted = dict(term.where)
        dims = next((b for b in space.blocks if set(wanted) <= set(b)), None)
        if dims is None:
            raise ValueError(f"{term.event}: {sorted(wanted)} are not counted jointly")
        return [self.index[("cell", publication, term.event, dims, cell)] for cell in space.matching(dims, term.where)]

    def add_figure(self, figure: Figure) -> None:
        if figure.status == WITHHELD:
            return
        low, high = figure.bounds()
        self.rows.append((self.expression(figure.terms), low, math.inf if high is None else high, figure.key))

    def add_relation(self, relation: Relation) -> bool:
        """Add a link; one the true counts break (data from before a rule existed) is left
        out: an analyst who assumed it would be reasoning from something false."""
        coefficients = Counter(self.expression(tuple(relation.left)))
        coefficients.subtract(self.expression(tuple(relation.right)))
        if sum(c * self.truth[v] for v, c in coefficients.items()) > 0:
            return False
        self.rows.append(({v: c for v, c in coefficients.items() if c}, -math.inf, 0, None))
        return True


@dataclass
class AuditResult:  # noqa: D101 - fields say it
    violations: list[Figure]
    solves: int
    components: dict[int, int]                 # free variable -> component
    variables: dict[int, frozenset[int]]       # id(figure) -> its free variables
    tables: dict[tuple[str, str], frozenset[int]]  # (publication, table) -> free variables

    neighbours: dict[int, frozenset[int]] = field(default_factory=dict)  # variable -> those sharing a constraint
    settled: frozenset[int] = frozenset()  # unknowns earlier publications alone fix
    sides: dict[int, set[str]] = field(default_factory=dict)  # id(figure) -> "high" and/or "low" not reached

    def useless(self, figure: Figure) -> bool:
        """Hiding it would hide nothing: earlier publications already give its value."""
        return self.variables.get(id(figure), frozenset()) <= self.settled

    def closeness(self, candidate: Figure, violated: Figure) -> int | None:
        """0: same table; 1: shares unknowns with the count; 2: with its table; 3: shares a
        constraint with it (a link, a block's total); 4: same part of the program."""
        if candidate.publication == violated.publication and (
                candidate.table == violated.table or candidate.key == violated.table.split("|")[0]):
            return 0  # its own table, or the total every table of its event adds up to
        mine, theirs = self.variables.get(id(candidate), frozenset()), self.variables.get(id(violated), frozenset())
        if mine & theirs:
            return 1
        if mine & self.tables.get((violated.publication, violated.table), frozenset()):
            return 2
        if any(mine & self.neighbours.get(v, frozenset()) for v in theirs):
            return 3
        parts = {self.components.get(v) for v in theirs} - {None}
        if any(self.components.get(v) in parts for v in mine):
            return 4
        return None


class Auditor:
    """The program of everything already published (built once), against which the new
    publication's figures are checked round after round as more of them are hidden."""

    def __init__(self, spaces: dict[tuple[str, str], EventSpace], earlier: list[Figure],
                 relations: list[Relation]):
        self.model = Model(spaces)
        self.earlier = earlier
        for figure in earlier:
            self.model.add_figure(figure)
        for relation in relations:
            self.model.add_relation(relation)
        self.base = len(self.model.rows)
        # fixed by what is already published: hiding new figures can never free them
        self.settled = _propagate(self.model.rows, {})
        self.earlier_variables = {id(f): frozenset(self.model.expression(f.terms)) for f in earlier}

    def check(self, new: list[Figure], required: list[Requirement],
              witnessed: set[tuple[str, str, str]] | None = None) -> AuditResult:
        """Check every requirement whose part of the program holds a new figure (other parts
        are as already audited). ``witnessed`` holds (publication, figure, side) already
        shown reachable; hiding more only loosens the program, so they are skipped. The set
        is updated with what this check shows."""
        witnessed = set() if witnessed is None else witnessed
        model = self.model
        del model.rows[self.base:]
        for figure in new:
            model.add_figure(figure)
        fixed = _propagate(model.rows, dict(self.settled))
        rows = model.rows
        parent = list(range(len(model.truth)))

        def find(v: int) -> int:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        def join(variables: Iterable[int]) -> None:
            roots = [find(v) for v in variables if v not in fixed]
            for r in roots[1:]:
                parent[r] = roots[0]

        for coefficients, _, _, _ in rows:
            join(coefficients)
        expressions = {id(r.figure): model.expression(r.figure.terms) for r in required}
        for r in required:  # a withheld figure still ties together the counts it adds up
            join(expressions[id(r.figure)])
        is_new = {id(f) for f in new}
        variables = dict(self.earlier_variables)
        variables.update({id(f): frozenset(model.expression(f.terms)) for f in new})
        tables: dict[tuple[str, str], set[int]] = {}
        for f in self.earlier + new:
            tables.setdefault((f.publication, f.table), set()).update(variables[id(f)])
        components = {v: find(v) for coefficients, _, _, _ in rows for v in coefficients if v not in fixed}
        for expression in expressions.values():
            components.update({v: find(v) for v in expression if v not in fixed})

        touched = {components[v] for f in new for v in variables[id(f)] if v in components}
        solver = _Solver(model, fixed, rows, components, witnessed)
        violations: list[Figure] = []
        for requirement in required:
            expression = expressions[id(requirement.figure)]
            free = [v for v in expression if v not in fixed]
            if not free:
                value = sum(fixed[v] * c for v, c in expression.items())
                if not requirement.low >= value >= requirement.high:
                    violations.append(requirement.figure)
                    solver.sides.setdefault(id(requirement.figure), set()).update(
                        side for side, bad in (("high", value < requirement.high), ("low", value > requirement.low))
                        if bad)
                continue
            part = components[free[0]]
            if part in touched or id(requirement.figure) in is_new:
                solver.want(part, requirement, expression)
        violations.extend(solver.run())
        neighbours: dict[int, set[int]] = {}
        for coefficients, _, _, key in rows:
            if key is None:  # links and block totals: figures' own rows are covered above
                for v in coefficients:
                    neighbours.setdefault(v, set()).update(coefficients)
        return AuditResult(list({id(f): f for f in violations}.values()), solver.solves, components, variables,
                           {key: frozenset(v) for key, v in tables.items()},
                           {v: frozenset(n) for v, n in neighbours.items()}, frozenset(self.settled), solver.sides)


def audit(spaces: dict[tuple[str, str], EventSpace], figures: list[Figure], relations: list[Relation],
          required: list[Requirement], only: Callable[[Figure], bool] = lambda f: True,
          witnessed: set[tuple[str, str, str]] | None = None) -> AuditResult:
    """One check of ``figures``, those for which ``only`` is true being the new ones."""
    auditor = Auditor(spaces, [f for f in figures if not only(f)], relations)
    return auditor.check([f for f in figures if only(f)], required, witnessed)


def _propagate(rows: list, fixed: dict[int, int]) -> dict[int, int]:
    """Counts that shown figures fix, one after another (an exact total with every other
    count of its block known fixes the last one), added to ``fixed``."""
    changed = True
    while changed:
        changed = False
        for coefficients, lb, ub, _ in rows:
            if lb != ub:
                continue
            free = [v for v in coefficients if v not in fixed]
            if len(free) == 1:
                rest = sum(c * fixed[v] for v, c in coefficients.items() if v in fixed)
                fixed[free[0]] = int(round((lb - rest) / coefficients[free[0]]))
                changed = True
    return fixed


class _Solver:
    def __init__(self, model: Model, fixed: dict[int, int], rows, components: dict[int, int],
                 witnessed: set[tuple[str, str, str]]):
        self.model, self.fixed, self.rows, self.components = model, fixed, rows, components
        self.witnessed = witnessed
        self.sides: dict[int, set[str]] = {}
        self.wanted: dict[int, list[tuple[Requirement, dict[int, int]]]] = {}
        self.solves = 0
        self.big = 2 * (sum(model.truth) + 10)

    def want(self, part: int, requirement: Requirement, expression: dict[int, int]) -> None:
        self.wanted.setdefault(part, []).append((requirement, expression))

    def run(self) -> list[Figure]:
        violations = []
        for part, wanted in self.wanted.items():
            program = None
            for side in ("high", "low"):
                todo = [(r, e) for r, e in wanted if _mark(r, side) not in self.witnessed]
                if not todo:
                    continue
                program = program or self._program(part)
                failed = self._side(program, todo, side)
                violations.extend(failed)
                for figure in failed:
                    self.sides.setdefault(id(figure), set()).add(side)
                self.witnessed.update(_mark(r, side) for r, _ in todo if r.figure not in failed)
        return list({id(f): f for f in violations}.values())

    def _program(self, part: int):  # type: ignore[no-untyped-def]
        np, Bounds, LinearConstraint, milp, csr_array = _solver()
        variables = [v for v, c in self.components.items() if c == part]
        position = {v: i for i, v in enumerate(variables)}
        data, rows, cols, lbs, ubs = [], [], [], [], []
        for coefficients, lb, ub, _ in self.rows:
            if not any(v in position for v in coefficients):
                continue
            constant = sum(c * self.fixed[v] for v, c in coefficients.items() if v in self.fixed)
            row = len(lbs)
            for v, c in coefficients.items():
                if v in position:
                    rows.append(row)
                    cols.append(position[v])
                    data.append(c)
            lbs.append(lb - constant)
            ubs.append(ub - constant)
        matrix = csr_array((data, (rows, cols)), shape=(len(lbs), len(variables)))
        constraint = LinearConstraint(matrix, np.array(lbs, dtype=float), np.array(ubs, dtype=float))
        truth = np.array([self.model.truth[v] for v in variables], dtype=float)
        return position, constraint, truth

    def _side(self, program, wanted, side: str) -> list[Figure]:  # type: ignore[no-untyped-def]
        np, Bounds, LinearConstraint, milp, csr_array = _solver()
        position, constraint, truth = program

        def value(expression: dict[int, int], x: np.ndarray) -> float:
            return sum(c * (x[position[v]] if v in position else self.fixed[v]) for v, c in expression.items())

        def target(requirement: Requirement) -> int:
            return requirement.high if side == "high" else requirement.low

        def reached(requirement: Requirement, expression: dict[int, int], x: np.ndarray) -> bool:
            v = value(expression, x)
            return v >= requirement.high - 1e-6 if side == "high" else v <= requirement.low + 1e-6

        open_ = [(r, e) for r, e in wanted if not reached(r, e, truth)]
        while len(open_) > 1:  # one solve for all of them, each pulled only to its target
            x = self._solve(position, constraint, side, [(e, target(r)) for r, e in open_])
            still = [(r, e) for r, e in open_ if x is None or not reached(r, e, x)]
            if len(still) == len(open_):
                break
            open_ = still
        violations = []
        for requirement, expression in open_:
            x = self._solve(position, constraint, side, [(expression, target(requirement))])
            if x is None or not reached(requirement, expression, x):
                violations.append(requirement.figure)
        return violations

    def _solve(self, position: dict[int, int], constraint: LinearConstraint, side: str,
               targets: list[tuple[dict[int, int], int]]) -> np.ndarray | None:
        """Pull each expression towards its target (up for "high", down for "low"), no
        further: one slack per expression, capped at the target, so that reaching one
        target never pays more than reaching another."""
        np, Bounds, LinearConstraint, milp, csr_array = _solver()
        n, m = len(position), len(targets)
        sign = 1.0 if side == "high" else -1.0
        rows, cols, data = [], [], []
        for i, (expression, _) in enumerate(targets):
            for v, c in expression.items():
                if v in position:
                    rows.append(i)
                    cols.append(position[v])
                    data.append(-sign * c)
            rows.append(i)
            cols.append(n + i)
            data.append(sign)
        constants = [sum(c * self.fixed[v] for v, c in e.items() if v not in position) for e, _ in targets]
        # high: y_i - expr_i <= const_i, y_i <= target_i ; low: expr_i - y_i <= -const_i, y_i >= target_i
        links = LinearConstraint(csr_array((data, (rows, cols)), shape=(m, n + m)), -np.inf,
                                 np.array([sign * c for c in constants], dtype=float))
        widened = LinearConstraint(csr_array(constraint.A.toarray() if hasattr(constraint.A, "toarray") else constraint.A,
                                             dtype=float) @ _pad(n, m), constraint.lb, constraint.ub)
        objective = np.concatenate([np.zeros(n), np.full(m, -sign)])
        low = np.concatenate([np.zeros(n), np.full(m, -np.inf if side == "high" else 0.0)])
        high = np.concatenate([np.full(n, float(self.big)),
                               np.array([float(t) if side == "high" else np.inf for _, t in targets])])
        if side == "low":
            low[n:] = [float(t) for _, t in targets]
        integrality = np.concatenate([np.ones(n), np.zeros(m)])
        self.solves += 1
        result = milp(objective, constraints=[widened, links], integrality=integrality, bounds=Bounds(low, high),
                      options={"time_limit": TIME_LIMIT})
        return None if result.x is None else np.round(result.x[:n])


def _mark(requirement: Requirement, side: str) -> tuple[str, str, str]:
    return (requirement.figure.publication, requirement.figure.key, side)


def _pad(n: int, m: int) -> csr_array:
    """The identity on the first n unknowns, zero on the m slacks: widens a constraint matrix."""
    np, Bounds, LinearConstraint, milp, csr_array = _solver()
    return csr_array((np.ones(n), (np.arange(n), np.arange(n))), shape=(n, n + m))
