"""Officer case list over 100,000 cases, the coordinator's register, and opening a case page
(decrypt + audit entry), through gunicorn on a durable PostgreSQL, signed in for real.

The cases are written straight into the database (sealed with the instance's keys, one
data key each, an open deadline each) because filing 100,000 through the form would take
the benchmark's whole budget; the pages read them exactly as they read filed cases.

    .venv/bin/python -m bench.case_pages [--cases 100000] [--assigned 300] [--requests 300]
"""
from __future__ import annotations

import argparse
import secrets
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyotp

from bench.harness import (Gunicorn, Postgres, Redis, complaints_env, machine, memory_per_worker,
                           prepare_instance, summary)
from tests.system.webclient import Browser

PASSWORD = "a long benchmark passphrase 7"
STATES = ["submitted", "triage", "investigation", "decision", "monitoring", "closed"]
CATEGORIES = ["SH_VERBAL", "MOBBING", "DISCRIMINATION", "SH_PHYSICAL"]


def populate(instance: Path, url: str, cases: int, assigned: int) -> tuple[list[uuid.UUID], dict[str, str]]:
    """Insert the cases; create an officer (assigned to ``assigned`` of them) and a
    coordinator. Returns the assigned case ids and {username: TOTP secret}."""
    from sqlalchemy import insert

    from complaints import create_app
    from complaints.crypto import FieldCipher, new_data_key
    from complaints.extensions import db
    from complaints.instance import keyring
    from complaints.models import Assignment, Case, DataKey, Deadline
    from complaints.services import accounts

    app = create_app({"INSTANCE": str(instance), "DATABASE_URL": url, "RATELIMIT_STORAGE": "memory://"})
    secrets_by_user: dict[str, str] = {}
    with app.app_context():
        for username, roles in (("officer", ["officer"]), ("coordinator", ["coordinator"])):
            user, uri = accounts.provision_user(username, PASSWORD, roles)
            user.totp_enrolled = True
            secrets_by_user[username] = pyotp.parse_uri(uri).secret
        db.session.commit()
        officer_id = accounts.find_user("officer").id
        ring, now = keyring(), datetime.now(timezone.utc)
        chosen: list[uuid.UUID] = []
        batch = 5000
        for start in range(0, cases, batch):
            keys, rows, deadlines, assignments = [], [], [], []
            for n in range(start, min(start + batch, cases)):
                case_id, key_id, key = uuid.uuid4(), uuid.uuid4(), new_data_key()
                kek_id, wrapped = ring.wrap(key_id, key)
                keys.append({"id": key_id, "purpose": "case", "kek_id": kek_id, "wrapped": wrapped,
                             "created_at": now})
                cipher = FieldCipher(key)
                submitted = now - timedelta(minutes=n)
                rows.append({
                    "id": case_id, "reference": f"C-B-{n:07d}", "receipt_hmac": secrets.token_hex(32),
                    "data_key_id": key_id, "procedure": "generic", "state": STATES[n % len(STATES)],
                    "category": CATEGORIES[n % len(CATEGORIES)], "channel": "online_anonymous",
                    "anonymous": True, "wants": "formal", "submitted_at": submitted, "updated_at": submitted,
                    # written around the ORM: the next-due columns as complaints/next_due.py keeps them
                    "next_due_at": submitted + timedelta(days=3), "next_due_kind": "acknowledge",
                    "narrative_enc": cipher.seal("cases", "narrative_enc", case_id,
                                                 f"Benchmark case {n}: what happened, in the person's words. " * 6),
                    "location_enc": cipher.seal("cases", "location_enc", case_id, "The depot"),
                })
                deadlines.append({"id": uuid.uuid4(), "case_id": case_id, "kind": "acknowledge",
                                  "due_at": submitted + timedelta(days=3), "created_at": submitted})
                if n % max(1, cases // assigned) == 0 and len(chosen) < assigned:
                    chosen.append(case_id)
                    assignments.append({"id": uuid.uuid4(), "case_id": case_id, "user_id": officer_id,
                                        "capacity": "intake", "assigned_at": now})
            db.session.execute(insert(DataKey), keys)
            db.session.execute(insert(Case), rows)
            db.session.execute(insert(Deadline), deadlines)
            if assignments:
                db.session.execute(insert(Assignment), assignments)
            db.session.commit()
        db.session.commit()
        # What autovacuum does on a maintained database: planner statistics and the visibility
        # map (index-only scans for the lists' pages and totals).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(__import__("sqlalchemy").text("VACUUM ANALYZE"))
    db.session.remove()
    db.engine.dispose()
    return chosen, secrets_by_user


def sign_in(base: str, username: str, secret: str) -> Browser:
    browser = Browser(base, forwarded_for="10.99.0." + str(len(username)))
    token = browser.get("/login").csrf()
    step = browser.post("/login", {"csrf_token": token, "username": username, "password": PASSWORD})
    assert step.status == 302, step.status
    page = browser.get(step.location.replace(base, "") or "/login/code")
    sent = browser.post(step.location.replace(base, ""), {"csrf_token": page.csrf(),
                                                          "code": pyotp.TOTP(secret).now()})
    assert sent.status == 302, f"sign-in failed: {sent.status}"
    return browser


def measure(browser: Browser, paths: list[str], expect: str = "") -> list[float]:
    seconds = []
    for path in paths:
        page = browser.get(path)
        assert page.status == 200, (path, page.status)
        assert expect in page.text
        seconds.append(page.seconds)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--assigned", type=int, default=300, help="cases assigned to the officer")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="complaints-bench-"))
    try:
        run(args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)  # the instance folder holds keys


def run(args: argparse.Namespace, root: Path) -> None:
    with Postgres(durable=True) as pg, Redis() as redis:
        url = pg.create_database("complaints_pages")
        env = complaints_env(root / "instance", url, redis.url)
        prepare_instance(env)
        started = time.perf_counter()
        assigned, totp = populate(root / "instance", url, args.cases, args.assigned)
        print(f"populated {args.cases} cases in {time.perf_counter() - started:.0f} s")
        with Gunicorn(env, args.workers, root) as app:
            officer = sign_in(app.base, "officer", totp["officer"])
            measure(officer, ["/cases"] * 20)  # warm-up: every worker connects and renders
            lists = measure(officer, ["/cases"] * args.requests, "C-B-")
            filtered = measure(officer, ["/cases?state=triage&overdue=y"] * args.requests)
            opened = measure(officer, [f"/cases/{assigned[i % len(assigned)]}" for i in range(args.requests)],
                             "Benchmark case")
            time.sleep(31)  # the coordinator signs in with the next TOTP step
            coordinator = sign_in(app.base, "coordinator", totp["coordinator"])
            measure(coordinator, ["/register"] * 10)
            register = measure(coordinator, ["/register"] * args.requests, "C-B-")
            register_deep = measure(coordinator, ["/register?page=500"] * args.requests, "C-B-")
            register_filtered = measure(coordinator, ["/register?overdue=y&unassigned=y&category=MOBBING"]
                                        * (args.requests // 2), "C-B-")
            register_search = measure(coordinator, [f"/register?q=C-B-{i * 7919 % args.cases:07d}"
                                                    for i in range(args.requests // 2)], "C-B-")
            register_sorted = measure(coordinator, ["/register?sort=received&dir=desc&page=200"]
                                      * (args.requests // 2), "C-B-")
            workload = measure(coordinator, ["/register/workload"] * (args.requests // 3))

            print(f"machine: {machine()}")
            print(f"set-up: gunicorn {args.workers} sync workers, PostgreSQL (fsync on) and Redis on "
                  f"loopback, {args.cases} cases, {len(assigned)} assigned to the officer, one client")
            print(f"officer case list (/cases):             {summary(lists)}  (target p95 < 50 ms)")
            print(f"officer list, filtered (triage, overdue): {summary(filtered)}")
            print(f"case page open (decrypt + audit):       {summary(opened)}  (target p95 < 30 ms)")
            print(f"coordinator register, page 1 of all:    {summary(register)}  (target p95 < 100 ms)")
            print(f"coordinator register, page 500:         {summary(register_deep)}  (target p95 < 100 ms)")
            print(f"register, overdue+unassigned+category:  {summary(register_filtered)}")
            print(f"register, search by reference:          {summary(register_search)}")
            print(f"register, sorted by received, page 200: {summary(register_sorted)}")
            print(f"workload per staff member:              {summary(workload)}")
            print(f"memory: {memory_per_worker(app)}")


if __name__ == "__main__":
    main()
