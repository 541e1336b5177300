"""The release model: what is published, when, and the links an analyst may use. No Flask.

* **Releases.** The events of a completed period are counted once and frozen; every later
  view shows the same release. A release covers one completed quarter, or several when a
  quarter had fewer than k reports received (they are carried into the next release, so a
  published period never holds fewer than k reports). Periods never regroup once released.
  A release publishes its number of reports; the breakdowns of a year are published once,
  by the year's publication, so that no quarter's hidden count and the year's figure can
  be subtracted from each other.
* **Events, not states.** Each release counts the events of its period (``statistics.EVENTS``):
  a case decided in Q3 is one decision in Q3's release, and nothing published before moves.
* **Late entries.** An event recorded after its period was released (a consultation written
  down weeks later, a report registered from paper) goes into the next release, never into a
  published one (``statistics.Window``).
* **Years.** Once a year is over, its annual publication adds the year's sums, the sex of the
  person reporting crossed with category (merged into broader groups when the cross is too
  small), and the backlog and overdue cases at the end of the year.
* **Links.** ``EXCLUSIONS`` and ``LINKS`` write down what the procedure guarantees, so the
  audit assumes everything an analyst who knows the procedure could assume.

Every new publication is audited together with every earlier one (``disclosure_audit``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from . import statistics
from .disclosure import ATLEAST, SHOWN, Figure, Requirement, Term, primary_status, protect, requirements
from .disclosure_audit import Auditor, EventSpace, Relation
from .statistics import EVENTS, EVENTS_BY_KEY, OTHER_CODE, EventCounts
from .translatable import N_

# --- links: what the procedure guarantees ------------------------------------------------

# Combinations that cannot occur: (event, {dimension: codes}) with every condition true.
EXCLUSIONS: tuple[tuple[str, dict[str, frozenset[str]]], ...] = (
    # A report in the category "retaliation" is always a report of retaliation.
    ("received", {"category": frozenset({"RETALIATION"}), "retaliation": frozenset({"no"})}),
)
# Counts that can never exceed others, up to any release (each taken over all releases so
# far): (event, where) <= (event, where).
LINKS: tuple[tuple[tuple[str, dict], tuple[str, dict]], ...] = (
    (("acknowledged", {}), ("received", {})),       # a report is acknowledged once
    (("feedback", {}), ("received", {})),           # first feedback, once per report
    (("closed", {}), ("received", {})),             # a case is closed once
    (("appealed", {}), ("decided", {})),            # each appeal follows a decision
    (("appeal_decided", {}), ("appealed", {})),     # each appeal is decided once
    (("steps", {"step": ("continued_ex_officio",)}), ("steps", {"step": ("withdrawn",)})),
)

# Categories merged when a year's cross table would hide too much (profile codes).
CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    "sexual_harassment": ("SH_VERBAL", "SH_NONVERBAL", "SH_PHYSICAL", "SEXUAL_BLACKMAIL"),
    "sexual_violence": ("SEXUAL_ABUSE_ASSAULT", "SEA"),
    "discrimination": ("GBD", "HARASSMENT_GENDER"),
    "bullying": ("MOBBING", "ABUSE_OF_AUTHORITY"),
    "retaliation": ("RETALIATION",),
}
CATEGORY_FAMILIES: dict[str, tuple[str, ...]] = {
    "sexual_conduct": ("sexual_harassment", "sexual_violence"),
    "other_conduct": ("discrimination", "bullying", "retaliation"),
}
OTHER_GROUP = "other"
SEX_GROUPS = {"female": ("female",), "male": ("male",), "other_or_not_given": ("other", "")}
MOST_HIDDEN = 1 / 3  # a cross table hiding more than this share of its cells is merged further


# --- periods -----------------------------------------------------------------------------


def quarter_index(year: int, quarter: int) -> int:
    return year * 4 + quarter - 1


def quarter_of(moment: datetime) -> int:
    return quarter_index(moment.year, (moment.month - 1) // 3 + 1)


def quarter_start(index: int) -> datetime:
    year, q = divmod(index, 4)
    return datetime(year, 3 * q + 1, 1, tzinfo=timezone.utc)


def quarter_name(index: int) -> str:
    year, q = divmod(index, 4)
    return f"Q{q + 1} {year}"


def period_label(first: int, last: int) -> str:
    if first == last:
        return quarter_name(first)
    if first // 4 == last // 4:
        return f"Q{first % 4 + 1}–Q{last % 4 + 1} {last // 4}"
    return f"{quarter_name(first)} – {quarter_name(last)}"


def last_completed_quarter(now: datetime) -> int:
    return quarter_of(now) - 1


# --- publications ------------------------------------------------------------------------


@dataclass
class Publication:
    """A release (``kind`` "release") or a year's publication (``kind`` "year"), frozen once made."""

    key: str
    kind: str
    first: int                  # quarter indexes covered
    last: int
    cutoff: datetime
    codes: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # event -> dimension -> codes
    counts: dict[str, EventCounts] = field(default_factory=dict)              # the true counts, never shown
    figures: list[Figure] = field(default_factory=list)
    medians: dict[str, float | None] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.last // 4) if self.kind == "year" else period_label(self.first, self.last)

    @property
    def year(self) -> int:
        return self.last // 4

    def figure(self, key: str) -> Figure | None:
        return self._by_key().get(key)

    def _by_key(self) -> dict[str, Figure]:
        if getattr(self, "_index", None) is None or len(self._index) != len(self.figures):
            self._index = {f.key: f for f in self.figures}
        return self._index

    def published_json(self) -> dict[str, Any]:
        return {"codes": {e: {d: list(c) for d, c in dims.items()} for e, dims in self.codes.items()},
                "figures": [f.to_json() for f in self.figures], "medians": self.medians, "notes": self.notes}

    def counts_json(self) -> dict[str, Any]:
        return {e: c.to_json() for e, c in self.counts.items()}

    @classmethod
    def from_json(cls, key: str, kind: str, first: int, last: int, cutoff: datetime,
                  published: dict[str, Any], counts: dict[str, Any] | None = None) -> "Publication":
        """``counts`` only where the audit needs them: pages read the published part alone."""
        return cls(key, kind, first, last, cutoff,
                   codes={e: {d: tuple(c) for d, c in dims.items()} for e, dims in published["codes"].items()},
                   counts={e: EventCounts.from_json(c) for e, c in (counts or {}).items()},
                   figures=[Figure.from_json(key, f) for f in published["figures"]],
                   medians=published["medians"], notes=published["notes"])


