"""Geometry for the server-rendered SVG charts of the statistics pages. No JavaScript, no
external chart service: the templates draw what these functions measure, and every chart
sits next to a table with the same figures for screen readers and printing."""
from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 300   # room for the value's name, left of the bars
FIGURE_WIDTH = 90   # room for the published figure, right of the bars
ROW_HEIGHT = 26
BAR_HEIGHT = 16


@dataclass(frozen=True)
class Bar:
    label: str
    text: str        # the figure as published ("12", "<5", "suppressed")
    y: int
    length: int      # 0 for a hidden figure: nothing is drawn that would hint at its size


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_x: int
    bars: tuple[Bar, ...]


def bar_chart(items: list[tuple[str, int | None, str]], width: int = 640) -> BarChart:
    """Horizontal bars for (label, public value or None, published text)."""
    room = width - LABEL_WIDTH - FIGURE_WIDTH
    largest = max((v for _, v, _ in items if v), default=0)
    bars = tuple(
        Bar(label=label, text=text, y=i * ROW_HEIGHT + 4,
            length=round(room * value / largest) if value and largest else 0)
        for i, (label, value, text) in enumerate(items))
    return BarChart(width=width, height=len(items) * ROW_HEIGHT + 8, bar_x=LABEL_WIDTH, bars=bars)


@dataclass(frozen=True)
class Column:
    label: str
    text: str
    x: int
    top: int
    height: int


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    baseline: int
    column_width: int
    columns: tuple[Column, ...]


LABEL_CHAR_WIDTH = 8  # px per character of a 13px label, generous for DejaVu Sans digits


def column_chart(items: list[tuple[str, int]], height: int = 200, column_width: int = 56) -> ColumnChart:
    """Vertical columns for (label, value), e.g. cases per year. Columns widen to their
    longest label ("Q4 2025 – Q3 2026"), so that labels never run into each other."""
    longest = max((len(label) for label, _ in items), default=0)
    column_width = max(column_width, longest * LABEL_CHAR_WIDTH + 8)
    plot = height - 44  # room for the figure above and the label below
    largest = max((v for _, v in items), default=0)
    columns = []
    for i, (label, value) in enumerate(items):
        size = round(plot * value / largest) if largest else 0
        columns.append(Column(label=label, text=str(value), x=i * (column_width + 16) + 8,
                              top=height - 22 - size, height=size))
    return ColumnChart(width=max(len(items), 1) * (column_width + 16) + 16, height=height,
                       baseline=height - 22, column_width=column_width, columns=tuple(columns))
