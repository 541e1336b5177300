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
from typing import Callable, Union

import pyotp
from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "img"
CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1000, 720
Step = Callable[[Page, str], None]  # (page, base URL) -> the page is where the shot is taken
MEMORY: dict[str, str] = {}  # what one step leaves for a later one (the receipt)


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
    MEMORY["receipt"] = page.locator(".receipt").inner_text().strip()


def follow_the_report(page: Page, base: str) -> None:
    page.goto(f"{base}/track")
    page.fill("#receipt", MEMORY["receipt"])
    go(page, "form.stacked button[type=submit]")


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


def open_first_action(page: Page, base: str) -> None:
    page.locator("details.action summary").first.click()
    page.locator("details.action").first.scroll_into_view_if_needed()


def scroll_to(selector: str) -> Step:
    def step(page: Page, base: str) -> None:
        page.locator(selector).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    return step


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
    Shot("anonymous", file_a_report, "receipt.png"),
    Shot("anonymous", "/track", "track-login.png"),
    Shot("anonymous", follow_the_report, "track-case.png"),
    Shot("anonymous", "/language/sq?next=/report", "report-form-sq.png"),
    Shot("anonymous", "/login", "login.png"),
    Shot("trust", "/consultations", "trust-consultations.png"),
    Shot("officer", "/cases", "officer-cases.png"),
    Shot("officer", case_in_state("triage"), "officer-case.png"),
    Shot("officer", case_in_state("triage"), "officer-case-action.png", prepare=open_first_action),
    Shot("decision", case_in_state("decision_pending"), "decision-case.png", prepare=open_first_action),
    Shot("officer", "/notifications", "officer-notifications.png"),
    Shot("officer", case_in_state("decision_pending"), "officer-next-step.png", prepare=scroll_to("#h-actions")),
    Shot("officer", message_preview, "officer-message-preview.png"),
    Shot("officer", risk_form, "officer-risk.png"),
    Shot("officer", recusal, "officer-recuse.png"),
    Shot("coordinator", "/register", "coordinator-register.png"),
    Shot("coordinator", first_row("/register?state=submitted"), "coordinator-assign.png"),
    Shot("coordinator", "/notifications", "coordinator-notifications.png"),
    Shot("coordinator", end_assignment, "coordinator-end-assignment.png"),
    Shot("gem", "/statistics", "gem-statistics.png"),
    Shot("gem", "/statistics/report", "gem-quarterly-report.png"),
    Shot("auditor", "/audit", "auditor-log.png"),
    Shot("admin", "/admin/accounts", "admin-accounts.png"),
    Shot("admin", "/admin/accounts/new", "admin-new-account.png"),
    Shot("admin", "/admin/units", "admin-units.png"),
]


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
    if page.url.endswith("/login/enrol") and not (IMAGES / "enrol.png").exists():
        page.screenshot(path=str(IMAGES / "enrol.png"))
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
                    if shot.role != "anonymous":
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
        port = free_port()
        server = serve(instance, port)
        try:
            (IMAGES / "enrol.png").unlink(missing_ok=True)
            take(shots, f"http://127.0.0.1:{port}", accounts)
            optimise(sorted(IMAGES.glob("*.png")))
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