def release_key(last: int) -> str:
    year, q = divmod(last, 4)
    return f"{year}-Q{q + 1}"


def year_key(year: int) -> str:
    return f"{year}"


# --- figures of a release ----------------------------------------------------------------


def _event_figures(key: str, covered: tuple[str, ...], codes: dict[str, dict[str, tuple[str, ...]]],
                   value: Callable[[str, dict[str, tuple[str, ...]]], int]) -> list[Figure]:
    """Total and one-way tables of every event, over the releases ``covered``."""
    figures = []
    for event in EVENTS:
        total = value(event.key, {})
        figures.append(Figure(event.key, key, event.key, (Term(covered, event.key),), total,
                              event.sensitive_total))
        for dimension in event.dimensions:
            for code in codes[event.key][dimension.key]:
                count = value(event.key, {dimension.key: (code,)})
                if code == OTHER_CODE and count == 0:
                    continue  # the fixed lists hold every value in use
                figures.append(Figure(f"{event.key}|{dimension.key}|{code}", key, f"{event.key}|{dimension.key}",
                                      (Term(covered, event.key, ((dimension.key, (code,)),)),), count,
                                      dimension.sensitive, row=code, group=total))
        for first, second in event.crosses:
            sensitive = event.dimension(first).sensitive or event.dimension(second).sensitive
            for row in codes[event.key][first]:
                group = value(event.key, {first: (row,)})
                for column in codes[event.key][second]:
                    where = ((first, (row,)), (second, (column,)))
                    count = value(event.key, dict(where))
                    if OTHER_CODE in (row, column) and count == 0:
                        continue
                    figures.append(Figure(f"{event.key}|{first}*{second}|{row}|{column}", key,
                                          f"{event.key}|{first}*{second}", (Term(covered, event.key, where),),
                                          count, sensitive, row=row, column=column, group=group))
    return figures


