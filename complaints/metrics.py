"""Prometheus metrics: how the service is doing, never what it holds.

Per request: a count and a latency histogram labelled by Flask endpoint name (never the path,
which can carry a case id), method and status class. At each scrape, counts from the database:
open cases, cases waiting for acknowledgement, open cases nobody is assigned to, overdue open
deadlines. No case content, reference, receipt or client address is ever a label or a value.

With several gunicorn workers each process counts for itself; when PROMETHEUS_MULTIPROC_DIR
is set (complaints/gunicorn_conf.py sets it), a scrape adds up every worker's files.
"""
from __future__ import annotations

import os
import time
from typing import Iterator

from flask import Flask, Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter("complaints_http_requests_total", "HTTP requests answered",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("complaints_http_request_duration_seconds", "Time to answer a request",
                    ["endpoint"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
ERRORS = Counter("complaints_http_errors_total", "Requests answered with a server error (5xx)",
                 ["endpoint"])


class CaseloadCollector(Collector):
    """Counts read from the database at scrape time (the same figures for every worker)."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from .services.caseload import caseload_counts

        with self.app.app_context():
            counts = caseload_counts()
        for name, (help_text, value) in counts.items():
            family = GaugeMetricFamily(f"complaints_{name}", help_text)
            family.add_metric([], value)
            yield family


def _endpoint() -> str:
    return request.endpoint or "none"


def register(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        endpoint = _endpoint()
        if started is not None:
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        REQUESTS.labels(endpoint, request.method, f"{response.status_code // 100}xx").inc()
        if response.status_code >= 500:
            ERRORS.labels(endpoint).inc()
        return response


def exposition(app: Flask) -> tuple[bytes, str]:
    """The text a Prometheus server scrapes."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
        registry.register(ERRORS)
    registry.register(CaseloadCollector(app))
    return generate_latest(registry), CONTENT_TYPE_LATEST
