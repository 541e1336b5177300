"""Take the manual's screenshots from a fresh demo instance, so they always show the current pages.

    .venv/bin/python docs/manual/screenshots.py            # every shot
    .venv/bin/python docs/manual/screenshots.py officer    # only the shots of these roles

It builds a demo instance in a temporary folder (`complaints demo`), starts it with
`complaints run` on a free loopback port, signs in as each role in headless Chromium
(Debian's /usr/bin/chromium, never a downloaded browser) and writes PNGs into
docs/manual/img/. To add a page to the manual, add a Shot to SHOTS: the role that sees it,
the path (or a function that gets there), and the file name.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Union

import pyotp
from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "img"
CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1000, 720
Step = Callable[[Page, str], None]  # (page, base URL) -> the page is where the shot is taken
MEMORY: dict[str, Any] = {}  # what one step leaves for a later one (the receipt, an account)


@dataclass(frozen=True)
class Shot:
    role: str                       # "anonymous" or a demo role (officer, coordinator, gem...)
    target: Union[str, Step]        # a path, or a function that navigates and prepares the page
    filename: str
    full_page: bool = False
    optional: bool = False          # skip quietly when the page does not exist (404) yet
    prepare: Step | None = field(default=None)  # runs after navigating to a path


# --- steps that need more than a URL --------------------------------------------------------

def go(page: Page, selector: str) -> None:
    """Click a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def open_language_menu(page: Page, base: str) -> None:
    page.click(".language-switch summary")


def report_with_errors(page: Page, base: str) -> None:
    page.goto(f"{base}/report")
    go(page, "form.report-form button[type=submit]")
    page.locator("#error-summary").scroll_into_view_if_needed()


def file_a_report(page: Page, base: str) -> None:
    page.goto(f"{base}/report")
    page.locator("input[name=category][value=SH_VERBAL]").check()
    page.fill("#narrative", "My section leader makes remarks about my body in front of the others.")
    page.locator("input[name=wants][value=formal]").check()
    go(page, "form.report-form button[type=submit]")
    MEMORY["receipt"] = page.locator(".receipt").inner_text().replace("\n", "").strip()


