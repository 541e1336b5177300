"""Statistical disclosure control of published figures. Pure Python: no Flask, no database.

A published figure is a count of events, described by the terms it adds up (``Term``): the
events of one kind in one or more releases, optionally restricted to some values of their
dimensions. What a reader learns from it is its *label*:

* a number: exactly that many;
* ``1–4`` (SMALL, with k = 5): between 1 and k-1;
* ``0–4`` (SMALL0): between 0 and k-1. Counts of sensitive attributes (category, outcome,
  sanction, protection, retaliation...) use this label for zeros too, because "nobody in the
  quarter got protection" tells anyone who knows a person filed then that they got none;
* ``≥5`` (ATLEAST): k or more, hidden so that a small count cannot be worked out;
* ``withheld``: nothing at all.

**The guarantee** (checked by ``disclosure_audit`` with an exact integer program over every
release published so far, with the logical links between figures): for every hidden count
below k, the values that all published figures together still allow cover its whole label,
from its low end (1, or 0 for sensitive counts) to k-1. So no count from 1 to k-1 can be
pinned or narrowed, and no zero or whole group of a sensitive attribute can be told apart
from a handful. ``protect`` hides more figures of the new publication until that holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

SHOWN = "shown"
SMALL = "small"          # 1 .. k-1
SMALL0 = "small0"        # 0 .. k-1 (sensitive counts)
ATLEAST = "atleast"      # k or more
WITHHELD = "withheld"
HIDDEN = frozenset({SMALL, SMALL0, ATLEAST, WITHHELD})
MINIMUM_THRESHOLD = 3    # with k = 2, "1-1" would say the count
SUMMARY_TABLES = frozenset({"cross", "groups", "stocks"})  # merged tables the annual report leads with


class FilterRefused(Exception):
    """A request the statistics cannot answer without putting people at risk, or at all.

    ``message`` is an N_-marked template with %(name)s placeholders, translated for the
    reader by the view; ``str()`` gives it in English."""

    def __init__(self, message: str, **params: object):
        super().__init__(message % params)
        self.message, self.params = message, params


@dataclass(frozen=True)
class Term:
    """Events of one kind in the listed releases, restricted to some dimension values."""

    publications: tuple[str, ...]
    event: str
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sign: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"releases": list(self.publications), "event": self.event,
                "where": {d: list(c) for d, c in self.where}, "sign": self.sign}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Term":
        return cls(tuple(data["releases"]), data["event"],
                   tuple((d, tuple(c)) for d, c in data["where"].items()), data["sign"])


@dataclass
class Figure:
    key: str                  # unique within its publication
    publication: str
    table: str                # figures of one table share a line (and a total)
    terms: tuple[Term, ...]
    value: int                # the true count: never shown when hidden
    sensitive: bool
    status: str = SHOWN
    row: str = ""             # the code shown as the row ("" for a total)
    column: str = ""          # the code shown as the column of a cross table
    group: int | None = None  # the true size of the group it describes (its event total,
    #                           or the row of a cross table); None: the figure is the group
    k: int = 5                # the threshold it was published under

    @property
    def hidden(self) -> bool:
        return self.status in HIDDEN

    def public(self) -> int | None:
        return None if self.hidden else self.value

    def bounds(self) -> tuple[int, int | None]:
        """What a reader knows: the lowest and highest possible value (None: no limit)."""
        k = self.k
        return {SHOWN: (self.value, self.value), SMALL: (1, k - 1), SMALL0: (0, k - 1),
                ATLEAST: (k, None), WITHHELD: (0, None)}[self.status]

    def label(self) -> str:
        """As published: "12", "1–4", "0–4", "≥5" or "withheld"."""
        if self.status == SHOWN:
            return str(self.value)
        if self.status in (SMALL, SMALL0):
            low, high = self.bounds()
            return f"{low}–{high}"
        if self.status == ATLEAST:
            return f"≥{self.k}"
        return "withheld"

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "table": self.table, "terms": [t.to_json() for t in self.terms],
                "value": self.value, "sensitive": self.sensitive, "status": self.status,
                "row": self.row, "column": self.column, "group": self.group, "k": self.k}

    @classmethod
    def from_json(cls, publication: str, data: dict[str, Any]) -> "Figure":
        return cls(data["key"], publication, data["table"], tuple(Term.from_json(t) for t in data["terms"]),
                   data["value"], data["sensitive"], data["status"], data["row"], data["column"], data["group"], data["k"])


def primary_status(figure: Figure) -> str:
    if needs_protection(figure, hidden=True):
        return SMALL0 if figure.sensitive else SMALL
    return SHOWN


def raised(figure: Figure) -> str | None:
    """The next, more hidden status of a figure, or None when nothing more can be hidden."""
    if figure.status == SHOWN:
        return ATLEAST if figure.value >= figure.k else WITHHELD
    if figure.status in (SMALL, SMALL0, ATLEAST):
        return WITHHELD
    return None


def needs_protection(figure: Figure, hidden: bool = False) -> bool:
    """A hidden count below k; a zero only when the attribute is sensitive and the group it
    describes is not empty ("none of the 6 got protection"; when nobody was decided, that
    nobody was sanctioned says nothing about anyone)."""
    if not (hidden or figure.hidden) or figure.value >= figure.k:
        return False
    if figure.value > 0:
        return True
    return figure.sensitive and (figure.group is None or figure.group > 0)


@dataclass(frozen=True)
class Requirement:
    """The values the published figures must still allow for a protected figure."""

    figure: Figure
    low: int
    high: int


def requirements(figures: Iterable[Figure], part_low: Callable[[Figure], int]) -> list[Requirement]:
    """``part_low`` gives the lowest value a figure's parts already say it has (the sum of
    its quarters' labels): a year made of two quarters shown as 1–4 is at least 2, whatever
    the year's own label says, and that is no disclosure."""
    result = []
    for figure in figures:
        if needs_protection(figure):
            low = 0 if figure.sensitive else 1
            result.append(Requirement(figure, max(low, part_low(figure)), figure.k - 1))
    return result


