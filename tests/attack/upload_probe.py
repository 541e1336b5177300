"""Send one file to /report in a fresh process and say what it cost.

``python -m tests.attack.upload_probe FILE`` builds a throw-away instance (SQLite, fresh
keys), posts an anonymous report with FILE through the Flask test client, and prints JSON:
the status, the seconds the request took and the CPU seconds it used (with the checker's),
how far this process's peak memory grew, the
peak memory of any checker process it started, whether the typed text came back, and the
error messages shown. Run in its own process so no other test's memory is counted.
"""
from __future__ import annotations

import json
import re
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

NARRATIVE = "My text must survive PROBE-TEXT-7c1"


def _cpu() -> float:
    """CPU seconds used by this process and its finished children (the checker)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(path: str, name: str) -> None:
    from complaints import create_app
    from complaints.crypto import Keyring
    from complaints.migrate import upgrade_database

    data = Path(path).read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        (instance / "attachments").mkdir(parents=True)
        url = f"sqlite:///{folder}/probe.db"
        upgrade_database(url)
        app = create_app({"TESTING": True, "INSTANCE": str(instance), "DATABASE_URL": url,
                          "SECRET_KEY": uuid.uuid4().hex, "KEYS": Keyring.generate().to_json(),
                          "RATELIMIT_STORAGE": "memory://"})
        client = app.test_client()
        page = client.get("/report").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        from tests.web.conftest import solved_proof  # the browser's proof of work, solved first

        form = {"csrf_token": token, **solved_proof(page), "category": "SH_VERBAL", "narrative": NARRATIVE, "wants": "formal",
                "identity": "anonymous", "respondent_relation": "superior", "protection_needed": "no",
                "files": [(__import__("io").BytesIO(data), name)]}
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu_before = _cpu()
        started = time.monotonic()
        response = client.post("/report", data=form, content_type="multipart/form-data")
        seconds = time.monotonic() - started
        cpu = _cpu() - cpu_before
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        text = response.get_data(as_text=True)
        print(json.dumps({
            "status": response.status_code, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "growth_mb": round((after - before) / 1024, 1), "checker_mb": round(children / 1024, 1),
            "text_kept": "PROBE-TEXT-7c1" in text,
            "errors": re.findall(r'class="error-message"[^>]*>(.*?)</', text, re.S),
            "location": response.headers.get("Location", ""),
        }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "evidence")