def statement_with_embedded_object() -> bytes:
    """A small Word document carrying an embedded object: sent as it is, and named as such."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                         'wordprocessingml/2006/main"><w:body/></w:document>')
        archive.writestr("word/embeddings/oleObject1.bin", b"an embedded spreadsheet")
    return buffer.getvalue()


def file_a_report_with_files(page: Page, base: str) -> None:
    page.goto(f"{base}/report")
    page.locator("input[name=category][value=SH_VERBAL]").check()
    page.fill("#narrative", "He sent me these messages after the exercise; the statement is attached.")
    page.locator("input[name=wants][value=formal]").check()
    page.set_input_files("#files", [{"name": "statement.docx", "buffer": statement_with_embedded_object(),
                                     "mimeType": "application/octet-stream"}])
    go(page, "form.report-form button[type=submit]")


def follow_the_report(page: Page, base: str) -> None:
    page.goto(f"{base}/track")
    page.fill("#receipt", MEMORY["receipt"])
    go(page, "form.stacked button[type=submit]")


# Steps that move the complainant's case on as staff would (the officer's own pages are shot
# separately): they act in the demo instance through the same services, in this process.
APP: dict[str, object] = {}


def staff_steps(steps: list[tuple[str, dict]]) -> None:
    import uuid

    from sqlalchemy import select

    from complaints import create_app
    from complaints.extensions import db
    from complaints.models import Assignment, User
    from complaints.services import transitions
    from complaints.services.case_access import case_id_for_receipt

    app = APP.setdefault("app", create_app({"INSTANCE": APP["instance"]}))
    with app.test_request_context():  # type: ignore[attr-defined]
        case_id = case_id_for_receipt(MEMORY["receipt"])
        staff = {}
        for capacity, username in (("intake", "demo-officer"), ("investigator", "demo-investigator"),
                                   ("decision", "demo-decision"), ("appeal", "demo-appeal")):
            user = db.session.execute(select(User).where(User.username == username)).scalar_one()
            staff[capacity] = user
            if not db.session.execute(select(Assignment).where(
                    Assignment.case_id == case_id, Assignment.user_id == user.id)).first():
                db.session.add(Assignment(id=uuid.uuid4(), case_id=case_id, user_id=user.id,
                                          capacity=capacity))
        db.session.commit()
        by_action = {"submit_report": "investigator", "decide": "decision", "deliver": "decision",
                     "decide_appeal": "appeal"}
        for action, inputs in steps:
            user = staff[by_action.get(action, "intake")]
            transitions.perform(user, case_id, action, transitions.TransitionInputs(**inputs), None)


def decision_reaches_the_complainant(page: Page, base: str) -> None:
    staff_steps([("acknowledge", {}), ("open_investigation", {}),
                 ("submit_report", {"reason": "Report of the investigation."}),
                 ("decide", {"outcome": "substantiated", "reason": "Reasons for the record.",
                             "disciplinary": "started",
                             "complainant_notice": "The section leader receives a written warning "
                                                   "and is moved to another platoon. You will not "
                                                   "share duties with him."}),
                 ("deliver", {})])
    page.goto(f"{base}/track/case")
    page.locator("#decided").scroll_into_view_if_needed()


def typed_past_the_time_limit(page: Page, base: str) -> None:
    import sqlite3

    page.goto(f"{base}/track/case")
    page.fill("#body", "I remembered the date of the exercise: it was on 12 October.")
    database = sqlite3.connect(Path(APP["instance"]) / "complaints.db")  # type: ignore[arg-type]
    database.execute("UPDATE track_sessions SET last_seen_at = datetime(last_seen_at, '-1 hour')")
    database.commit()
    database.close()
    go(page, "form[action$='/track/message'] button[type=submit]")


def mediation_offered(page: Page, base: str) -> None:
    page.goto(f"{base}/report")
    page.locator("input[name=category][value=MOBBING]").check()
    page.fill("#narrative", "My superior shouts at me in front of the others and gives me the worst duties.")
    page.locator("input[name=wants][value=informal]").check()
    page.locator("input[name=identity][value=identified]").check()
    page.fill("#name", "Ana Anić")
    page.fill("#contact", "ana.anic@example.org")
    go(page, "form.report-form button[type=submit]")
    MEMORY["receipt"] = page.locator(".receipt").inner_text().replace("\n", "").strip()
    staff_steps([("acknowledge", {}), ("propose_mediation", {})])
    follow_the_report(page, base)
    page.locator("#mediation").scroll_into_view_if_needed()


def first_row(path: str) -> Step:
    def step(page: Page, base: str) -> None:
        page.goto(f"{base}{path}")
        go(page, "table tbody a")
    return step


def case_in_state(state: str) -> Step:
    def step(page: Page, base: str) -> None:
        page.goto(f"{base}/cases?state={state}")
        go(page, "table tbody a")
    return step


def show_export(page: Page, base: str) -> None:
    page.locator("#h-export").scroll_into_view_if_needed()


def show_assign_form(page: Page, base: str) -> None:
    """The form, and below it who can hold each capacity with conflicts and open cases."""
    page.click("details.candidates summary")
    page.evaluate("() => document.getElementById('h-assign').scrollIntoView()")


def exception_waiting(page: Page, base: str) -> None:
    """Ask for an exception for someone serving in a respondent's unit (the first case where
    the assignment form marks one), then show the queue."""
    page.goto(f"{base}/register?unassigned=y")
    links = [a.get_attribute("href") for a in page.locator("table tbody a").all()][:25]
    for href in links:
        page.goto(base + href)
        for capacity in ("investigator", "intake", "decision", "mediator"):
            option = page.locator(f"select#{capacity} option", has_text="needs an approved exception")
            if option.count():
                person = option.first.get_attribute("value")
                page.select_option("#exception-capacity", capacity)
                page.select_option("#exception-user_id", person)
                page.fill("#exception-reason", "The only investigator who speaks the complainant's language.")
                go(page, "form[action$='/exception'] button[type=submit]")
                page.goto(f"{base}/register/exceptions")
                return
    page.goto(f"{base}/register/exceptions")
def idle_warning(page: Page, base: str) -> None:
    """Two minutes before the idle limit: the page's own clock jumps on (nothing waits)."""
    page.clock.install()
    case_in_state("triage")(page, base)
    page.focus("#body")
    page.keyboard.type("I will call you tomorrow morning about the shift plan.")
    page.clock.fast_forward("28:30")


