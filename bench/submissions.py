"""Anonymous submissions: this code against an earlier commit and against the floor, in the
same run, on the same machine state.

Every app runs under gunicorn with the shipped settings and the same worker count, on one
durable PostgreSQL (fsync on), with its own database and its own Redis database. Two flows
are timed, in alternating rounds (the order turns each round, so no app always goes first):

- **whole**: what a person does: GET /report (session cookie, CSRF token, proof-of-work
  challenge), solve the proof as the browser does while the person writes, POST the form as
  multipart/form-data; the time runs from the GET to the POST's redirect to the receipt.
- **post**: the forms are fetched first (untimed), then only the POSTs are timed; the floor
  (bench/floor_app.py, a bare Flask + SQLAlchemy insert) answers the same POST, and so does
  the secure floor (bench/secure_floor_app.py: the least a report must cost under this
  project's security requirements: CSRF, the report form's validation, the proof spent once,
  per-case encryption, the receipt, a chained audit entry, one transaction).

Every client has its own address (X-Forwarded-For through the trusted-proxy setting), so
nothing is counted per address; the abuse control (proof of work, spent once, in Redis) is
on, as in production. At the end the stored cases of each database are counted: they must
equal the accepted submissions.

The proofs are 8 bits (a fraction of a millisecond to solve) for every app. The abuse control
still counts every form it serves, as in production, but by default does not raise their
difficulty: at dozens of forms a second it would take this load for a flood and ask up to
2**8 times more, which 8 people solve on their own phones but this one load client solves on
the two cores it shares with the servers, so the figures would measure the client's hashing
more than the servers. ``--flood-proofs`` lets it raise them, as in production. The client's
CPU spent solving is printed either way.

    .venv/bin/python -m bench.submissions [--baseline REF] [--reports 1200] [--rounds 4]
                                          [--concurrency 8] [--workers 2] [--flood-proofs]

``--baseline REF`` exports that commit (``git archive``) into a temporary folder and serves
it beside this tree's code, each with its own instance, keys and database.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Callable

from bench.harness import (Gunicorn, Postgres, Redis, complaints_env, machine, memory_per_worker,
                           prepare_instance, summary)
from tests.system.load import visitor_address
from tests.system.webclient import Browser, Page, multipart, report_fields

REPOSITORY = Path(__file__).resolve().parent.parent
NARRATIVE = ("He kept commenting on my body in front of the platoon and touched my shoulder "
             "when nobody was looking. It happened at the depot, three times in May. ") * 4


SECURE = "secure floor"
FLOORS = (SECURE, "floor")


def post_form(browser: Browser, path: str, fields: dict[str, str]) -> Page:
    """POST as the browser sends the report form: multipart/form-data (no file chosen)."""
    body, content_type = multipart(fields, [])
    return browser.request("POST", path, body, {"Content-Type": content_type})


def filled_form(browser: Browser, solving: list[float] | None = None) -> dict[str, str]:
    """The report form fetched and filled in, its proof solved (the CPU this thread spent
    solving is appended to ``solving``)."""
    form = browser.get("/report")
    if form.status != 200:
        raise AssertionError(f"GET /report answered {form.status}")
    started = time.thread_time()
    proof = form.proof()
    if solving is not None:
        solving.append(time.thread_time() - started)
    return report_fields(form.csrf(), NARRATIVE + uuid.uuid4().hex, proof)


# --- one visitor's work, timed --------------------------------------------------------------

Job = Callable[[], "tuple[float, int]"]


def whole_flow(base: str, number: int, solving: list[float] | None = None) -> Job:
    def run() -> tuple[float, int]:
        browser = Browser(base, forwarded_for=visitor_address(number))
        started = time.perf_counter()
        sent = post_form(browser, "/report", filled_form(browser, solving))
        return time.perf_counter() - started, sent.status
    return run


def prepared_post(base: str, number: int, path: str = "/report") -> Job:
    """The form fetched now (untimed); the returned job times the POST alone."""
    browser = Browser(base, forwarded_for=visitor_address(number))
    fields = filled_form(browser) if path == "/report" else report_fields("", NARRATIVE + uuid.uuid4().hex)

    def run() -> tuple[float, int]:
        sent = post_form(browser, path, fields)
        return sent.seconds, sent.status
    return run


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    accepted: int = 0
    refused: int = 0
    worker_cpu: float = 0.0
    client_cpu: float = 0.0
    solving: list[float] = field(default_factory=list)  # the client's CPU per proof solved

    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


def worker_cpu_seconds(server: Gunicorn) -> float:
    """User and system CPU of the server's workers so far (their children included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in server.worker_pids():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker recycled meanwhile
            continue
        total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def run_round(jobs: list[Job], concurrency: int, server: Gunicorn, figures: Figures) -> None:
    cpu_before, client_before = worker_cpu_seconds(server), time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    figures.wall += time.perf_counter() - started
    figures.worker_cpu += worker_cpu_seconds(server) - cpu_before
    figures.client_cpu += time.process_time() - client_before
    figures.latencies += [seconds for seconds, _ in results]
    figures.accepted += sum(status == 302 for _, status in results)
    figures.refused += sum(status != 302 for _, status in results)


