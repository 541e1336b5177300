"""Shared pieces of the benchmarks: the production set-up on loopback (the system tests'
servers, PostgreSQL with durable settings), timing statistics and memory per worker.

Benchmarks print figures; they assert nothing. Run them from the repository root:
``.venv/bin/python -m bench.submissions`` (see docs/manual/performance.md); as modules, so
that bench/ itself is not first on sys.path (its statistics.py would hide the standard
library's).
"""
from __future__ import annotations

import os
import platform
from pathlib import Path

from tests.system.servers import (Gunicorn, Postgres, Redis, complaints_env,  # noqa: E402
                                  prepare_instance, rss_mb)

__all__ = ["Gunicorn", "Postgres", "Redis", "complaints_env", "prepare_instance", "percentile",
           "summary", "memory_per_worker", "machine"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"n={len(ms)}  p50={percentile(ms, 50):6.1f} ms  p95={percentile(ms, 95):6.1f} ms  "
            f"mean={sum(ms) / len(ms):6.1f} ms")


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages split among the processes sharing them."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory_per_worker(server: Gunicorn) -> str:
    pids = server.worker_pids()
    rss = [rss_mb(pid) for pid in pids]
    pss = [pss_mb(pid) for pid in pids]
    return (f"{len(pids)} workers: RSS max {max(rss):.0f} MiB (each: "
            f"{', '.join(f'{r:.0f}' for r in rss)}), PSS max {max(pss):.0f} MiB; "
            f"master RSS {rss_mb(server.process.pid):.0f} MiB")


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")
