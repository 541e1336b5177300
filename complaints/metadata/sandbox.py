"""Run the checker (``worker.py``) in a child process with hard limits on memory and time.

One child checks all files of a request in turn (one interpreter start per request, not per
file). Files go to it through a pipe and come back through another: their clear bytes never
touch the disk. Time is bounded twice: the child's CPU time for the whole request
(``cpu_seconds``, enforced by the kernel, so a busy server does not refuse honest files for
being slow), and a wall-clock backstop (a timer kills the child). A child that runs out of
memory or time, or crashes, refuses the file it was checking; after a time-out the request's
budget is spent and the remaining files are refused too, otherwise the next file gets a new
child. ``sys.executable -I`` runs the same interpreter and packages, ignoring environment
variables and the user's site folder.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
import time

from .limits import SANDBOX_MEMORY, SANDBOX_WALL_SECONDS
from .result import BOMB, TIME, CleanFile, UnsupportedFile

_KILLED_FOR_TIME = (-24, -9)  # SIGXCPU at the CPU limit, SIGKILL past it or from the timer


class Checker:
    """``with Checker(cpu_seconds) as checker: checker.check(data, keep_metadata)`` for every
    file of one request; ``memory`` is what the child may use on top of its interpreter."""

    def __init__(self, cpu_seconds: float, memory: int = SANDBOX_MEMORY,
                 wall_seconds: float = SANDBOX_WALL_SECONDS):
        self.cpu_seconds = cpu_seconds
        self.memory = memory
        self.deadline = time.monotonic() + wall_seconds
        self.spent = cpu_seconds <= 0
        self.process: subprocess.Popen | None = None
        self.timer: threading.Timer | None = None

    def __enter__(self) -> "Checker":
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _start(self) -> subprocess.Popen:
        seconds = self.deadline - time.monotonic()
        if seconds <= 0 or self.spent:
            raise UnsupportedFile(TIME)
        process = subprocess.Popen(
            [sys.executable, "-I", "-m", "complaints.metadata.worker", str(math.ceil(self.cpu_seconds)),
             str(self.memory)],
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
        if self.spent:
            raise UnsupportedFile(TIME)
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
            self._stop()
            if process.returncode in _KILLED_FOR_TIME or time.monotonic() >= self.deadline:
                self.spent = True  # the request's time is used up
                raise UnsupportedFile(TIME)
            raise UnsupportedFile(BOMB)  # out of memory, or the parser crashed
        if "refused" in reply:
            raise UnsupportedFile(str(reply["refused"]))
        return CleanFile(str(reply["content_type"]), body, str(reply["status"]), tuple(reply.get("left", ())))


def check(data: bytes, keep_metadata: bool, cpu_seconds: float) -> CleanFile:
    """Check one file on its own."""
    with Checker(cpu_seconds) as checker:
        return checker.check(data, keep_metadata)