def count_of(counts: EventCounts, where: dict[str, tuple[str, ...]]) -> int:
    """The true count of the events matching ``where`` (dimensions of one block)."""
    if not where:
        return counts.total
    for dims, cells in counts.blocks.items():
        if set(where) <= set(dims):
            return sum(n for cell, n in cells.items()
                       if all(cell[dims.index(d)] in codes for d, codes in where.items()))
    raise ValueError(f"{sorted(where)} are not counted jointly")


def build_release(key: str, first: int, last: int, cutoff: datetime, counts: dict[str, EventCounts],
                  vocabularies: dict[str, list[str]]) -> Publication:
    """A release publishes the number of reports it holds (at least k, never hidden); its
    counts of every event are kept for the year's publication, which publishes the detail.

    Why not the detail of every quarter: numbers are small, and a quarter's hidden count
    next to the year's exact one would be the difference of the two. Publishing breakdowns
    quarterly would force most of the year's report to be hidden (measured on the demo:
    decisions, backlog and the sex-by-category table all hidden for a year of 96 reports)."""
    codes = {e.key: statistics.codes_of(e, vocabularies) for e in EVENTS}
    publication = Publication(key, "release", first, last, cutoff, codes=codes, counts=counts)
    publication.figures = [Figure("received", key, "received", (Term((key,), "received"),), counts["received"].total,
                                  False)]
    return publication


def _median(days: Counter) -> float | None:
    return statistics.median(days) if days else None


# --- figures of a year -------------------------------------------------------------------


def category_group(code: str) -> str:
    return next((g for g, members in CATEGORY_GROUPS.items() if code in members), OTHER_GROUP)


def _groups(category_codes: tuple[str, ...], level: str) -> dict[str, tuple[str, ...]]:
    """Rows of the category dimension at a level of merging: code -> the categories it adds."""
    if level == "categories":
        return {c: (c,) for c in category_codes}
    groups: dict[str, list[str]] = {}
    for code in category_codes:
        groups.setdefault(category_group(code), []).append(code)
    ordered = {g: tuple(groups[g]) for g in list(CATEGORY_GROUPS) + [OTHER_GROUP] if g in groups}
    if level == "groups":
        return ordered
    families: dict[str, list[str]] = {}
    for group, members in ordered.items():
        family = next((f for f, gs in CATEGORY_FAMILIES.items() if group in gs), "other_conduct")
        families.setdefault(family, []).extend(members)
    return {f: tuple(families[f]) for f in CATEGORY_FAMILIES if f in families}


CROSS_LEVELS = (("categories", False), ("groups", False), ("groups", True), ("families", True))


def _cross_figures(key: str, covered: tuple[str, ...], category_codes: tuple[str, ...],
                   sex_codes: tuple[str, ...], value: Callable, k: int) -> tuple[list[Figure], dict[str, Any]]:
    """Sex of the person reporting by category, at the finest level that hides at most a
    third of its cells (merging categories into groups, then 'other' and 'not given')."""
    for level, merge_sexes in CROSS_LEVELS:
        rows = _groups(category_codes, level)
        columns = ({s: m for s, m in SEX_GROUPS.items()} if merge_sexes else {c: (c,) for c in sex_codes if c != OTHER_CODE})
        rows = {r: m for r, m in rows.items()  # "other" exists for codes no longer listed, if any
                if r not in (OTHER_GROUP, OTHER_CODE) or value("received", {"category": m})}
        figures = []
        for row, members in rows.items():
            for column, sexes in columns.items():
                where = (("category", members), ("complainant_sex", sexes))
                count = value("received", dict(where))
                figures.append(Figure(f"cross|{row}|{column}", key, "cross", (Term(covered, "received", where),),
                                      count, True, row=row, column=column,
                                      group=value("received", {"complainant_sex": sexes}), k=k))
        hidden = sum(primary_status(f) != SHOWN for f in figures)
        if hidden <= MOST_HIDDEN * len(figures) or (level, merge_sexes) == CROSS_LEVELS[-1]:
            return figures, {"level": level, "sexes_merged": merge_sexes, "rows": {r: list(m) for r, m in rows.items()},
                             "columns": {c: list(m) for c, m in columns.items()}}
    raise AssertionError("unreachable")


