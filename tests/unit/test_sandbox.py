"""The sandboxed checker: a file that needs more memory or time than allowed is refused and
costs the web process nothing; the next file gets a fresh child; the child can't write files."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from complaints.metadata import Checker, UnsupportedFile, sandbox_memory
from complaints.metadata.limits import SANDBOX_MEMORY


def big_png(megabytes: int) -> bytes:
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = (1000).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", bytes(megabytes * 1024 * 1024))
            + chunk(b"IEND", b""))


def test_a_file_needing_more_memory_than_allowed_is_refused_and_the_next_gets_a_new_child():
    with Checker(60, memory=8 * 1024 * 1024) as checker:
        with pytest.raises(UnsupportedFile) as refused:
            checker.check(big_png(40), False)
        assert refused.value.code == "bomb"
        assert checker.check(b"plain notes", False).content_type == "text/plain"


def test_a_request_out_of_time_refuses_what_is_left():
    with Checker(4, wall_seconds=0.05) as checker:
        time.sleep(0.1)
        with pytest.raises(UnsupportedFile) as refused:
            checker.check(b"plain notes", False)
        assert refused.value.code == "time"
        with pytest.raises(UnsupportedFile):
            checker.check(b"more notes", False)  # the request's time is spent


def test_the_child_is_stopped_by_the_kernel_at_its_cpu_limit():
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", (
        "from complaints.metadata.worker import limit_myself; limit_myself(1)\nwhile True: pass")],
        capture_output=True, timeout=60)
    assert done.returncode in (-24, -9)  # SIGXCPU, or SIGKILL at the hard limit
    assert time.monotonic() - started < 30


def test_the_child_cannot_write_files(tmp_path):
    target = tmp_path / "written"
    done = subprocess.run([sys.executable, "-c", (
        "from complaints.metadata.worker import limit_myself; limit_myself(5); "
        f"f = open({str(target)!r}, 'wb', buffering=0); f.write(b'clear bytes')")],
        capture_output=True, timeout=60)
    assert done.returncode != 0 and b"File too large" in done.stderr
    assert not target.exists() or target.read_bytes() == b""  # created at most, never written


def test_memory_grows_with_the_upload_limit_an_administrator_sets():
    assert sandbox_memory(20 * 1024 * 1024) == SANDBOX_MEMORY
    assert sandbox_memory(100 * 1024 * 1024) == 600 * 1024 * 1024
