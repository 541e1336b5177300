"""The TLS reverse proxy of the deployment guide, for real: nginx with the shipped site in front
of two gunicorn instances started as the shipped systemd unit starts them, on PostgreSQL and
Redis. Each test checks one promise the site file or the guide makes."""
from __future__ import annotations

import http.client
import re
import ssl
from typing import Iterator

import pytest

from tests.system.proxy import SITE, Nginx, UnitGunicorn
from tests.system.servers import ServerMissing, complaints_env, prepare_instance

CLIENT_ADDRESS = "127.0.0.3"  # the test client's own source address, to look for in logs


class Proxied:
    def __init__(self, nginx: Nginx, a: UnitGunicorn, b: UnitGunicorn):
        self.nginx, self.a, self.b = nginx, a, b
        self.context = ssl.create_default_context(cafile=str(nginx.cert))

    def https(self, method: str, path: str, body: bytes | None = None,
              headers: dict | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPSConnection("127.0.0.1", self.nginx.https_port,
                                                 context=self.context, timeout=60,
                                                 source_address=(CLIENT_ADDRESS, 0))
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response, data

    def direct(self, instance: UnitGunicorn, path: str, headers: dict | None = None) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=30)
        connection.request("GET", path, headers=headers or {})
        status = connection.getresponse().status
        connection.close()
        return status


@pytest.fixture(scope="module")
def proxied(postgres, redis_server, tmp_path_factory) -> Iterator[Proxied]:
    root = tmp_path_factory.mktemp("tls")
    url = postgres.create_database("complaints_tls")
    # The test client plays an outside machine whose own traffic to gunicorn must never be
    # believed about addresses; metrics are open to a monitoring network it is not in.
    env = complaints_env(root / "instance", url, redis_server.url,
                         COMPLAINTS_METRICS_ALLOW="10.0.0.0/8")
    env.pop("COMPLAINTS_TRUSTED_PROXIES")  # the unit sets it, with its proxy address
    prepare_instance(env)
    with UnitGunicorn("a", env, root) as a, UnitGunicorn("b", env, root) as b:
        (root / "nginx").mkdir()
        try:
            nginx = Nginx(root / "nginx", [a.port, b.port])
        except ServerMissing as missing:
            pytest.skip(str(missing))
        with nginx:
            yield Proxied(nginx, a, b)


def test_plain_http_is_sent_to_https(proxied):
    connection = http.client.HTTPConnection("127.0.0.1", proxied.nginx.http_port, timeout=10)
    connection.request("GET", "/report")
    response = connection.getresponse()
    assert response.status == 301 and response.headers["Location"].startswith("https://")


def test_https_answers_with_hsts_and_secure_cookies(proxied):
    response, body = proxied.https("GET", "/report")
    assert response.status == 200 and b"csrf_token" in body
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.get_all("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)


def test_a_report_filed_in_a_browser_through_the_proxy(proxied, playwright_driver):
    """The same door as a person: Chromium over HTTPS. Every form used to answer "This form has
    expired" over HTTPS (Flask-WTF wanted a Referer our no-referrer pages never send)."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP complaints.test 127.0.0.1"])
    try:
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(f"{proxied.nginx.base}/report")
        page.get_by_label("Sexual harassment: unwanted touching").check()
        page.get_by_label("Tell us what happened, in your own words").fill("Filed through TLS.")
        page.get_by_label("A formal investigation").check()
        page.get_by_role("button", name="Send my report").click()
        assert page.locator(".receipt").inner_text().strip()
        assert page.url.startswith("https://")
        context.close()
    finally:
        browser.close()


def test_a_forged_forwarded_address_straight_to_gunicorn_changes_nothing(proxied):
    # Metrics are open to 10.0.0.0/8 only. A client that can reach gunicorn directly and claims
    # to be 10.1.2.3 is still itself: its peer address is not the proxy's (127.0.0.2).
    for instance in (proxied.a, proxied.b):
        assert proxied.direct(instance, "/metrics") == 404
        assert proxied.direct(instance, "/metrics", {"X-Forwarded-For": "10.1.2.3"}) == 404
        assert proxied.direct(instance, "/metrics", {"Forwarded": "for=10.1.2.3"}) == 404
    # Through the proxy, what the client claims is replaced by its real address; and the
    # proxy never serves metrics to the outside at all.
    response, _ = proxied.https("GET", "/metrics", headers={"X-Forwarded-For": "10.1.2.3"})
    assert response.status == 404


def test_upload_limits_agree_and_the_person_reads_the_apps_page(proxied):
    from complaints.config import SETTINGS

    limit_mb = SETTINGS["MAX_REQUEST_MB"][1]
    assert re.search(rf"client_max_body_size {limit_mb}m;", SITE.read_text())
    assert re.search(rf"client_body_buffer_size {limit_mb}m;", SITE.read_text())
    limit = limit_mb * 1024 * 1024
    boundary = "----limit"
    def body(size: int) -> bytes:
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
                f"filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        return head + b"\0" * (size - len(head) - len(tail)) + tail
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}

    under, _ = proxied.https("POST", "/report", body(limit - 1024), headers)
    # It reached the app, which refused it for its own reasons (no form token), not nginx.
    assert under.status == 400 and "Content-Security-Policy" in under.headers

    over, page = proxied.https("POST", "/report", body(limit + 1024), headers)
    assert over.status == 413 and "Content-Security-Policy" in over.headers
    assert b"larger than we accept" in page
    # Bodies were buffered in memory: no clear-text temporary file was ever left on disk.
    assert not any((proxied.nginx.folder / "body").rglob("*"))


def test_no_component_logs_the_client_address(proxied):
    for path in ("/", "/report", "/no-such-page", "/track?receipt=ABCD"):
        proxied.https("GET", path)
    proxied.https("POST", "/report", b"x" * 10, {"Content-Type": "text/plain"})
    logs = proxied.nginx.logs() + proxied.a.log() + proxied.b.log()
    assert "GET /report 200" in logs  # the logs are there, and kept the request
    assert CLIENT_ADDRESS not in logs
    assert "ABCD" not in logs  # nor query strings
