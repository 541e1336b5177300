"""The sandboxed checker: ``python -m complaints.metadata.worker CPU_SECONDS [MEMORY]``.

Before it reads anything it limits itself: memory (its address space grows by at most
MEMORY bytes, SANDBOX_MEMORY unless given), CPU time, no files written, no core dumps. Then, for each request on
standard input (a JSON line with ``keep_metadata`` and ``size``, then that many bytes), it
writes a JSON line (content type, status, what is left and ``size``, or a refusal code) and
the cleaned bytes to standard output. A parser that loops or swells is stopped by the kernel;
the web process only learns that the check failed. Nothing is logged: error output is
discarded by the parent, and replies carry only codes.
"""
from __future__ import annotations

import json
import resource
import sys

from .limits import SANDBOX_MEMORY


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def limit_myself(cpu_seconds: int, memory: int = SANDBOX_MEMORY) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    ceiling = _address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def answer(data: bytes, keep_metadata: bool) -> tuple[dict, bytes]:
    from . import examine
    from .result import BOMB, DAMAGED, UnsupportedFile

    try:
        result = examine.clean(data, keep_metadata)
    except UnsupportedFile as refusal:
        return {"refused": refusal.code, "size": 0}, b""
    except MemoryError:
        return {"refused": BOMB, "size": 0}, b""
    except Exception:  # a parser's own failure on a file it can't read: damaged, never a crash
        return {"refused": DAMAGED, "size": 0}, b""
    return {"content_type": result.content_type, "status": result.status, "left": list(result.left),
            "size": len(result.data)}, result.data


def main() -> int:
    # The interpreter's start counts as well: the budget covers the whole request.
    cpu_seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    limit_myself(cpu_seconds, int(sys.argv[2]) if len(sys.argv) > 2 else SANDBOX_MEMORY)
    source, out = sys.stdin.buffer, sys.stdout.buffer
    while header := source.readline(4096):
        request = json.loads(header)
        data = source.read(int(request["size"]))
        reply, body = answer(data, bool(request.get("keep_metadata")))
        del data
        out.write(json.dumps(reply).encode() + b"\n")
        out.write(body)
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