def idle_for(page: Page, minutes: int) -> None:
    """The staff session as the server would see it ``minutes`` later (its clock is in the
    signed session cookie; the instance's secret key signs it again)."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    signer = Flask("screenshots")
    signer.secret_key = (Path(MEMORY["instance"]) / "secret_key").read_text(encoding="ascii").strip()
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    cookie = next(c for c in page.context.cookies() if c["name"] == "complaints_session")
    data = serializer.loads(cookie["value"])
    data["seen"] -= minutes * 60
    page.context.add_cookies([{**cookie, "value": serializer.dumps(data)}])


def kept_after_time_out(page: Page, base: str) -> None:
    """A message sent after the idle limit, put back after signing in again."""
    case_in_state("triage")(page, base)
    page.fill("#body", "I will call you tomorrow morning about the shift plan.\nThank you for your patience.")
    idle_for(page, 31)
    go(page, "form[action$='/messages'] button.primary")
    time.sleep(31 - time.time() % 30)  # a code works once: wait for the next one
    sign_in(page, base, MEMORY["officer"])


def open_first_action(page: Page, base: str) -> None:
    page.locator("details.action summary").first.click()
    page.locator("details.action").first.scroll_into_view_if_needed()


def scroll_to(selector: str, open_details: bool = False) -> Step:
    def step(page: Page, base: str) -> None:
        if open_details:
            page.locator(f"{selector} details.record-form summary").first.click()
        page.locator(selector).scroll_into_view_if_needed()
        page.evaluate(f"() => document.querySelector('{selector}').scrollIntoView()")
    return step


def record_an_oral_complaint(page: Page, base: str) -> None:
    page.goto(f"{base}/cases/received")
    page.locator("input[name=channel][value=oral]").check()
    page.select_option("#category", "MOBBING")
    page.fill("#narrative", "He says that for three months his section leader has given him every "
                            "weekend duty and mocks him at the morning briefing.")
    go(page, "form.stacked button[type=submit]")
    MEMORY["oral_receipt"] = page.locator(".receipt").inner_text().strip()


def follow_the_oral_report(page: Page, base: str) -> None:
    page.context.clear_cookies()  # another report may be open on this device
    page.goto(f"{base}/track")
    page.fill("#receipt", MEMORY["oral_receipt"])
    go(page, "form.stacked button[type=submit]")
    page.locator("#minutes").scroll_into_view_if_needed()


def message_preview(page: Page, base: str) -> None:
    case_in_state("triage")(page, base)
    page.fill("form.message-form textarea", "Thank you for your report. I am the officer handling it.\n"
              "Could you tell me who else was present that evening?")
    page.click("form.message-form button[name=preview]")
    scroll_to("#h-write")(page, base)


def risk_form(page: Page, base: str) -> None:
    case_in_state("triage")(page, base)
    page.click("#risk summary")
    scroll_to("#h-risk")(page, base)


def recusal(page: Page, base: str) -> None:
    case_in_state("triage")(page, base)
    go(page, "a[href$='/recuse']")


def end_assignment(page: Page, base: str) -> None:
    first_row("/register?state=formal_investigation")(page, base)
    go(page, "a[href$='/end']")


SHOTS: list[Shot] = [
    Shot("anonymous", "/", "home.png"),
    Shot("anonymous", "/", "language-switcher.png", prepare=open_language_menu),
    Shot("anonymous", "/report", "report-form.png"),
    Shot("anonymous", report_with_errors, "report-errors.png"),
    Shot("anonymous", file_a_report_with_files, "receipt-not-cleaned.png", full_page=True),
    Shot("anonymous", file_a_report, "receipt.png"),
    Shot("anonymous", "/track", "track-login.png"),
    Shot("anonymous", follow_the_report, "track-case.png"),
    Shot("anonymous", decision_reaches_the_complainant, "track-decision.png"),
    Shot("anonymous", typed_past_the_time_limit, "track-time-out.png"),
    Shot("anonymous", mediation_offered, "track-mediation.png"),
    Shot("anonymous", "/language/sq?next=/report", "report-form-sq.png"),
    Shot("anonymous", "/login", "login.png"),
    Shot("trust", "/consultations", "trust-consultations.png"),
    Shot("officer", "/cases", "officer-cases.png"),
    Shot("officer", case_in_state("triage"), "officer-case.png"),
    Shot("officer", case_in_state("triage"), "officer-case-action.png", prepare=open_first_action),
    Shot("officer", case_in_state("triage"), "officer-deadlines.png", prepare=scroll_to("#procedure")),
    Shot("officer", case_in_state("triage"), "officer-parties.png", prepare=scroll_to("#parties", True)),
    Shot("officer", "/cases/received", "officer-received.png"),
    Shot("officer", record_an_oral_complaint, "officer-received-done.png"),
    Shot("anonymous", follow_the_oral_report, "track-minutes.png"),
    Shot("investigator", case_in_state("formal_investigation"), "investigator-hearings.png",
         prepare=scroll_to("#hearings")),
    Shot("officer", idle_warning, "officer-time-limit.png"),
    Shot("officer", kept_after_time_out, "officer-continue.png"),
    Shot("decision", case_in_state("decision_pending"), "decision-case.png", prepare=open_first_action),
    Shot("officer", case_in_state("triage"), "officer-export.png", prepare=show_export),
    Shot("officer", "/cases?overdue=y&sort=received&dir=desc", "officer-cases-filtered.png"),
    Shot("coordinator", "/register", "coordinator-register.png"),
    Shot("coordinator", "/register?unassigned=y&new=y", "coordinator-register-filtered.png"),
    Shot("coordinator", first_row("/register?unassigned=y"), "coordinator-assign.png", prepare=show_assign_form),
    Shot("coordinator", "/register/workload", "coordinator-workload.png"),
    Shot("coordinator", exception_waiting, "coordinator-exceptions.png"),
    Shot("officer", "/notifications", "officer-notifications.png"),
    Shot("officer", case_in_state("decision_pending"), "officer-next-step.png", prepare=scroll_to("#h-actions")),
    Shot("officer", message_preview, "officer-message-preview.png"),
    Shot("officer", risk_form, "officer-risk.png"),
    Shot("officer", recusal, "officer-recuse.png"),
    Shot("coordinator", "/notifications", "coordinator-notifications.png"),
    Shot("coordinator", end_assignment, "coordinator-end-assignment.png"),
    Shot("gem", "/statistics", "gem-statistics.png"),
    Shot("gem", "/statistics/annual", "gem-annual-report.png"),
    Shot("auditor", "/audit", "auditor-log.png"),
    Shot("admin", "/admin/accounts", "admin-accounts.png"),
    Shot("admin", "/admin/accounts/new", "admin-new-account.png"),
    Shot("admin", "/admin/units", "admin-units.png"),
    Shot("newcomer", lambda page, base: page.goto(base + INVITATION["path"]), "enrol.png"),
    Shot("officer", "/account/security", "account-security.png"),
]

INVITATION: dict[str, str] = {}  # the path of a demo newcomer's invitation link (main)


# --- the demo instance ------------------------------------------------------------------------

def complaints_command() -> list[str]:
    script = Path(sys.executable).with_name("complaints")
    return [str(script)] if script.exists() else [sys.executable, "-m", "complaints.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_demo(instance: Path) -> dict[str, tuple[str, str, str]]:
    """Run `complaints demo`; returns role -> (user name, password, TOTP secret) of the first account."""
    env = {**os.environ, "COMPLAINTS_INSTANCE": str(instance), "COMPLAINTS_LANGUAGE": "en"}
    output = subprocess.run([*complaints_command(), "demo", "--cases", "80"], env=env, check=True,
                            capture_output=True, text=True).stdout
    accounts: dict[str, tuple[str, str, str]] = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].startswith("otpauth://"):
            secret = re.search(r"secret=([A-Z2-7]+)", parts[3]).group(1)  # type: ignore[union-attr]
            accounts.setdefault(parts[0], (parts[1], parts[2], secret))
    return accounts


def invite_newcomer(instance: Path) -> str:
    """`complaints users add` for one more officer: the invitation link's path (the role
    waits for the administrator's approval, which the accounts page then shows)."""
    env = {**os.environ, "COMPLAINTS_INSTANCE": str(instance), "COMPLAINTS_BASE_URL": "http://x"}
    output = subprocess.run([*complaints_command(), "users", "add", "demo-newcomer", "--role", "officer",
                             "--display-name", "Nadia Newcomer"], env=env, check=True,
                            capture_output=True, text=True).stdout
    return re.search(r"http://x(/welcome\?t=[\w-]+)", output).group(1)  # type: ignore[union-attr]


