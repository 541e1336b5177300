"""Statistical disclosure control for published figures. Pure Python: no Flask, no database.

What a reader learns from a published figure, and therefore what the audits below assume:

* a figure shown as a number is exact, and so is a zero (zeros are always shown: "nobody"
  names nobody, and hiding zeros would not protect anyone);
* ``<k`` (status SMALL) means 1 to k-1;
* "suppressed" (status SUPPRESSED) means at least k: a count hidden only so that a small count
  next to it cannot be worked out. It is shown differently so the page never calls a large
  count small, and the audit takes that knowledge into account;
* "withheld" (status WITHHELD) means nothing at all is said.

Every published line (the breakdown of one dimension with its total) and every published
table (a breakdown by two dimensions whose row and column totals are exact) is audited
*exactly*: a small count is safe only if at least two values of it are consistent with
everything shown. For a table this is a transportation problem, solved with a maximum flow;
hiding more counts is repeated until the audit passes, and a table that cannot be made safe
is withheld. ``statistics.py`` combines lines and tables so that this per-table audit covers
any combination of published figures (see the module comment there).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

SHOWN = "shown"
SMALL = "small"
SUPPRESSED = "suppressed"
WITHHELD = "withheld"
HIDDEN = frozenset({SMALL, SUPPRESSED, WITHHELD})


class FilterRefused(Exception):
    """A selection would narrow the population so much that people could be recognised.

    ``message`` is an N_-marked template with %(name)s placeholders, translated for the
    reader by the view; ``str()`` gives it in English."""

    def __init__(self, message: str, **params: object):
        super().__init__(message % params)
        self.message, self.params = message, params


@dataclass(frozen=True)
class Figure:
    value: int
    status: str

    @property
    def hidden(self) -> bool:
        return self.status in HIDDEN

    def public(self) -> int | None:
        """The number a reader may see, or None."""
        return None if self.hidden else self.value

    def label(self, k: int) -> str:
        if self.status == SMALL:
            return f"<{k}"
        if self.status == SUPPRESSED:
            return "suppressed"
        if self.status == WITHHELD:
            return "withheld"
        return str(self.value)


def primary(value: int, k: int) -> str:
    return SMALL if 0 < value < k else SHOWN


# --- lines: one dimension with an exact total --------------------------------------------


def _bounds(value: int, status: str, k: int, ceiling: int) -> tuple[int, int]:
    """The interval a reader knows a figure lies in."""
    if status == SHOWN:
        return value, value
    if status == SMALL:
        return 1, k - 1
    if status == SUPPRESSED:
        return k, ceiling
    return 0, ceiling


def line_pinned(values: list[int], statuses: list[str], k: int) -> list[int]:
    """Indexes of hidden small counts that a reader can compute from the line and its total."""
    hidden = [i for i, s in enumerate(statuses) if s in HIDDEN]
    rest = sum(values[i] for i in hidden)  # total minus the visible entries: known
    bounds = {i: _bounds(values[i], statuses[i], k, rest) for i in hidden}
    pinned = []
    for i in hidden:
        if not 0 < values[i] < k:  # a small count, shown as <k or withheld
            continue
        others_low = sum(bounds[j][0] for j in hidden if j != i)
        others_high = sum(bounds[j][1] for j in hidden if j != i)
        low = max(bounds[i][0], rest - others_high)
        high = min(bounds[i][1], rest - others_low)
        if low >= high:
            pinned.append(i)
    return pinned


def protect_line(values: list[int], k: int) -> list[Figure]:
    """Hide small counts, then as few others as needed, so none can be computed from the total."""
    _check_threshold(k)
    statuses = [primary(v, k) for v in values]
    while line_pinned(values, statuses, k):
        visible = [i for i, s in enumerate(statuses) if s == SHOWN and values[i] > 0]
        if not visible:
            statuses = [WITHHELD] * len(values)
            break
        smallest = min(visible, key=lambda i: (values[i], i))
        statuses[smallest] = SUPPRESSED
    return [Figure(v, s) for v, s in zip(values, statuses)]


# --- tables: two dimensions whose row and column totals are exact ------------------------


def _max_flow(capacity: dict[int, dict[int, int]], source: int, sink: int) -> int:
    """Edmonds-Karp on a small graph (a few dozen nodes)."""
    flow = 0
    residual = {u: dict(edges) for u, edges in capacity.items()}
    for u, edges in capacity.items():
        for v in edges:
            residual.setdefault(v, {}).setdefault(u, 0)
    while True:
        parent = {source: source}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, cap in residual[u].items():
                if cap > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        step, v = None, sink
        while v != source:
            u = parent[v]
            step = residual[u][v] if step is None else min(step, residual[u][v])
            v = u
        v = sink
        while v != source:
            u = parent[v]
            residual[u][v] -= step
            residual[v][u] += step
            v = u
        flow += step


def table_feasible(row_totals: list[int], col_totals: list[int],
                   bounds: list[list[tuple[int, int]]]) -> bool:
    """Is there a table of whole numbers within ``bounds`` with these exact totals?"""
    n_rows, n_cols = len(row_totals), len(col_totals)
    rows = [row_totals[r] - sum(bounds[r][c][0] for c in range(n_cols)) for r in range(n_rows)]
    cols = [col_totals[c] - sum(bounds[r][c][0] for r in range(n_rows)) for c in range(n_cols)]
    if min(rows + cols, default=0) < 0 or sum(rows) != sum(cols):
        return False
    if any(low > high for line in bounds for low, high in line):
        return False
    source, sink = -1, -2
    capacity: dict[int, dict[int, int]] = {source: {}, sink: {}}
    for r in range(n_rows):
        capacity[source][r] = rows[r]
        capacity[r] = {n_rows + c: bounds[r][c][1] - bounds[r][c][0] for c in range(n_cols)}
    for c in range(n_cols):
        capacity[n_rows + c] = {sink: cols[c]}
    return _max_flow(capacity, source, sink) == sum(rows)


def table_pinned(cells: list[list[int]], statuses: list[list[str]], k: int) -> list[tuple[int, int]]:
    """Hidden small counts of the table that only one value could fill, given exact totals."""
    row_totals = [sum(row) for row in cells]
    col_totals = [sum(col) for col in zip(*cells)]
    bounds = [[_bounds(v, s, k, min(row_totals[r], col_totals[c]))
               for c, (v, s) in enumerate(zip(row, status_row))]
              for r, (row, status_row) in enumerate(zip(cells, statuses))]
    pinned = []
    for r, status_row in enumerate(statuses):
        for c, status in enumerate(status_row):
            if status not in HIDDEN or not 0 < cells[r][c] < k:  # a small count, <k or withheld
                continue
            value, (low, high) = cells[r][c], bounds[r][c]
            ambiguous = False
            for other in ((low, value - 1), (value + 1, high)):
                if other[0] > other[1]:
                    continue
                bounds[r][c] = other
                ambiguous = ambiguous or table_feasible(row_totals, col_totals, bounds)
                bounds[r][c] = (low, high)
                if ambiguous:
                    break
            if not ambiguous:
                pinned.append((r, c))
    return pinned


def protect_table(cells: list[list[int]], k: int) -> list[list[Figure]]:
    """Protect the inner counts of a table whose row and column totals are published exactly.

    Small counts are hidden; then, while the audit can still pin one down, the smallest
    visible count in its row or column is hidden. When its row and column have nothing
    visible left, the row (then the column) is withheld entirely, zeros included, which
    says nothing about its counts; as a last resort the whole table is withheld.
    """
    _check_threshold(k)
    statuses = [[primary(v, k) for v in row] for row in cells]
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    while pinned := table_pinned(cells, statuses, k):
        r, c = pinned[0]
        row = [(r, j) for j in range(n_cols)]
        column = [(i, c) for i in range(n_rows)]
        visible = [p for p in row + column if statuses[p[0]][p[1]] == SHOWN and cells[p[0]][p[1]] > 0]
        if visible:
            i, j = min(visible, key=lambda p: (cells[p[0]][p[1]], p))
            statuses[i][j] = SUPPRESSED
            continue
        for line in (row, column):
            if any(statuses[i][j] != WITHHELD for i, j in line):
                for i, j in line:
                    statuses[i][j] = WITHHELD
                break
        else:
            statuses = [[WITHHELD] * n_cols for _ in range(n_rows)]
            break
    return [[Figure(v, s) for v, s in zip(row, status_row)] for row, status_row in zip(cells, statuses)]


# --- a dimension broken down by period -------------------------------------------------


OTHER = "__other__"


@dataclass(frozen=True)
class Breakdown:
    """One dimension over the period groups, as published.

    ``totals`` protects each value's total over all groups (a line whose total, the number
    of cases in the published groups, is exact). Values whose total is hidden are merged into
    one row (key ``OTHER``) in ``rows``, so every row of the cross table has an exact total;
    its inner counts are protected by ``protect_table``.
    """

    values: tuple[str, ...]
    totals: tuple[Figure, ...]
    rows: tuple[str, ...]
    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[int, ...]


def publish_breakdown(values: list[str], counts: list[list[int]], k: int) -> Breakdown:
    """``counts[v][g]``: cases with value ``values[v]`` in period group ``g``."""
    totals = protect_line([sum(row) for row in counts], k)
    if all(f.status == WITHHELD for f in totals):
        return Breakdown(tuple(values), tuple(totals), (), (), ())
    rows, merged = [], []
    other = [0] * (len(counts[0]) if counts else 0)
    for value, row, total in zip(values, counts, totals):
        if total.hidden:
            other = [a + b for a, b in zip(other, row)]
            merged.append(value)
        else:
            rows.append((value, row))
    if merged:
        rows.append((OTHER, other))
    inner = protect_table([row for _, row in rows], k)
    return Breakdown(tuple(values), tuple(totals), tuple(v for v, _ in rows),
                     tuple(tuple(r) for r in inner), tuple(sum(row) for _, row in rows))


# --- periods -----------------------------------------------------------------------------


def group_periods(totals: list[int], k: int) -> tuple[list[list[int]], list[int]]:
    """Join consecutive periods (quarters) until each group holds at least k cases.

    Returns the closed groups (lists of period indexes) and the trailing periods that do not
    yet reach k, which are not published. A group, once closed, never changes as later
    periods are added, so two publications at different times cannot be subtracted.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    running = 0
    for index, total in enumerate(totals):
        current.append(index)
        running += total
        if running >= k:
            groups.append(current)
            current, running = [], 0
    return groups, current


def _check_threshold(k: int) -> None:
    if k < 2:
        raise ValueError("the threshold must be at least 2")
