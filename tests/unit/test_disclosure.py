"""Disclosure control: an attacker who enumerates every table consistent with the published
figures must never find a protected count narrowed below its label.

The attacker here is deliberately independent of the integer-programming audit in
disclosure_audit.py: it enumerates whole tables by brute force, so a bug in the audit cannot
hide itself.
"""
from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from complaints.disclosure import (
    ATLEAST, SHOWN, SMALL, SMALL0, WITHHELD, Figure, Term, needs_protection, primary_status, protect, requirements,
)
from complaints.disclosure_audit import EventSpace, audit

A, B = ("a1", "a2", "a3"), ("b1", "b2")


def compositions(total: int, parts: int):
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first,) + rest


def allows(figure: Figure, value: int) -> bool:
    low, high = figure.bounds()
    return low <= value and (high is None or value <= high)


def one_event(a: list[int], b: list[int], k: int, joint: bool = False, excluded=lambda cell: False):
    """An event with a sensitive dimension ``a`` and an ordinary one ``b``, published as its
    total and two one-way tables; ``joint`` counts them as one block (a cross table)."""
    total = sum(a)
    term = lambda **where: (Term(("p",), "e", tuple((d, (c,)) for d, c in where.items())),)  # noqa: E731
    figures = [Figure("e", "p", "e", term(), total, False, k=k)]
    figures += [Figure(f"e|a|{c}", "p", "e|a", term(a=c), v, True, row=c, group=total, k=k) for c, v in zip(A, a)]
    figures += [Figure(f"e|b|{c}", "p", "e|b", term(b=c), v, False, row=c, group=total, k=k) for c, v in zip(B, b)]
    if joint:
        cells = Counter()
        remaining = list(b)
        for ca, va in zip(A, a):  # any joint table with these margins (north-west corner)
            for cb_index, cb in enumerate(B):
                take = min(va, remaining[cb_index])
                cells[(ca, cb)] += take
                va -= take
                remaining[cb_index] -= take
        blocks, truth = [("a", "b")], {("a", "b"): cells}
    else:
        blocks = [("a",), ("b",)]
        truth = {("a",): Counter({(c,): v for c, v in zip(A, a)}), ("b",): Counter({(c,): v for c, v in zip(B, b)})}
    space = EventSpace({"a": A, "b": B}, blocks, excluded=excluded, total=total, cells=truth)
    witnessed: set = set()

    def run(figs):
        return audit({("p", "e"): space}, figs, [], requirements(figs, lambda f: 0), witnessed=witnessed)

    protect(figures, [], run)
    return figures


def brute_force(figures: list[Figure], k: int, cap: int):
    """Every (a, b) pair of one-way tables that the published figures allow."""
    by_key = {f.key: f for f in figures}
    seen: dict[str, set[int]] = {f.key: set() for f in figures}
    for total in range(cap + 1):
        if not allows(by_key["e"], total):
            continue
        a_options = [c for c in compositions(total, len(A)) if all(allows(by_key[f"e|a|{x}"], v) for x, v in zip(A, c))]
        b_options = [c for c in compositions(total, len(B)) if all(allows(by_key[f"e|b|{x}"], v) for x, v in zip(B, c))]
        if not a_options or not b_options:
            continue
        seen["e"].add(total)
        for c in a_options:
            for x, v in zip(A, c):
                seen[f"e|a|{x}"].add(v)
        for c in b_options:
            for x, v in zip(B, c):
                seen[f"e|b|{x}"].add(v)
    return seen


thresholds = st.integers(min_value=3, max_value=5)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.integers(0, 7), min_size=3, max_size=3), st.integers(0, 30), thresholds)
def test_no_protected_count_of_one_event_can_be_narrowed(a, split, k):
    total = sum(a)
    assume(total >= k)
    b = [split % (total + 1), total - split % (total + 1)]
    figures = one_event(a, b, k)
    seen = brute_force(figures, k, cap=total + 3 * k)
    for figure in figures:
        assert figure.value in seen[figure.key], "the truth is always possible"
        if needs_protection(figure):
            low = 0 if figure.sensitive else 1
            assert min(seen[figure.key]) <= low and max(seen[figure.key]) >= k - 1, (a, b, k, figure)
        if 0 < figure.value < k:
            assert figure.hidden, "every small count is hidden"


