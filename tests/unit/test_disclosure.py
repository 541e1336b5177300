"""Disclosure control: an attacker who enumerates every table consistent with the published
figures must never find a small count with only one possible value.

The attacker here is deliberately independent of the flow-based audit in disclosure.py: it
enumerates whole tables by brute force, so a bug in the audit cannot hide itself.
"""
from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from complaints.disclosure import (
    OTHER, SHOWN, SMALL, SUPPRESSED, WITHHELD, Figure, group_periods, line_pinned,
    protect_line, protect_table, publish_breakdown, table_pinned,
)

thresholds = st.integers(min_value=2, max_value=5)


def allows(figure: Figure, value: int, k: int) -> bool:
    """Is ``value`` consistent with what the reader sees of ``figure``?"""
    if figure.status == SHOWN:
        return value == figure.value
    if figure.status == SMALL:
        return 1 <= value <= k - 1
    if figure.status == SUPPRESSED:
        return value >= k
    return True


def compositions(total: int, parts: int):
    """Every way to write ``total`` as ``parts`` ordered non-negative whole numbers."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first,) + rest


# --- lines -------------------------------------------------------------------------------


def line_candidates(figures: list[Figure], k: int) -> list[tuple[int, ...]]:
    total = sum(f.value for f in figures)  # the line's total is published
    return [c for c in compositions(total, len(figures))
            if all(allows(f, v, k) for f, v in zip(figures, c))]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=5), thresholds)
def test_no_small_count_of_a_line_can_be_recovered(values, k):
    assume(sum(values) >= k)  # a line's total is a population, refused under k
    figures = protect_line(values, k)
    assert [f.value for f in figures] == values
    candidates = line_candidates(figures, k)
    assert tuple(values) in candidates
    for i, figure in enumerate(figures):
        if 0 < values[i] < k:
            assert figure.status in (SMALL, WITHHELD), "every small count is hidden"
            assert len({c[i] for c in candidates}) >= 2, (values, k, figures)


def test_a_single_small_count_makes_a_second_count_hidden():
    figures = protect_line([2, 9, 7], k=5)
    assert [f.status for f in figures] == [SMALL, SHOWN, SUPPRESSED]
    assert figures[0].label(5) == "<5" and figures[2].label(5) == "suppressed"


def test_a_suppressed_count_that_only_just_reaches_k_is_not_enough():
    # 1 and 5 hidden with total 6: the suppressed count is at least 5, so the other is 1.
    assert line_pinned([1, 5], [SMALL, SUPPRESSED], k=5) == [0]
    figures = protect_line([1, 5, 8], k=5)
    assert [f.status for f in figures] == [SMALL, SUPPRESSED, SUPPRESSED]


def test_two_small_counts_adding_up_to_two_are_both_one():
    assert line_pinned([1, 1, 9], [SMALL, SMALL, SHOWN], k=5) == [0, 1]
    assert line_pinned([2, 2, 9], [SMALL, SMALL, SHOWN], k=5) == []


def test_zeros_are_shown_and_large_counts_stay_visible():
    figures = protect_line([0, 12, 30], k=5)
    assert [f.label(5) for f in figures] == ["0", "12", "30"]


def test_a_line_that_cannot_be_protected_is_withheld():
    figures = protect_line([1, 5], k=5)  # hiding both still gives 1 + (at least 5) = 6
    assert {f.status for f in figures} == {WITHHELD}
    assert figures[0].label(5) == "withheld" and figures[0].public() is None


def test_threshold_must_be_at_least_two():
    with pytest.raises(ValueError):
        protect_line([1, 2], k=1)


# --- tables with exact totals ------------------------------------------------------------


def tables_with_totals(row_totals, col_totals):
    """Every table of whole numbers with these row and column totals."""
    n_cols = len(col_totals)

    def rows_from(r, remaining):
        if r == len(row_totals):
            if all(x == 0 for x in remaining):
                yield ()
            return
        for row in compositions(row_totals[r], n_cols):
            if all(a <= b for a, b in zip(row, remaining)):
                for rest in rows_from(r + 1, [b - a for a, b in zip(row, remaining)]):
                    yield (row,) + rest

    yield from rows_from(0, list(col_totals))


def brute_force_pinned(cells, figures, k):
    row_totals = [sum(r) for r in cells]
    col_totals = [sum(c) for c in zip(*cells)]
    seen: dict[tuple[int, int], set[int]] = {}
    for table in tables_with_totals(row_totals, col_totals):
        if all(allows(figures[r][c], table[r][c], k)
               for r in range(len(cells)) for c in range(len(cells[0]))):
            for r in range(len(cells)):
                for c in range(len(cells[0])):
                    seen.setdefault((r, c), set()).add(table[r][c])
    return sorted(p for p, options in seen.items()
                  if figures[p[0]][p[1]].status == SMALL and len(options) < 2)


small_tables = st.integers(1, 3).flatmap(lambda rows: st.integers(1, 3).flatmap(
    lambda cols: st.lists(st.lists(st.integers(0, 7), min_size=cols, max_size=cols),
                          min_size=rows, max_size=rows)))


@settings(max_examples=150, deadline=None)
@given(small_tables, thresholds)
def test_the_flow_audit_agrees_with_brute_force(cells, k):
    statuses = [[SMALL if 0 < v < k else SHOWN for v in row] for row in cells]
    figures = [[Figure(v, s) for v, s in zip(row, srow)] for row, srow in zip(cells, statuses)]
    assert table_pinned(cells, statuses, k) == brute_force_pinned(cells, figures, k)


@settings(max_examples=150, deadline=None)
@given(small_tables, thresholds)
def test_no_small_count_of_a_table_can_be_recovered(cells, k):
    figures = protect_table(cells, k)
    assert brute_force_pinned(cells, figures, k) == []
    for row, figure_row in zip(cells, figures):
        for value, figure in zip(row, figure_row):
            assert figure.value == value
            if 0 < value < k:
                assert figure.status in (SMALL, WITHHELD)


def test_the_classic_two_by_two_is_suppressed_entirely():
    figures = protect_table([[2, 8], [8, 2]], k=5)
    assert [[f.status for f in row] for row in figures] == [[SMALL, SUPPRESSED], [SUPPRESSED, SMALL]]


# --- a dimension by period, as statistics.py publishes it --------------------------------


def breakdown_candidates(published, group_totals, k):
    """Every fine table (value x period group) consistent with all the published figures."""
    n_values = len(published.values)
    columns = [list(compositions(total, n_values)) for total in group_totals]
    for chosen in itertools.product(*columns):
        fine = [[chosen[g][v] for g in range(len(group_totals))] for v in range(n_values)]
        if not all(allows(f, sum(row), k) for f, row in zip(published.totals, fine)):
            continue
        ok = True
        for key, figure_row in zip(published.rows, published.cells):
            if key == OTHER:
                members = [v for v, f in enumerate(published.totals) if f.hidden]
            else:
                members = [published.values.index(key)]
            for g, figure in enumerate(figure_row):
                if not allows(figure, sum(fine[v][g] for v in members), k):
                    ok = False
        if ok:
            yield fine


shapes = st.sampled_from([(1, 1), (2, 1), (3, 1), (4, 1), (2, 2), (3, 2), (2, 3)])


@settings(max_examples=200, deadline=None)
@given(shapes.flatmap(lambda shape: st.lists(
    st.lists(st.integers(0, 6), min_size=shape[1], max_size=shape[1]),
    min_size=shape[0], max_size=shape[0])), thresholds)
def test_no_small_count_can_be_recovered_from_a_published_breakdown(counts, k):
    group_totals = [sum(col) for col in zip(*counts)]
    assume(all(total >= k for total in group_totals))  # groups are closed at k or more
    values = [f"v{i}" for i in range(len(counts))]
    published = publish_breakdown(values, counts, k)
    candidates = list(breakdown_candidates(published, group_totals, k))
    assert counts in candidates
    # Every small count, published or not, and every figure shown as <k, stays ambiguous.
    for v, row in enumerate(counts):
        for g, value in enumerate(row):
            if 0 < value < k:
                assert len({c[v][g] for c in candidates}) >= 2, (counts, k, published)
        if published.totals[v].status == SMALL:
            assert len({sum(c[v]) for c in candidates}) >= 2, (counts, k, published)


def test_hidden_values_are_merged_into_one_row_with_an_exact_total():
    published = publish_breakdown(["a", "b", "c", "d"], [[20, 15], [1, 2], [0, 4], [9, 9]], k=5)
    assert [f.label(5) for f in published.totals] == ["35", "<5", "<5", "18"]
    assert published.rows == ("a", "d", OTHER)
    assert published.row_totals == (35, 18, 7)
    assert sum(published.row_totals) == 60


# --- periods -----------------------------------------------------------------------------


def test_quarters_are_joined_until_each_group_reaches_k():
    assert group_periods([7, 2, 1, 3], k=5) == ([[0], [1, 2, 3]], [])
    assert group_periods([7, 2, 1], k=5) == ([[0]], [1, 2])
    assert group_periods([0, 0], k=5) == ([], [0, 1])


@given(st.lists(st.integers(0, 20), max_size=8), thresholds)
def test_closed_groups_never_change_when_later_quarters_arrive(totals, k):
    for cut in range(len(totals) + 1):
        early, _ = group_periods(totals[:cut], k)
        later, _ = group_periods(totals, k)
        assert later[:len(early)] == early
        assert all(sum(totals[i] for i in group) >= k for group in later)


# --- several breakdowns of the same cases, as a year's page shows them ---------------------


def _allowed_rows(published, counts_of_value, k):
    """Per group: does this group's column of a dimension fit the published cells?"""
    def fits(column, g):
        for key, figure_row in zip(published.rows, published.cells):
            if key == OTHER:
                members = [v for v, f in enumerate(published.totals) if f.hidden]
            else:
                members = [published.values.index(key)]
            if not allows(figure_row[g], sum(column[v] for v in members), k):
                return False
        return True
    return fits


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.lists(st.integers(0, 4), min_size=2, max_size=2), min_size=2, max_size=2),
                min_size=2, max_size=2), thresholds)
