"""Health and metrics: what an operator's monitoring reads, and what it must never read."""
from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta, timezone


from complaints import create_app
from complaints.extensions import db
from complaints.models import Deadline
from tests.factories import assign, make_case, make_staff

ALLOWED = {"REMOTE_ADDR": "10.9.8.7"}


def test_healthz_says_ok_and_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {
        "database": "ok", "keys": "ok", "attachments": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_names_an_attachment_store_that_cannot_be_written(app, client):
    folder = app.config["ATTACHMENTS_DIR"]
    shutil.rmtree(folder)
    open(folder, "w").close()  # a file where the folder should be: nothing can be written
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "keys": "ok", "attachments": "failed"}


def test_healthz_names_a_database_that_does_not_answer(app_config, tmp_path):
    broken = dict(app_config, DATABASE_URL=f"sqlite:///{tmp_path}/no/such/folder/x.db")
    client = create_app(broken).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "failed"
    assert response.get_json()["checks"]["keys"] == "failed"


def test_healthz_fails_with_a_key_ring_that_does_not_open_the_data(app, app_config, keyring):
    """A key file whose KEK has the right name but the wrong bytes (a damaged or swapped file)
    passes the start-up check of names; the health check opens a key and notices."""
    from complaints.crypto import Keyring

    with app.app_context():
        from complaints.services.system_key import system_cipher

        system_cipher()
        db.session.commit()
    damaged = Keyring({kid: os.urandom(32) for kid in keyring.keks}, keyring.active_id,
                      keyring.index_key, keyring.audit_key)
    other = dict(app_config, KEYS=damaged.to_json())
    client = create_app(other).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["checks"]["keys"] == "failed"


def test_metrics_are_closed_unless_an_address_is_allowed(app_config):
    client = create_app(app_config).test_client()
    assert client.get("/metrics", environ_base=ALLOWED).status_code == 404
    allowed = create_app(dict(app_config, METRICS_ALLOW="10.0.0.0/8")).test_client()
    assert allowed.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 404
    assert allowed.get("/metrics", environ_base=ALLOWED).status_code == 200


def test_a_forged_forwarded_address_from_outside_opens_nothing(app_config):
    """Only a configured proxy's X-Forwarded-For is believed: a client sending its own header
    straight to the app is still itself."""
    client = create_app(dict(app_config, METRICS_ALLOW="10.0.0.0/8", TRUSTED_PROXIES=1,
                             PROXY_ADDRESSES="127.0.0.1")).test_client()
    forged = {"X-Forwarded-For": "10.9.8.7"}
    assert client.get("/metrics", headers=forged,
                      environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 404
    # The same header from the proxy's address is the real client's address.
    assert client.get("/metrics", headers=forged,
                      environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200


def test_metrics_count_requests_by_endpoint_and_the_caseload_without_content(app_config, monkeypatch):
    # One process here (gunicorn's several workers are the next test): a folder for workers'
    # counts left in the environment by another test must not stand in for this process's.
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    app = create_app(dict(app_config, METRICS_ALLOW="10.0.0.0/8"))
    with app.app_context():
        officer = make_staff("olga", ["officer"])
        open_case, receipt = make_case(narrative="CANARY-metrics-narrative")
        assign(open_case, officer, "intake")
        make_case()  # nobody assigned
        db.session.add(Deadline(case_id=open_case.id, kind="triage",
                                due_at=datetime.now(timezone.utc) - timedelta(days=2)))
        db.session.commit()
        reference, case_id = open_case.reference, str(open_case.id)
    client = app.test_client()
    home = 'complaints_http_requests_total{endpoint="public.home",method="GET",status="2xx"}'

    def home_count(text: str) -> float:  # counters live for the process, across tests
        match = re.search(re.escape(home) + r" ([0-9.]+)", text)
        return float(match.group(1)) if match else 0.0

    before = home_count(client.get("/metrics", environ_base=ALLOWED).get_data(as_text=True))
    client.get("/")
    client.get(f"/cases/{case_id}")  # a path with a case id: counted under its endpoint only
    client.get("/report")
    text = client.get("/metrics", environ_base=ALLOWED).get_data(as_text=True)

    assert home_count(text) == before + 1
    assert 'endpoint="public.report"' in text
    assert "complaints_http_request_duration_seconds_bucket" in text
    assert re.search(r"^complaints_cases_open 2\.0$", text, re.M)
    assert re.search(r"^complaints_cases_unacknowledged 2\.0$", text, re.M)
    assert re.search(r"^complaints_cases_unassigned 1\.0$", text, re.M)
    # Both cases' acknowledgement deadlines are still ahead; the triage one is two days late.
    assert re.search(r"^complaints_deadlines_overdue 1\.0$", text, re.M)
    for secret in (case_id, case_id.replace("-", ""), reference, receipt,
                   "CANARY-metrics-narrative", "10.9.8.7", "/cases/"):
        assert secret not in text


def test_metrics_of_several_workers_are_added_up(app_config, tmp_path, monkeypatch):
    """gunicorn's workers write their counts into PROMETHEUS_MULTIPROC_DIR; a scrape, whichever
    worker answers it, reports the sum (here: this process plus a finished one)."""
    import subprocess
    import sys

    folder = tmp_path / "metrics"
    folder.mkdir()
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(folder))
    other_worker = ("from prometheus_client import Counter\n"
                    "c = Counter('complaints_http_requests_total', 'x', ['endpoint', 'method', 'status'])\n"
                    "c.labels('public.home', 'GET', '2xx').inc(3)\n")
    subprocess.run([sys.executable, "-c", other_worker], env=env, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    from complaints import metrics

    app = create_app(dict(app_config, METRICS_ALLOW="10.0.0.0/8"))
    body, _ = metrics.exposition(app)
    assert re.search(rb'complaints_http_requests_total\{endpoint="public.home",method="GET",'
                     rb'status="2xx"\} 3\.0', body)