def test_labels_say_exactly_what_the_reader_knows():
    f = Figure("x", "p", "t", (), 3, False, status=SMALL, k=5)
    assert f.label() == "1–4" and f.bounds() == (1, 4) and f.public() is None
    assert Figure("x", "p", "t", (), 0, True, status=SMALL0, k=5).label() == "0–4"
    assert Figure("x", "p", "t", (), 9, False, status=ATLEAST, k=5).label() == "≥5"
    assert Figure("x", "p", "t", (), 9, False, status=WITHHELD, k=5).bounds() == (0, None)
    assert Figure("x", "p", "t", (), 9, False, k=5).label() == "9"


def test_zeros_of_sensitive_attributes_are_hidden_only_when_someone_could_have_them():
    assert primary_status(Figure("x", "p", "t", (), 0, True, group=6, k=5)) == SMALL0
    assert primary_status(Figure("x", "p", "t", (), 0, True, group=0, k=5)) == SHOWN  # nobody decided: no sanction
    assert primary_status(Figure("x", "p", "t", (), 0, False, group=6, k=5)) == SHOWN  # "no one on behalf" names nobody
    assert primary_status(Figure("x", "p", "t", (), 2, False, group=6, k=5)) == SMALL


def test_nobody_protected_in_a_whole_quarter_cannot_be_read():
    """Issue 16: 'no protective measure' for 6 of 6 cases told anyone who knew a person
    filed then that they got none."""
    figures = one_event([0, 0, 6], [6, 0], k=5)
    by_key = {f.key: f for f in figures}
    assert by_key["e|a|a1"].hidden and by_key["e|a|a2"].hidden
    assert by_key["e|a|a3"].hidden  # the whole group
    seen = brute_force(figures, 5, cap=20)
    assert max(seen["e|a|a1"]) >= 4 and min(seen["e|a|a3"]) <= 2


def test_a_linked_combination_is_taken_into_account():
    """a3 never goes with b2 (like category 'retaliation' and 'not a retaliation report'):
    with that link, b2 = 2 bounds a3 from below; the audit hides enough to keep a3's range."""
    excluded = lambda cell: cell == {"a": "a3", "b": "b2"}  # noqa: E731
    figures = one_event([3, 5, 2], [2, 8], k=5, joint=True, excluded=excluded)
    by_key = {f.key: f for f in figures}
    assert by_key["e|a|a3"].hidden
    # brute force over joint tables honouring the link
    seen: set[int] = set()
    for cells in itertools.product(range(11), repeat=5):  # a1b1 a1b2 a2b1 a2b2 a3b1 (a3b2 = 0)
        a = [cells[0] + cells[1], cells[2] + cells[3], cells[4]]
        b = [cells[0] + cells[2] + cells[4], cells[1] + cells[3]]
        total = sum(a)
        if all(allows(by_key[f"e|a|{x}"], v) for x, v in zip(A, a)) and \
                all(allows(by_key[f"e|b|{x}"], v) for x, v in zip(B, b)) and allows(by_key["e"], total):
            seen.add(a[2])
    assert min(seen) <= 0 and max(seen) >= 4


def test_threshold_must_be_at_least_three():
    with pytest.raises(ValueError):
        one_event([1, 2, 3], [3, 3], k=2)


def test_an_audit_with_nothing_to_solve_never_loads_the_solver(monkeypatch):
    """Issue 17: loading NumPy and SciPy takes about 0.45 s, and a release over a million cases
    needs no solve (every count is large). Merely writing down the figures loaded them, and
    the first view after a quarter ended paid for it. The solver now loads when a count has
    to be solved for, and only then."""
    from complaints import disclosure_audit

    def no_solver():  # type: ignore[no-untyped-def]
        raise AssertionError("the solver was loaded")

    monkeypatch.setattr(disclosure_audit, "_solver", no_solver)
    figures = one_event([40, 50, 60], [70, 80], k=5)
    assert not any(f.hidden for f in figures), "large counts are all shown"
    with pytest.raises(AssertionError, match="solver was loaded"):  # a small count is solved for
        one_event([1, 2, 60], [30, 33], k=5)