def build_year(year: int, releases: list[Publication], earlier: list[Publication], cutoff: datetime,
               overdue: int, k: int) -> Publication:
    """The year's sums over its releases, the cross table, category groups, and the stock of
    open and overdue cases at the end of its last release."""
    key = year_key(year)
    covered = tuple(r.key for r in releases)
    codes = releases[-1].codes
    publication = Publication(key, "year", releases[0].first, releases[-1].last, cutoff, codes={**codes, "overdue": {}},
                              counts={"overdue": EventCounts(total=overdue)})

    def value(event: str, where: dict[str, tuple[str, ...]]) -> int:
        return sum(count_of(r.counts[event], where) for r in releases)

    figures = _event_figures(key, covered, codes, value)
    category_codes = codes["received"]["category"]
    for group, members in _groups(category_codes, "groups").items():
        where = (("category", members),)
        if group == OTHER_GROUP and not value("received", dict(where)):
            continue  # only codes no longer listed fall here
        figures.append(Figure(f"group|{group}", key, "groups", (Term(covered, "received", where),),
                              value("received", dict(where)), True, row=group, group=value("received", {})))
    cross, cross_note = _cross_figures(key, covered, category_codes, codes["received"]["complainant_sex"], value, k)
    figures.extend(cross)
    so_far = tuple(r.key for r in earlier if r.kind == "release") + covered
    received = sum(r.counts["received"].total for r in earlier if r.kind == "release") + value("received", {})
    closed = sum(r.counts["closed"].total for r in earlier if r.kind == "release") + value("closed", {})
    figures.append(Figure("stock|backlog", key, "stocks", (Term(so_far, "received"), Term(so_far, "closed", sign=-1)),
                          received - closed, False, row="backlog"))
    figures.append(Figure("stock|overdue", key, "stocks", (Term((key,), "overdue"),), overdue, False, row="overdue"))
    publication.figures = figures
    publication.medians = {e.key: _median(sum((r.counts[e.key].days for r in releases), Counter()))
                           for e in EVENTS if e.median}
    publication.notes = {"releases": list(covered), "cross": cross_note}
    return publication


# --- the audit of a new publication ------------------------------------------------------


def _space(publication: Publication, event: str) -> EventSpace:
    kind = EVENTS_BY_KEY.get(event)
    counts = publication.counts[event]
    if kind is None:  # a stock counted once in a year's publication
        return EventSpace({}, [], total=counts.total)
    excluded = [conditions for e, conditions in EXCLUSIONS if e == event]
    return EventSpace(publication.codes[event], kind.block_list(),
                      excluded=lambda cell: any(all(cell.get(d) in codes for d, codes in c.items())
                                                for c in excluded) if excluded else False,
                      total=counts.total, cells=counts.blocks)


def relations(publications: list[Publication]) -> list[Relation]:
    releases = [p.key for p in publications if p.kind == "release"]
    result = []
    for end in range(1, len(releases) + 1):
        so_far = tuple(releases[:end])
        for (left, left_where), (right, right_where) in LINKS:
            result.append(Relation((Term(so_far, left, tuple(left_where.items())),),
                                   (Term(so_far, right, tuple(right_where.items())),)))
    for p in publications:
        if p.kind == "year":
            backlog = p.figure("stock|backlog")
            result.append(Relation((Term((p.key,), "overdue"),), backlog.terms))
    return result


def _part_low(publications: dict[str, Publication]) -> Callable[[Figure], int]:
    """What a figure's parts (the same count in each release it adds up) already say."""
    def low(figure: Figure) -> int:
        if len(figure.terms) != 1 or len(figure.terms[0].publications) < 2:
            return 0
        total = 0
        for key in figure.terms[0].publications:
            part = publications[key].figure(figure.key)
            total += part.bounds()[0] if part is not None else 0
        return total
    return low


