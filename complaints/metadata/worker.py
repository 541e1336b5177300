"""The sandboxed checker: ``python -m complaints.metadata.worker``.

Reads one request from standard input: a JSON line (``keep_metadata``, ``cpu_seconds``) and
the file's bytes; writes a JSON line and the cleaned bytes to standard output. Before it
reads anything it limits itself: memory (address space grows by at most SANDBOX_MEMORY),
CPU time, no files written, no core dumps. A parser that loops or swells is killed by the
kernel; the web process only sees that the check failed. Nothing is logged: error output
is discarded by the parent, and the reply carries only a refusal code.
"""
from __future__ import annotations

import json
import resource
import sys

from .limits import SANDBOX_MEMORY


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def limit_myself(cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    ceiling = _address_space() + SANDBOX_MEMORY
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def main() -> int:
    header = json.loads(sys.stdin.buffer.readline(4096) or b"{}")
    # Import the parsers before limiting memory: their code is not the file's cost.
    from . import examine
    from .result import UnsupportedFile
    import mutagen, olefile, pypdf  # noqa: F401, E401 - loaded now, used by examine

    limit_myself(int(header.get("cpu_seconds", 4)) + 1)
    data = sys.stdin.buffer.read()
    try:
        result = examine.clean(data, bool(header.get("keep_metadata")))
    except UnsupportedFile as refusal:
        reply, body = {"refused": refusal.code}, b""
    except MemoryError:
        reply, body = {"refused": "bomb"}, b""
    else:
        reply = {"content_type": result.content_type, "status": result.status, "left": list(result.left)}
        body = result.data
    out = sys.stdout.buffer
    out.write(json.dumps(reply).encode() + b"\n")
    out.write(body)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