def serve(instance: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "COMPLAINTS_INSTANCE": str(instance)}
    server = subprocess.Popen([*complaints_command(), "run", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the demo instance did not start")


def sign_in(page: Page, base: str, account: tuple[str, str, str]) -> None:
    username, password, secret = account
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    page.fill("#code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")


def take(shots: list[Shot], base: str, accounts: dict[str, tuple[str, str, str]]) -> None:
    IMAGES.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        contexts = {}
        try:
            for shot in shots:
                if shot.role not in contexts:
                    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT},
                                                  locale="en-GB")
                    page = context.new_page()
                    if shot.role not in ("anonymous", "newcomer"):
                        sign_in(page, base, accounts[shot.role])
                    contexts[shot.role] = page
                page = contexts[shot.role]
                if isinstance(shot.target, str):
                    response = page.goto(base + shot.target)
                    if shot.optional and response is not None and response.status == 404:
                        print(f"skipped {shot.filename}: {shot.target} does not exist here")
                        continue
                else:
                    shot.target(page, base)
                if shot.prepare is not None:
                    shot.prepare(page, base)
                page.screenshot(path=str(IMAGES / shot.filename), full_page=shot.full_page)
                if isinstance(shot.target, str) and shot.target.startswith("/language/"):
                    page.goto(f"{base}/language/en?next=/")  # back to English for the next shots
                print(f"wrote img/{shot.filename}")
        finally:
            browser.close()


def optimise(paths: list[Path]) -> None:
    """Shrink the PNGs with Debian's pngquant and optipng when installed (apt install pngquant
    optipng); screen text stays sharp with a 256-colour palette."""
    import shutil

    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--strip", "--ext", ".png",
                        "--quality", "70-95", *map(str, paths)], check=False)
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", "-strip", "all", *map(str, paths)], check=False)


def main(roles: list[str]) -> int:
    shots = [s for s in SHOTS if not roles or s.role in roles]
    with tempfile.TemporaryDirectory(prefix="complaints-screenshots-") as folder:
        instance = Path(folder) / "instance"
        print("building the demo instance...")
        accounts = build_demo(instance)
        INVITATION["path"] = invite_newcomer(instance)
        APP["instance"] = str(instance)
        MEMORY["instance"] = str(instance)
        MEMORY["officer"] = accounts["officer"]
        port = free_port()
        server = serve(instance, port)
        try:
            take(shots, f"http://127.0.0.1:{port}", accounts)
            optimise(sorted(IMAGES.glob("*.png")))
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