def test_two_breakdowns_of_the_same_cases_together_reveal_no_small_count(cube, k):
    """cube[a][b][g]: cases with value a of one dimension and b of another in period group g.
    The page publishes both dimensions by period; an attacker combines everything shown."""
    groups = range(2)
    group_totals = [sum(cube[a][b][g] for a in range(2) for b in range(2)) for g in groups]
    assume(all(t >= k for t in group_totals))
    by_a = [[sum(cube[a][b][g] for b in range(2)) for g in groups] for a in range(2)]
    by_b = [[sum(cube[a][b][g] for a in range(2)) for g in groups] for b in range(2)]
    pub_a = publish_breakdown(["a0", "a1"], by_a, k)
    pub_b = publish_breakdown(["b0", "b1"], by_b, k)
    fits_a, fits_b = _allowed_rows(pub_a, by_a, k), _allowed_rows(pub_b, by_b, k)
    per_group = []
    for g in groups:
        options = []
        for cells in compositions(group_totals[g], 4):
            n = [[cells[0], cells[1]], [cells[2], cells[3]]]
            column_a = [n[0][0] + n[0][1], n[1][0] + n[1][1]]
            column_b = [n[0][0] + n[1][0], n[0][1] + n[1][1]]
            if fits_a(column_a, g) and fits_b(column_b, g):
                options.append(n)
        per_group.append(options)
    candidates = []
    for chosen in itertools.product(*per_group):
        a_totals = [sum(chosen[g][a][0] + chosen[g][a][1] for g in groups) for a in range(2)]
        b_totals = [sum(chosen[g][0][b] + chosen[g][1][b] for g in groups) for b in range(2)]
        if all(allows(f, v, k) for f, v in zip(pub_a.totals, a_totals)) and \
                all(allows(f, v, k) for f, v in zip(pub_b.totals, b_totals)):
            candidates.append(chosen)
    truth = tuple([[cube[a][b][g] for b in range(2)] for a in range(2)] for g in groups)
    assert list(truth) in [list(c) for c in candidates]
    for g in groups:  # every small count of either breakdown stays ambiguous
        for a in range(2):
            if 0 < by_a[a][g] < k:
                assert len({c[g][a][0] + c[g][a][1] for c in candidates}) >= 2, (cube, k)
        for b in range(2):
            if 0 < by_b[b][g] < k:
                assert len({c[g][0][b] + c[g][1][b] for c in candidates}) >= 2, (cube, k)
