"""A small browser for real HTTP servers (standard library only): one cookie jar, CSRF
tokens read from the page, multipart forms, no redirects followed.

``forwarded_for`` plays the reverse proxy: it sends X-Forwarded-For, which the app trusts
with COMPLAINTS_TRUSTED_PROXIES=1, so one load client can be many visitors.
``source`` binds the client socket to a loopback address of our choice (127.0.0.3), so a
test can look for that address in the server's logs.
"""
from __future__ import annotations

import http.client
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
RECEIPT = re.compile(r'class="receipt"[^>]*>(.*?)</dd>', re.S)
CHALLENGE = re.compile(r'name="proof_challenge" type="hidden" value="([^"]+)"')


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    text: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def csrf(self) -> str:
        match = CSRF.search(self.text)
        if not match:
            raise AssertionError(f"no CSRF token on the page (status {self.status})")
        return match.group(1)

    def challenge(self) -> str:
        match = CHALLENGE.search(self.text)
        if not match:
            raise AssertionError(f"no proof-of-work challenge on the page (status {self.status})")
        return match.group(1)

    def proof(self) -> dict[str, str]:
        """The form's proof of work, solved as the browser's script does while a person writes."""
        from complaints.proof import Challenge, solve

        token = self.challenge()
        _, purpose, issued, bits, salt, _ = token.split(".")
        return {"proof_challenge": token,
                "proof_nonce": solve(Challenge(purpose, int(issued), int(bits), salt, token))}


@dataclass
class Browser:
    base: str
    forwarded_for: str | None = None
    source: str | None = None
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Page:
        url = urlsplit(self.base)
        connection = http.client.HTTPConnection(
            url.hostname, url.port, timeout=self.timeout,
            source_address=(self.source, 0) if self.source else None)
        all_headers = {"Host": url.netloc, "User-Agent": "complaints-load"}
        if self.forwarded_for:
            all_headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self._keep(cookie)
        return Page(response.status, {k.lower(): v for k, v in response.getheaders()}, text, seconds)

    def _keep(self, header: str) -> None:
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        expired = re.search(r"(?i)max-age=0|expires=thu, 01 jan 1970", header)
        if expired or not value:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str] | list[tuple[str, str]],
             files: list[tuple[str, str, bytes]] = ()) -> Page:
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request("POST", path, body, {"Content-Type": content_type})


def multipart(fields: dict[str, str] | list[tuple[str, str]],
              files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of a multipart/form-data form; files are (field, name, data)."""
    boundary = "----complaints" + secrets.token_hex(12)
    items = fields.items() if isinstance(fields, dict) else fields
    parts = []
    for name, value in items:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     .encode() + str(value).encode() + b"\r\n")
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def report_fields(token: str, narrative: str, proof: dict[str, str] | None = None) -> dict[str, str]:
    """The report form as a person filling it in anonymously would send it (``proof``: the
    solved proof of work of the page the token came from)."""
    return {"csrf_token": token, "category": "SH_VERBAL", "narrative": narrative,
            "wants": "formal", "identity": "anonymous", "respondent_relation": "superior",
            "protection_needed": "no", "unit_group": "land_forces", "respondent_rank_band": "nco",
            **(proof or {})}


def receipt_on(page: Page) -> str:
    match = RECEIPT.search(page.text)
    if not match:
        raise AssertionError("no receipt on the receipt page")
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def file_report(browser: Browser, narrative: str, files: list[tuple[str, str, bytes]] = ()) -> str:
    """File one anonymous report; returns the receipt shown once."""
    form = browser.get("/report")
    sent = browser.post("/report", report_fields(form.csrf(), narrative, form.proof()), files)
    if sent.status != 302 or not sent.location.endswith("/report/sent"):
        raise AssertionError(f"report refused: {sent.status} {sent.text[:300]}")
    return receipt_on(browser.get("/report/sent"))


def open_case(browser: Browser, receipt: str) -> Page:
    form = browser.get("/track")
    return browser.post("/track", {"csrf_token": form.csrf(), "receipt": receipt, **form.proof()})