@dataclass
class Protection:
    """The outcome of ``protect``: statuses set on the new figures, and the audit's work."""

    rounds: int = 0
    solves: int = 0
    raised: list[str] = field(default_factory=list)


def protect(new: list[Figure], earlier: list[Figure], audit: Callable[[list[Figure]], Any]) -> Protection:
    """Hide figures of the new publication until the exact audit of everything finds no
    protected count narrowed. ``audit(figures)`` returns an object with ``violations`` (the
    figures whose requirement fails), ``solves`` and ``closeness(a, b)``.

    Primary suppression first (small counts, sensitive zeros), then, while the audit finds a
    narrowed count, the smallest still visible figure of the same table is hidden, else a
    figure of the new publication that shares events with it. As a last resort, everything
    new is withheld; earlier publications are frozen and never change.
    """
    if any(f.k < MINIMUM_THRESHOLD for f in new):
        raise ValueError(f"the threshold must be at least {MINIMUM_THRESHOLD}")
    outcome = Protection()
    for figure in new:
        figure.status = primary_status(figure)
    _protect_lines(new, outcome)
    repeated: dict[str, int] = {}
    while True:
        outcome.rounds += 1
        result = audit(earlier + new)
        outcome.solves += result.solves
        if not result.violations:
            return outcome
        chosen: set[str] = set()
        for violated in result.violations:
            # One complement per narrowed count, unless another count's complement this round
            # is its own best choice too; a count still narrowed after a round gets more.
            repeated[violated.key] = repeated.get(violated.key, 0) + 1
            best = _complement(violated, new, result, set())
            if best is not None and best.key in chosen and repeated[violated.key] == 1:
                continue
            for _ in range(repeated[violated.key]):
                candidate = _complement(violated, new, result, chosen)
                if candidate is None:
                    break
                chosen.add(candidate.key)
        if not chosen:  # nothing left to hide nearby: withhold the tables of the narrowed counts
            tables = {v.table.split("|")[0] for v in result.violations}
            stuck = [f for f in new if f.table.split("|")[0] in tables and f.status != WITHHELD]
            if not stuck:  # then everything new; earlier publications alone always pass
                stuck = [f for f in new if f.status != WITHHELD]
                if not stuck:
                    raise RuntimeError("earlier publications fail the audit on their own")
            for figure in stuck:
                figure.status = WITHHELD
                outcome.raised.append(figure.key)
        for figure in new:
            if figure.key in chosen:
                figure.status = raised(figure) or figure.status
                outcome.raised.append(figure.key)


def _protect_lines(new: list[Figure], outcome: Protection) -> None:
    """The cheap part of the audit: a table whose total is shown must never hide exactly
    one count, which the total would give away at once."""
    tables: dict[str, list[Figure]] = {}
    for figure in new:
        if figure.row:
            tables.setdefault(figure.table, []).append(figure)
    for cells in tables.values():
        if any(c.column for c in cells):
            continue  # cross tables: the audit decides
        hidden = [c for c in cells if c.hidden]
        if len(hidden) == 1:
            visible = [c for c in cells if not c.hidden and c.value > 0]
            if visible:
                pick = min(visible, key=lambda c: (c.value, c.key))
                pick.status = raised(pick) or pick.status
                outcome.raised.append(pick.key)


def _complement(violated: Figure, new: list[Figure], result: Any, taken: set[str]) -> Figure | None:
    """The figure of the new publication to hide next for a narrowed count: the nearest one
    (same table, then sharing events with it, then linked to it), a table's cells before its
    total, visible ones first (a shown figure hidden removes an equation; a hidden one
    withheld only a range), smallest first. A release's count of reports is never hidden:
    it is what makes the release (at least k)."""
    needs_room_above = "high" in result.sides.get(id(violated), {"high"})
    ranked = []
    for f in new:
        if f.key in taken or f is violated or raised(f) is None or result.useless(f) or f.key == "received":
            continue
        if needs_room_above and f.value == 0 and f.status == SHOWN:
            continue  # a count that is 0 cannot give way to a larger one
        closeness = result.closeness(f, violated)
        if closeness is not None:
            summary = f.table in SUMMARY_TABLES  # the report's headline tables: hidden last
            ranked.append(((closeness, summary, not f.row, 0 if f.status == SHOWN else 1, f.value, f.key), f))
    if ranked:
        return min(ranked, key=lambda pair: pair[0])[1]
    if violated in new and raised(violated) is not None and violated.key not in taken:
        return violated  # withholding its label entirely is the last thing to try
    return None


def with_status(figure: Figure, status: str) -> Figure:
    return replace(figure, status=status)
