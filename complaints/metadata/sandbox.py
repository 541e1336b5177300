"""Run the checker (``worker.py``) in a child process with hard limits on memory and time.

One child checks all files of a request in turn (one interpreter start per request, not per
file). Files go to it through a pipe and come back through another: their clear bytes never
touch the disk. The child dies at the request's deadline (a timer kills it, and its own CPU
limit ends it in any case); a child that runs out of memory or time, or crashes, refuses the
file it was checking, and the next file gets a new child. ``sys.executable -I`` runs the same
interpreter and packages, ignoring environment variables and the user's site folder.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
import time

from .limits import SANDBOX_MEMORY
from .result import BOMB, TIME, CleanFile, UnsupportedFile


class Checker:
    """``with Checker(deadline) as checker: checker.check(data, keep_metadata)``; the
    deadline is a ``time.monotonic()`` value shared by every file of the request, ``memory``
    what the child may use on top of its interpreter."""

    def __init__(self, deadline: float, memory: int = SANDBOX_MEMORY):
        self.deadline = deadline
        self.memory = memory  # bytes the child may add to its address space
        self.process: subprocess.Popen | None = None
        self.timer: threading.Timer | None = None

    def __enter__(self) -> "Checker":
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _start(self) -> subprocess.Popen:
        seconds = self.deadline - time.monotonic()
        if seconds <= 0:
            raise UnsupportedFile(TIME)
        process = subprocess.Popen(
            [sys.executable, "-I", "-m", "complaints.metadata.worker", str(math.ceil(seconds)), str(self.memory)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}, close_fds=True)
        self.timer = threading.Timer(seconds, process.kill)
        self.timer.daemon = True
        self.timer.start()
        self.process = process
        return process

    def _stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.process is not None:
            process, self.process = self.process, None
            try:
                process.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()  # type: ignore[union-attr]

    def check(self, data: bytes, keep_metadata: bool) -> CleanFile:
        process = self.process if self.process is not None and self.process.poll() is None else self._start()
        try:
            process.stdin.write(json.dumps({"keep_metadata": keep_metadata, "size": len(data)}).encode() + b"\n")  # type: ignore[union-attr]
            process.stdin.write(data)  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
            reply = json.loads(process.stdout.readline() or b"null")  # type: ignore[union-attr]
            body = process.stdout.read(int(reply.get("size", 0))) if isinstance(reply, dict) else b""  # type: ignore[union-attr]
        except (OSError, ValueError):
            reply, body = None, b""
        if not isinstance(reply, dict) or len(body) != int(reply.get("size", 0)):
            # Killed: by the timer or its CPU limit (time), or by its memory limit (a bomb).
            out_of_time = time.monotonic() >= self.deadline or process.wait() in (-9, -24)
            self._stop()
            raise UnsupportedFile(TIME if out_of_time else BOMB)
        if "refused" in reply:
            raise UnsupportedFile(str(reply["refused"]))
        return CleanFile(str(reply["content_type"]), body, str(reply["status"]), tuple(reply.get("left", ())))


def check(data: bytes, keep_metadata: bool, seconds: float) -> CleanFile:
    """Check one file on its own, with ``seconds`` to spare."""
    with Checker(time.monotonic() + seconds) as checker:
        return checker.check(data, keep_metadata)
