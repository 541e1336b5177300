"""Anonymous submission throughput and latency, against the floor, in the same run.

Both apps run under gunicorn with the same settings and worker count, on the same durable
PostgreSQL; complaints also has its limiter in Redis. Each report form is fetched first
(untimed: it gives the session cookie and CSRF token), then all POSTs are fired at the
given concurrency and timed. The floor does the same insert with nothing else.

    .venv/bin/python -m bench.submissions [--reports 600] [--concurrency 8] [--workers 3]
"""
from __future__ import annotations

import argparse
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from bench.harness import (Gunicorn, Postgres, Redis, complaints_env, machine, memory_per_worker,
                           prepare_instance, summary)
from tests.system.load import visitor_address
from tests.system.webclient import Browser, report_fields

NARRATIVE = ("He kept commenting on my body in front of the platoon and touched my shoulder "
             "when nobody was looking. It happened at the depot, three times in May. ") * 4


def timed_posts(jobs, concurrency: int):  # type: ignore[no-untyped-def]
    """Run (browser, path, fields) jobs at once; returns (latencies, wall seconds, statuses)."""
    def post(job):  # type: ignore[no-untyped-def]
        browser, path, fields = job
        page = browser.post(path, fields)
        return page.seconds, page.status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(post, jobs))
    wall = time.perf_counter() - started
    return [r[0] for r in results], wall, [r[1] for r in results]


def complaints_jobs(base: str, count: int, offset: int):  # type: ignore[no-untyped-def]
    jobs = []
    for n in range(count):
        browser = Browser(base, forwarded_for=visitor_address(offset + n))
        form = browser.get("/report")  # untimed, with its proof of work (solved while writing)
        jobs.append((browser, "/report", report_fields(form.csrf(), NARRATIVE + uuid.uuid4().hex,
                                                       form.proof())))
    return jobs


def floor_jobs(base: str, count: int):  # type: ignore[no-untyped-def]
    return [(Browser(base), "/submit", report_fields("", NARRATIVE + uuid.uuid4().hex)) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each")
    parser.add_argument("--no-fsync", action="store_true",
                        help="diagnosis only: PostgreSQL without fsync (not a production figure)")
    args = parser.parse_args()

    import tempfile
    from pathlib import Path

    root = Path(tempfile.mkdtemp(prefix="complaints-bench-"))
    with Postgres(durable=not args.no_fsync) as pg, Redis() as redis:
        url = pg.create_database("complaints_bench")
        floor_url = pg.create_database("floor_bench")
        env = complaints_env(root / "instance", url, redis.url)
        prepare_instance(env)
        floor_env = {**env, "FLOOR_DATABASE_URL": floor_url}
        with Gunicorn(env, args.workers, root) as app, \
                Gunicorn(floor_env, args.workers, root, app="bench.floor_app:app") as floor:
            # Warm-up: every worker imports, connects and renders once.
            timed_posts(complaints_jobs(app.base, 30, 10_000_000), args.concurrency)
            timed_posts(floor_jobs(floor.base, 30), args.concurrency)

            per_round = args.reports // args.rounds
            results = {"complaints": ([], 0.0), "floor": ([], 0.0)}
            refused = 0
            for round_number in range(args.rounds):
                jobs = complaints_jobs(app.base, per_round, round_number * per_round)
                latencies, wall, statuses = timed_posts(jobs, args.concurrency)
                refused += sum(s != 302 for s in statuses)
                results["complaints"] = (results["complaints"][0] + latencies, results["complaints"][1] + wall)
                latencies, wall, statuses = timed_posts(floor_jobs(floor.base, per_round), args.concurrency)
                refused += sum(s != 302 for s in statuses)
                results["floor"] = (results["floor"][0] + latencies, results["floor"][1] + wall)

            print(f"machine: {machine()}")
            print(f"set-up: gunicorn {args.workers} sync workers per app, PostgreSQL and "
                  f"Redis on loopback{' (fsync OFF)' if args.no_fsync else ''}, {args.concurrency} concurrent clients, {per_round * args.rounds} "
                  f"reports per app in {args.rounds} alternating rounds; refused: {refused}")
            rates = {}
            for name, (latencies, wall) in results.items():
                rates[name] = len(latencies) / wall
                print(f"{name:>10}: {rates[name]:6.1f} submissions/s  {summary(latencies)}")
            print(f"complaints / floor throughput: {rates['complaints'] / rates['floor']:.0%} (target >= 60%)")
            print(f"complaints memory: {memory_per_worker(app)}")
            print(f"floor memory:      {memory_per_worker(floor)}")


if __name__ == "__main__":
    main()