# --- the apps ---------------------------------------------------------------------------------


def export_commit(ref: str, into: Path) -> str:
    """``git archive`` of ``ref`` unpacked into ``into``; returns the commit's short hash."""
    commit = subprocess.run(["git", "rev-parse", "--short", f"{ref}^{{commit}}"], cwd=REPOSITORY,
                            check=True, capture_output=True, text=True).stdout.strip()
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=REPOSITORY,
                             check=True, capture_output=True).stdout
    into.mkdir(parents=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return commit


def serves_from(env: dict[str, str], cwd: Path | None) -> str:
    """Where ``complaints`` is imported from with this environment (the check that the
    baseline really runs its own code)."""
    return subprocess.run([sys.executable, "-c",
                           "import complaints; print(complaints.__file__)"], env=env, cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


def count_cases(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM cases")).scalar_one())
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", metavar="REF", help="an earlier commit to run alternately with this code")
    parser.add_argument("--reports", type=int, default=1200, help="per app and flow")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-fsync", action="store_true",
                        help="diagnosis only: PostgreSQL without fsync (not a production figure)")
    parser.add_argument("--flood-proofs", action="store_true",
                        help="let the abuse control make the proofs harder as forms are served "
                             "faster, as in production (the load client then solves them on the "
                             "servers' cores)")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="complaints-bench-"))
    baseline_tree = root / "baseline-src"
    baseline_commit = export_commit(args.baseline, baseline_tree) if args.baseline else ""
    this_commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPOSITORY,
                                 capture_output=True, text=True).stdout.strip()
    try:
        with Postgres(durable=not args.no_fsync) as pg, Redis() as redis:
            apps: dict[str, tuple[dict[str, str], Path | None]] = {}
            urls: dict[str, str] = {}
            for number, (name, tree) in enumerate([("this", None), ("baseline", baseline_tree)]):
                if name == "baseline" and not args.baseline:
                    continue
                urls[name] = pg.create_database(f"bench_{name}")
                env = complaints_env(root / f"instance-{name}", urls[name],
                                     redis.url.rsplit("/", 1)[0] + f"/{number}")
                if not args.flood_proofs:
                    env["COMPLAINTS_PROOF_EXTRA_BITS_MAX"] = "0"
                if tree is not None:
                    env["PYTHONPATH"] = str(tree)
                    where = serves_from(env, tree)
                    if not where.startswith(str(tree)):
                        raise SystemExit(f"the baseline would import {where}, not its own code")
                prepare_instance(env, cwd=tree)
                apps[name] = (env, tree)
            floor_env = {**apps["this"][0], "FLOOR_DATABASE_URL": pg.create_database("bench_floor")}

            servers = {name: Gunicorn(env, args.workers, root, cwd=tree) for name, (env, tree) in apps.items()}
            servers["floor"] = Gunicorn(floor_env, args.workers, root, app="bench.floor_app:app")
            secure_env = {**apps["this"][0],
                          "SECURE_FLOOR_DATABASE_URL": pg.create_database("bench_secure_floor"),
                          "SECURE_FLOOR_REDIS_URL": redis.url.rsplit("/", 1)[0] + "/7"}
            servers[SECURE] = Gunicorn(secure_env, args.workers, root, app="bench.secure_floor_app:app")
            try:
                for server in servers.values():
                    server.start()
                measure(args, servers, urls, baseline_commit, this_commit)
            finally:
                for server in servers.values():
                    server.stop()
    finally:
        import shutil

        shutil.rmtree(root, ignore_errors=True)


