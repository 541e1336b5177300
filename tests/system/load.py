"""Many anonymous visitors at once against the running stack: each files a report (some
with a file), opens it with the receipt on the other instance and sends a follow-up.
Used by tests/system/test_load.py (bounded) and bench/load.py (bigger, prints figures).

Each visitor has its own address (X-Forwarded-For, as the reverse proxy would send), so the
per-address rate limits stay in force without refusing the load itself.
"""
from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from tests.system.webclient import Browser, file_report, open_case


@dataclass
class Visit:
    marker: str
    receipt: str = ""
    followed_up: bool = False
    with_file: bool = False
    statuses: list[int] = field(default_factory=list)
    error: str = ""


def visitor_address(number: int) -> str:
    return f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"


def one_visit(number: int, bases: tuple[str, str]) -> Visit:
    visit = Visit(marker=f"load-{uuid.uuid4().hex}", with_file=number % 3 == 0)
    first, second = bases[number % 2], bases[(number + 1) % 2]
    browser = Browser(first, forwarded_for=visitor_address(number + 1))
    try:
        files = [("files", f"evidence-{number}.txt", f"evidence {visit.marker}\n".encode() * 50)] \
            if visit.with_file else []
        visit.receipt = file_report(browser, f"What happened: {visit.marker}", files)
        browser.cookies.clear()
        browser.base = second
        opened = open_case(browser, visit.receipt)
        visit.statuses.append(opened.status)
        page = browser.get("/track/case")
        visit.statuses.append(page.status)
        if visit.marker not in page.text:
            raise AssertionError("the case page does not show the report")
        sent = browser.post("/track/message", {"csrf_token": page.csrf(),
                                                "body": f"Follow-up {visit.marker}"})
        visit.statuses.append(sent.status)
        visit.followed_up = sent.status == 302
    except Exception as error:  # recorded and reported by the caller, never swallowed
        visit.error = f"{type(error).__name__}: {error}"[:300]
    return visit


@dataclass
class LoadResult:
    visits: list[Visit]
    seconds: float

    @property
    def accepted(self) -> list[Visit]:
        return [v for v in self.visits if v.receipt]

    @property
    def errors(self) -> list[str]:
        return [v.error for v in self.visits if v.error]


def run_load(bases: tuple[str, str], visitors: int, concurrency: int, timeout: float) -> LoadResult:
    started = time.perf_counter()
    visits: list[Visit] = []
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(one_visit, n, bases) for n in range(visitors)]
        for future in as_completed(futures, timeout=timeout):
            visits.append(future.result())
    return LoadResult(visits, time.perf_counter() - started)


def check_database(instance: str, database_url: str, accepted: list[Visit]) -> dict[str, int]:
    """Open every accepted case from the database, as the app would, and count.

    Raises AssertionError when a case is missing, twice, wrong, or the audit log is broken.
    """
    from sqlalchemy import func, select

    from complaints import audit, create_app
    from complaints.extensions import db
    from complaints.instance import keyring
    from complaints.models import Attachment, AuditEntry, Case, Message
    from complaints.services.case_access import case_id_for_receipt, open_for_complainant

    app = create_app({"INSTANCE": instance, "DATABASE_URL": database_url,
                      "RATELIMIT_STORAGE": "memory://"})
    try:
        with app.app_context():
            case_ids = set()
            for visit in accepted:
                case_id = case_id_for_receipt(visit.receipt)
                assert case_id is not None, f"receipt of {visit.marker} opens nothing"
                assert case_id not in case_ids, f"two receipts open {case_id}"
                case_ids.add(case_id)
                content = open_for_complainant(case_id, "load check")
                assert visit.marker in content.fields["narrative"]
                bodies = [m.body for m in content.messages]
                expected = [f"Follow-up {visit.marker}"] if visit.followed_up else []
                assert bodies == expected, f"{visit.marker}: messages {bodies}"
                assert len(content.attachments) == int(visit.with_file)
            markers = [visit.marker for visit in accepted]
            assert len(set(markers)) == len(markers)
            counts = {
                "cases": db.session.execute(select(func.count()).select_from(Case)).scalar_one(),
                "messages": db.session.execute(select(func.count()).select_from(Message)).scalar_one(),
                "attachments": db.session.execute(select(func.count()).select_from(Attachment)).scalar_one(),
                "submit entries": db.session.execute(select(func.count()).select_from(AuditEntry)
                                                     .where(AuditEntry.action == "case.submit")).scalar_one(),
            }
            verification = audit.verify(db.session, keyring().audit_key)
            assert verification.ok, verification.describe()
            counts["audit entries"] = verification.entries
            db.session.commit()
            return counts
    finally:
        from complaints.extensions import db as database

        database.session.remove()
        if database.engine is not None:
            database.engine.dispose()
