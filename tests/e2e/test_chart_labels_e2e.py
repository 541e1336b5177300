"""The statistics charts as Chromium draws them: a column's label never runs into its
neighbour's. A release that merges quarters is labelled "Q4 2025 – Q3 2026"; in a 56px
column it overlapped the year beside it and was cut off at the chart's edge (seen on the
demo's statistics page)."""
from __future__ import annotations

from pathlib import Path

from flask import render_template_string

from complaints.charts import column_chart

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"
LABELS = [("2024", 31), ("2025", 8), ("Q4 2025 – Q3 2026", 106), ("Q4 2026", 12)]


def drawn_labels(app, page, width: int) -> tuple[list[dict], dict]:
    with app.test_request_context():
        svg = render_template_string('{% import "statistics/_figures.html" as figures %}'
                                     '{{ figures.columns(chart, "Reports received per year") }}',
                                     chart=column_chart(LABELS))
    page.set_viewport_size({"width": width, "height": 700})
    page.set_content(f"<main>{svg}</main>")
    page.add_style_tag(path=str(STYLESHEET))  # the site's own chart styles (13px labels)
    boxes = page.eval_on_selector_all(".chart-label", "els => els.map(e => e.getBBox())"
                                      ".map(b => ({x: b.x, width: b.width}))")
    chart = page.eval_on_selector("svg.chart", "svg => ({width: svg.viewBox.baseVal.width})")
    return boxes, chart


def test_column_labels_neither_overlap_nor_leave_the_chart(app, page):
    for width in (1280, 390):
        boxes, chart = drawn_labels(app, page, width)
        assert len(boxes) == len(LABELS)
        for left, right in zip(boxes, boxes[1:]):
            assert left["x"] + left["width"] <= right["x"], (width, left, right)
        assert boxes[0]["x"] >= 0 and boxes[-1]["x"] + boxes[-1]["width"] <= chart["width"], (width, boxes, chart)
