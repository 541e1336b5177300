"""Benchmark: the GEM statistics dashboard over 100,000 and 1,000,000 cases on SQLite.

Builds each database with a fast bulk insert (not through the web, no encryption: the
dashboard reads clear metadata and the procedure's records only), signs a GEM analyst in
through the real login, and times GET /statistics, with no nightly job:

* the first view after a quarter ended (made three times, the release taken away in between;
  the median is printed): the system has released every earlier quarter (as
  it would have, running), and this view counts, audits and freezes the new release (and
  the year's publication when a year ended);
* the first view of an ordinary day: nothing is due, the frozen releases are read;
* the median and maximum of later views;
* once, the very first view on a database with five years and no release yet (after an
  upgrade): every release of the five years is made in one go.

Prints the figures; asserts nothing.

    .venv/bin/python -m bench.statistics                 # both sizes
    .venv/bin/python -m bench.statistics --cases 100000  # one size
    .venv/bin/python -m bench.statistics --postgres      # on PostgreSQL (fsync on), as in production
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyotp

from bench.harness import Postgres

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CATEGORIES = ["GBD", "SH_VERBAL", "SH_NONVERBAL", "SH_PHYSICAL", "SEXUAL_BLACKMAIL", "GENDER_HARASSMENT",
              "MOBBING", "SEXUAL_ASSAULT", "SEA", "ABUSE_OF_AUTHORITY", "RETALIATION"]
STATES = ["submitted", "triage", "mediation_in_progress", "formal_investigation", "decision_pending",
          "appeal_window", "monitoring", "closed", "withdrawn", "rejected"]
CHUNK = 20_000
YEARS = 5


def build(database_url: str, instance: Path, n_cases: int, seed: int = 7) -> tuple[str, str, str]:
    """Create the instance, bulk-insert ``n_cases`` spread over five years; return a GEM login."""
    from sqlalchemy import insert, text

    from complaints import create_app
    from complaints.config import derive_paths, load_settings
    from complaints.extensions import db
    from complaints.instance import prepare_instance
    from complaints.models import Case, Consultation, Deadline, ProtectiveMeasure, Transition
    from complaints.services import accounts
    from complaints.services.case_access import new_case_key

    os.environ["COMPLAINTS_INSTANCE"] = str(instance)
    os.environ["COMPLAINTS_DATABASE_URL"] = database_url
    prepare_instance(derive_paths(load_settings()), say=lambda _: None)
    app = create_app()
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=365 * YEARS)
    span = (now - start).total_seconds()
    with app.app_context():
        key, _ = new_case_key(uuid.uuid4())
        db.session.commit()
        password = "bench-" + uuid.uuid4().hex
        user, uri = accounts.provision_user("bench-gem", password, ["gem"], display_name="Bench GEM")
        user.totp_enrolled = True  # as if the invitation had been followed
        db.session.commit()
        trust, _ = accounts.provision_user("bench-trust", password, ["trust"], display_name="Bench trust")
        db.session.commit()
        connection = db.session.connection()
        for offset in range(0, n_cases, CHUNK):
            cases, deadlines, measures, transitions = [], [], [], []
            for i in range(offset, min(offset + CHUNK, n_cases)):
                case_id = uuid.uuid4()
                submitted = start + timedelta(seconds=rng.random() * span)
                acknowledged = submitted + timedelta(days=rng.random() * 6) if rng.random() < 0.95 else None
                decided = submitted + timedelta(days=20 + rng.random() * 120) if rng.random() < 0.5 else None
                decided = decided if decided and decided < now else None
                state = "closed" if decided else rng.choice(STATES)
                cases.append(dict(
                    id=case_id, reference=f"B-{i:08d}", receipt_hmac=case_id.hex, data_key_id=key.id,
                    procedure="generic", state=state, category=rng.choice(CATEGORIES),
                    channel=rng.choice(["online_anonymous", "online_identified", "on_behalf", "person_of_trust"]),
                    anonymous=rng.random() < 0.4, wants=rng.choice(["information", "informal", "formal"]),
                    protection_requested=rng.random() < 0.2, incident_period="", unit_group=rng.choice(
                        ["ministry", "general_staff", "land_forces", "air_force", "navy", "training", ""]),
                    respondent_rank_band=rng.choice(["enlisted", "nco", "junior_officer", "senior_officer", ""]),
                    respondent_relation=rng.choice(["superior", "peer", "subordinate", "other"]),
                    respondent_sex=rng.choice(["male", "male", "female", ""]),
                    complainant_sex=rng.choice(["female", "female", "male", ""]),
                    complainant_rank_band=rng.choice(["enlisted", "nco", "junior_officer", "civilian", ""]),
                    route=rng.choice(["", "informal", "mediation", "investigation", "external"]),
                    outcome=rng.choice(["substantiated", "partly_substantiated", "not_substantiated"]) if decided else "",
                    sanction=rng.choice(["", "warning", "suspension", "transfer"]) if decided else "",
                    appeal_outcome=rng.choice(["", "", "", "upheld", "changed"]) if decided else "",
                    submitted_at=submitted, acknowledged_at=acknowledged, decided_at=decided,
                    first_feedback_at=acknowledged + timedelta(days=rng.random() * 120) if acknowledged and rng.random() < 0.7 else None,
                    updated_at=submitted, recorded_at=submitted, version=1))
                due = submitted + timedelta(days=3)
                deadlines.append(dict(id=uuid.uuid4(), case_id=case_id, kind="acknowledge", due_at=due,
                                      met_at=acknowledged, created_at=submitted))  # set at intake
                if rng.random() < 0.1:
                    measures.append(dict(id=uuid.uuid4(), case_id=case_id, kind="separation", ordered_at=submitted))
                if acknowledged and acknowledged < now:
                    transitions.append(dict(id=uuid.uuid4(), case_id=case_id, from_state="submitted",
                                            to_state="acknowledged", action="acknowledge", actor_kind="staff",
                                            reason_code="", at=acknowledged))
                if decided:
                    transitions.append(dict(id=uuid.uuid4(), case_id=case_id, from_state="decision_pending",
                                            to_state="decided", action="decide", actor_kind="staff",
                                            reason_code=cases[-1]["outcome"], at=decided))
                if decided and rng.random() < 0.1:
                    transitions.append(dict(id=uuid.uuid4(), case_id=case_id, from_state="appeal_window",
                                            to_state="appeal_review", action="appeal", actor_kind="complainant",
                                            reason_code="", at=decided + timedelta(days=5)))
            connection.execute(insert(Case.__table__), cases)
            connection.execute(insert(Deadline.__table__), deadlines)
            if measures:
                connection.execute(insert(ProtectiveMeasure.__table__), measures)
            if transitions:
                connection.execute(insert(Transition.__table__), transitions)
            db.session.commit()
            connection = db.session.connection()
        consultations = []
        for _ in range(max(n_cases // 20, 10)):
            held = start + timedelta(seconds=rng.random() * span)
            consultations.append(dict(  # written down by the person of trust within a day or two
                id=uuid.uuid4(), trust_user_id=trust.id, held_on=held.date(), category=rng.choice(CATEGORIES),
                unit_group="", complainant_sex="female", outcome=rng.choice(["advice_only", "complaint_filed", "referred"]),
                created_at=min(held + timedelta(days=rng.random() * 2), now)))
        connection.execute(insert(Consultation.__table__), consultations)
        db.session.commit()
        db.session.execute(text("ANALYZE"))  # planner statistics, as a maintained database has
        db.session.commit()
        secret = pyotp.parse_uri(uri).secret
    return "bench-gem", password, secret


def measure(runs: int, first_runs: int) -> dict[str, float]:
    """The first view after a quarter ended (earlier quarters already released; made
    ``first_runs`` times, the release taken away in between: one view alone swung with what
    the operating system's cache held), the first view of the next day, and later views."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import delete

    from complaints import create_app, releases
    from complaints.extensions import db
    from complaints.models import StatisticsComputation, StatisticsRelease
    from complaints.services import published_statistics

    app = create_app({"RATELIMIT_ENABLED": False})
    now = datetime.now(timezone.utc)
    before = releases.quarter_start(releases.quarter_of(now)) - timedelta(days=1)  # last day of the last quarter
    with app.test_request_context():
        published_statistics.compute_due(before)  # the system, running: every earlier quarter released
    client = app.test_client()
    _sign_in(app, client)
    timings, firsts = [], []
    for attempt in range(first_runs):  # the quarter has ended: its release is made
        if attempt:  # the same release made again on the same database, as if for the first time
            with app.app_context():
                db.session.execute(delete(StatisticsRelease).where(
                    StatisticsRelease.last_quarter == releases.last_completed_quarter(now)))
                db.session.execute(delete(StatisticsComputation).where(StatisticsComputation.day == now.date()))
                db.session.commit()
        began = time.perf_counter()
        assert client.get("/statistics").status_code == 200
        firsts.append(time.perf_counter() - began)
    with app.app_context():  # the next day: nothing due
        db.session.execute(delete(StatisticsComputation).where(StatisticsComputation.day == now.date()))
        db.session.add(StatisticsComputation(day=now.date() - timedelta(days=1), through_quarter=releases.last_completed_quarter(now),
                                             computed_at=now, releases=0, seconds=0))
        db.session.commit()
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get("/statistics")
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    later = sorted(timings[1:])  # (this file is called statistics.py: no `import statistics`)
    return {"first": sorted(firsts)[len(firsts) // 2], "first_all": firsts, "day": timings[0],
            "median": later[len(later) // 2], "max": later[-1]}


def catch_up() -> float:
    """The very first computation on a database with years of cases and no release."""
    from complaints import create_app
    from complaints.extensions import db
    from complaints.models import StatisticsComputation, StatisticsRelease
    from complaints.services import published_statistics

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.test_request_context():
        db.session.query(StatisticsRelease).delete()
        db.session.query(StatisticsComputation).delete()
        db.session.commit()
        began = time.perf_counter()
        published_statistics.compute_due()
        return time.perf_counter() - began


def _sign_in(app, client) -> None:  # type: ignore[no-untyped-def]
    import re

    def token(path: str) -> str:
        html = client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
            re.search(r'name="csrf_token" value="([^"]+)"', html)
        return match.group(1)

    username, password, secret = os.environ["BENCH_LOGIN"].split(":")
    response = client.post("/login", data={"csrf_token": token("/login"), "username": username,
                                           "password": password})
    step = response.headers["Location"]
    response = client.post(step, data={"csrf_token": token(step), "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, "sign-in failed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--first-runs", type=int, default=3,
                        help="times the quarter's release is made (the median is printed)")
    parser.add_argument("--postgres", action="store_true",
                        help="a throw-away PostgreSQL cluster with fsync on instead of SQLite")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {__import__('sqlite3').sqlite_version}")
    with ExitStack() as stack:
        postgres = stack.enter_context(Postgres(durable=True)) if args.postgres else None
        print("database:", "PostgreSQL (fsync on)" if postgres else "SQLite", flush=True)
        for size in (int(s) for s in args.cases.split(",")):
            run_size(size, args.runs, args.first_runs, postgres)


def run_size(size: int, runs: int, first_runs: int, postgres: "Postgres | None") -> None:
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        url = postgres.create_database(f"statistics_{size}") if postgres else \
            f"sqlite:///{instance / 'complaints.db'}"
        began = time.perf_counter()
        login = build(url, instance, size)
        built = time.perf_counter() - began
        os.environ["BENCH_LOGIN"] = ":".join(login)
        figures = measure(runs, first_runs)
        print(f"{size:>9,} cases over {YEARS} years (built in {built:.0f} s), GET /statistics:\n"
              f"    first view after a quarter ended (counts, audits, freezes its release): "
              f"{figures['first'] * 1000:.0f} ms (median of, in order: "
              f"{', '.join(f'{t * 1000:.0f}' for t in figures['first_all'])})\n"
              f"    first view of an ordinary day (nothing due): {figures['day'] * 1000:.0f} ms\n"
              f"    later views: median {figures['median'] * 1000:.0f} ms, max {figures['max'] * 1000:.0f} ms",
              flush=True)
        print(f"    once, after an upgrade: every release of {YEARS} years made at the first view: "
              f"{catch_up():.1f} s", flush=True)


if __name__ == "__main__":
    main()
