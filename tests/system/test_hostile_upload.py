"""The report's hostile DOCX over a real socket to the production set-up (gunicorn workers,
PostgreSQL, Redis): refused with a clear message using under 5 seconds of the server's CPU
(the worker's and its checker's), and the worker's peak memory grows by less than 200 MB (before the fix: 2 GiB and a minute, and accepted)."""
from __future__ import annotations

import html
import os
from pathlib import Path

from tests.attack import hostile_files as hostile
from tests.system.webclient import Browser, report_fields

MB = 1024 * 1024


def peak_memory(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def cpu_seconds(pid: int) -> float:
    """CPU time of a worker and its finished children (the checker), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def test_the_bzip2_docx_is_refused_quickly_over_a_socket(running_stack):
    server = running_stack.a
    workers = server.worker_pids()
    before = {pid: peak_memory(pid) for pid in workers}
    cpu_before = sum(cpu_seconds(pid) for pid in workers)
    browser = Browser(server.base, forwarded_for="198.51.100.90")
    form = browser.get("/report")
    sent = browser.post("/report", report_fields(form.csrf(), "Socket bomb check, my text stays",
                                                 form.proof()),
                        [("files", "evidence.docx", hostile.docx_bzip2_bomb())])
    page = html.unescape(sent.text)
    assert sent.status == 400
    assert "“evidence.docx”: This file holds far more data than its size suggests" in page
    assert "Socket bomb check, my text stays" in page
    used = sum(cpu_seconds(pid) for pid in workers) - cpu_before
    assert used < 5.0 and sent.seconds < 20, (used, sent.seconds)  # wall: the machine may be busy
    growth = max(peak_memory(pid) - before[pid] for pid in workers)
    assert growth < 200 * MB, growth / MB
