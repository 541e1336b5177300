"""Run the checker (``worker.py``) in a child process with hard limits on memory and time.

The file goes to the child through a pipe and comes back through another: its clear bytes
never touch the disk. The parent waits at most ``seconds`` (the interpreter's start included); a child that runs out of memory
or CPU time, or crashes, refuses the file. ``sys.executable -I`` runs the same interpreter
and packages, ignoring environment variables and the user's site folder.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

from .result import BOMB, TIME, CleanFile, UnsupportedFile

def check(data: bytes, keep_metadata: bool, seconds: float) -> CleanFile:
    if seconds <= 0:
        raise UnsupportedFile(TIME)
    header = json.dumps({"keep_metadata": keep_metadata, "cpu_seconds": math.ceil(seconds)}).encode()
    process = subprocess.Popen(
        [sys.executable, "-I", "-m", "complaints.metadata.worker"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}, close_fds=True)
    try:
        output, _ = process.communicate(header + b"\n" + data, timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise UnsupportedFile(TIME) from None
    line, _, body = output.partition(b"\n")
    try:
        reply = json.loads(line) if process.returncode == 0 else None
    except ValueError:
        reply = None
    if not isinstance(reply, dict):
        # Killed by a limit: SIGXCPU / SIGKILL for CPU time, a MemoryError or abort for memory.
        raise UnsupportedFile(TIME if process.returncode in (-24, -9) else BOMB)
    if "refused" in reply:
        raise UnsupportedFile(str(reply["refused"]))
    return CleanFile(str(reply["content_type"]), body, str(reply["status"]), tuple(reply.get("left", ())))