def _link_capacities(new: Publication, everything: list[Publication]) -> None:
    """A count a link bounds (appeals by decisions...) describes the events that could still
    happen: with no decision to appeal, "no appeal" says nothing about anyone, and the group
    of such a figure is that room, not the year's reports."""
    order = [p for p in everything if p.kind == "release"]
    covered = new.notes.get("releases", [new.key]) if new.kind == "year" else [new.key]
    first = next(i for i, p in enumerate(order) if p.key == covered[0])
    last = next(i for i, p in enumerate(order) if p.key == covered[-1])
    for (left, left_where), (right, right_where) in LINKS:
        key = left if not left_where else f"{left}|{next(iter(left_where))}|{next(iter(left_where.values()))[0]}"
        figure = new.figure(key)
        if figure is None:
            continue
        room = (sum(count_of(p.counts[right], dict(right_where)) for p in order[:last + 1])
                - sum(count_of(p.counts[left], dict(left_where)) for p in order[:first]))
        figure.group = room if figure.group is None else min(figure.group, room)


def _relevant(new: Publication, earlier: list[Publication]) -> list[Figure]:
    """The earlier figures that can bear on the new publication: all of its own year's, and
    of other years the totals and stocks, with the rest of an event only where its total
    is hidden somewhere in that year. Other figures concern unknowns that shown totals cut
    off from everything new (the links tie totals only), so leaving them out changes no
    answer of the audit and keeps it fast however many years have been published."""
    cell_linked = {event for link in LINKS for event, where in link if where}  # links between cells, not totals
    hidden_events: dict[int, set[str]] = {}
    for p in earlier:
        for f in p.figures:
            if not f.row and f.status != SHOWN and len(f.terms) == 1:
                hidden_events.setdefault(p.year, set()).add(f.key)
    relevant = []
    for p in earlier:
        if p.year == new.year:
            relevant.extend(p.figures)
            continue
        loose = hidden_events.get(p.year, set()) | cell_linked
        relevant.extend(f for f in p.figures if not f.row or f.table == "stocks"
                        or f.terms[0].event in loose)
    return relevant


@dataclass
class AuditReport:
    rounds: int
    solves: int
    hidden_after_primary: int
    raised: int


def protect_publication(new: Publication, earlier: list[Publication], k: int) -> AuditReport:
    """Set the status of every figure of ``new`` so that, with all earlier publications, no
    protected count is narrowed. Earlier publications are never changed."""
    everything = earlier + [new]
    by_key = {p.key: p for p in everything}
    spaces = {(p.key, event): _space(p, event) for p in everything for event in p.counts}
    links = relations(everything)
    part_low = _part_low(by_key)
    old_figures = _relevant(new, earlier)

    witnessed: set[tuple[str, str, str]] = set()
    auditor = Auditor(spaces, old_figures, links)

    def run(figures: list[Figure]):  # type: ignore[no-untyped-def]
        required: list[Requirement] = requirements(figures, part_low)
        return auditor.check([f for f in figures if f.publication == new.key], required, witnessed)

    for figure in new.figures:
        figure.k = k
    _link_capacities(new, everything)
    outcome = protect(new.figures, old_figures, run)
    new.notes["audit"] = {"rounds": outcome.rounds, "solves": outcome.solves}
    return AuditReport(outcome.rounds, outcome.solves,
                       sum(f.hidden for f in new.figures) - len(outcome.raised), len(outcome.raised))


def median_shown(publication: Publication, event: str) -> float | None:
    """A median is shown only where its events number at least k: their total is shown, or
    known to be at least k."""
    total = publication.figure(event)
    if total is None or total.status not in (SHOWN, ATLEAST):
        return None
    return publication.medians.get(event)


TITLES = {"backlog": N_("Cases open at the end of the period"),
          "overdue": N_("Open cases with a deadline passed at the end of the period")}