def measure(args: argparse.Namespace, servers: dict[str, Gunicorn], urls: dict[str, str],
            baseline_commit: str, this_commit: str) -> None:
    apps = [name for name in servers if name not in FLOORS]
    # Warm-up: every worker imports, connects and renders each page once.
    for name in apps:
        run_round([whole_flow(servers[name].base, 9_000_000 + n) for n in range(40)],
                  args.concurrency, servers[name], Figures())
    run_round([prepared_post(servers["floor"].base, n, "/submit") for n in range(40)],
              args.concurrency, servers["floor"], Figures())
    run_round([prepared_post(servers[SECURE].base, 9_500_000 + n) for n in range(40)],
              args.concurrency, servers[SECURE], Figures())

    per_round = args.reports // args.rounds
    whole = {name: Figures() for name in apps}
    post = {name: Figures() for name in [*apps, *FLOORS]}
    visitor = 0
    for round_number in range(args.rounds):
        order = apps if round_number % 2 == 0 else list(reversed(apps))
        for name in order:
            jobs = [whole_flow(servers[name].base, visitor + n, whole[name].solving)
                    for n in range(per_round)]
            visitor += per_round
            run_round(jobs, args.concurrency, servers[name], whole[name])
        for name in [*order, *FLOORS]:
            path = "/submit" if name == "floor" else "/report"
            jobs = [prepared_post(servers[name].base, visitor + n, path) for n in range(per_round)]
            visitor += per_round
            run_round(jobs, args.concurrency, servers[name], post[name])

    label = {"this": f"this ({this_commit})", "baseline": f"baseline ({baseline_commit})", "floor": "floor",
             SECURE: SECURE}
    print(f"machine: {machine()}; load average before the last round: {os.getloadavg()[0]:.1f}")
    print(f"set-up: gunicorn {args.workers} sync workers per app, PostgreSQL 15 "
          f"({'fsync OFF' if args.no_fsync else 'fsync on'}) and Redis on loopback, "
          f"{args.concurrency} concurrent clients, {per_round * args.rounds} submissions per app "
          f"and flow in {args.rounds} alternating rounds; proofs "
          f"{'made harder under load, as in production' if args.flood_proofs else 'kept at 8 bits'}")
    print("\nwhole submission (GET the form, solve the proof, POST multipart; timed end to end):")
    for name in apps:
        print(report_line(label[name], whole[name]))
    print("\nPOST only (forms fetched beforehand):")
    for name in [*apps, *FLOORS]:
        print(report_line(label[name], post[name]))
    if "baseline" in whole:
        print(f"\nwhole submission, this / baseline: {whole['this'].rate() / whole['baseline'].rate():.2f}x "
              f"(target >= 2x)")
        print(f"POST only, baseline / floor: {post['baseline'].rate() / post['floor'].rate():.0%}")
    print(f"POST only, this / floor: {post['this'].rate() / post['floor'].rate():.0%} (target >= 50%)")
    print(f"POST only, secure floor / floor: {post[SECURE].rate() / post['floor'].rate():.0%}; "
          f"this / secure floor: {post['this'].rate() / post[SECURE].rate():.0%}")
    print()
    for name in apps:
        stored = count_cases(urls[name])
        accepted = whole[name].accepted + post[name].accepted + 40  # the warm-up's too
        print(f"{label[name]}: {stored} cases stored, {accepted} submissions accepted"
              f"{'' if stored == accepted else '  MISMATCH'}")
    for name, server in servers.items():
        print(f"{label[name]} memory: {memory_per_worker(server)}")


def report_line(name: str, figures: Figures) -> str:
    count = len(figures.latencies) or 1
    solving = (f" (solving the proof {sum(figures.solving) / len(figures.solving) * 1000:4.1f} ms)"
               if figures.solving else "")
    return (f"  {name:>22}: {figures.rate():6.1f}/s  {summary(figures.latencies)}  refused {figures.refused}  "
            f"worker CPU {figures.worker_cpu / count * 1000:4.1f} ms, client CPU "
            f"{figures.client_cpu / count * 1000:4.1f} ms{solving} per submission")


if __name__ == "__main__":
    main()
