"""Real servers on loopback for the system tests and the benchmarks: PostgreSQL and Redis
from Debian's packages, and gunicorn serving complaints. Each one lives in its own temporary
folder, starts with a timeout and is always stopped (use them as context managers).

Nothing here needs network access; every server listens on 127.0.0.1 only.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterable

# Another engineer's PostgreSQL uses other ports; ours stay in this range.
_first, _last = os.environ.get("COMPLAINTS_SYSTEM_PG_PORTS", "55440-55449").split("-")
PG_PORTS = range(int(_first), int(_last) + 1)
START_TIMEOUT = 60.0


class ServerMissing(Exception):
    """The Debian package that provides this server is not installed."""


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()])
    return found[-1].parent if found else None


def redis_bin() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with code {process.returncode}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not ready after {timeout:.0f} s")


def _as_root() -> bool:
    return os.geteuid() == 0


class Postgres:
    """A throw-away PostgreSQL cluster (initdb in a temporary folder), like .ci/run's.

    PostgreSQL refuses to run as root, so as root every pg command runs as the ``postgres``
    user through ``su``. ``durable=False`` turns fsync off: fine for tests, never for the
    benchmarks' figures.
    """

    user = "complaints"

    def __init__(self, durable: bool = False, port: int | None = None):
        self.bin = pg_bin()
        if self.bin is None:
            raise ServerMissing("PostgreSQL is not installed (Debian package postgresql)")
        self.durable = durable
        self.port = port or next((p for p in PG_PORTS if port_is_free(p)), None)
        if self.port is None:
            raise RuntimeError(f"no free port for PostgreSQL in {PG_PORTS}")
        self.root = Path(tempfile.mkdtemp(prefix="complaints-pg-"))
        self.password = secrets.token_hex(16)
        self.running = False

    def _run(self, *args: str, timeout: float = START_TIMEOUT) -> None:
        command = [str(a) for a in args]
        if _as_root():
            command = ["su", "postgres", "-s", "/bin/sh", "-c",
                       " ".join(f"'{c}'" for c in command)]
        subprocess.run(command, check=True, timeout=timeout, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    def init(self) -> "Postgres":
        (self.root / "pwfile").write_text(self.password + "\n")
        if _as_root():
            shutil.chown(self.root, "postgres")
            shutil.chown(self.root / "pwfile", "postgres")
        self._run(self.bin / "initdb", "-D", self.root / "data", "-U", self.user,
                  f"--pwfile={self.root / 'pwfile'}", "-A", "scram-sha-256", "-E", "UTF8",
                  *([] if self.durable else ["--no-sync"]))
        return self

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=200"
        if not self.durable:
            # Safe against a crash of PostgreSQL (which the fault tests cause), not of the
            # machine; synchronous_commit stays on so an immediate stop loses no commit.
            options += " -c fsync=off -c full_page_writes=off"
        self._run(self.bin / "pg_ctl", "-D", self.root / "data", "-l", self.root / "server.log",
                  "-w", "-t", str(int(START_TIMEOUT)), "-o", options, "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """``mode="immediate"`` is a crash: connections die at once, no clean shutdown."""
        if self.running:
            self._run(self.bin / "pg_ctl", "-D", self.root / "data", "-m", mode, "-w", "stop")
            self.running = False

    def url(self, database: str = "postgres") -> str:
        return (f"postgresql+psycopg://{self.user}:{self.password}@127.0.0.1:{self.port}/"
                f"{database}")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user,
                             password=self.password, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def __enter__(self) -> "Postgres":
        try:
            self.init()
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.stop("immediate")
        except Exception:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class Redis:
    """A throw-away redis-server on loopback, with no persistence."""

    def __init__(self) -> None:
        binary = redis_bin()
        if binary is None:
            raise ServerMissing("Redis is not installed (Debian package redis-server)")
        self.binary = binary
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="complaints-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root), "--protected-mode", "yes"],
            stdout=open(self.root / "redis.log", "wb"), stderr=subprocess.STDOUT)
        wait_until(self.ping, START_TIMEOUT, "redis-server", self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)
        self.process = None

    def keys(self) -> list[bytes]:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port).keys("*")

    def __enter__(self) -> "Redis":
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM, then SIGKILL after ``timeout``; only the process we started."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def complaints_env(instance: Path, database_url: str, redis_url: str | None,
                   **extra: str) -> dict[str, str]:
    """The production environment of the deployment guide, on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTS_")}
    env.update({
        "COMPLAINTS_INSTANCE": str(instance),
        "COMPLAINTS_DATABASE_URL": database_url,
        "COMPLAINTS_RATELIMIT_STORAGE": redis_url or "memory://",
        "COMPLAINTS_TRUSTED_PROXIES": "1",   # the load client plays the reverse proxy
        # Proofs of work the load client solves in milliseconds (a browser solves the
        # production ones while a person writes); tests of the abuse control set their own.
        "COMPLAINTS_REPORT_PROOF_BITS": "8",
        "COMPLAINTS_TRACK_PROOF_BITS": "6",
        **extra,
    })
    return env


def prepare_instance(env: dict[str, str], timeout: float = 120, cwd: Path | None = None) -> None:
    """``complaints init``: migrations and keys, as an administrator would run it once
    (``cwd``: the source tree to run it from, when not this one; the benchmarks' baseline)."""
    result = subprocess.run([sys.executable, "-c", "from complaints.cli import main; main()",
                             "init"], env=env, capture_output=True, text=True, timeout=timeout,
                            cwd=cwd)
    if result.returncode != 0:
        raise RuntimeError(f"complaints init failed: {result.stderr}")


class Gunicorn:
    """gunicorn serving complaints.wsgi:app with the shipped production settings
    (``python:complaints.gunicorn_conf``), logs captured in a file. ``cwd`` serves another
    source tree (the benchmarks' baseline: an earlier commit, with PYTHONPATH set to it)."""

    def __init__(self, env: dict[str, str], workers: int = 2, log_dir: Path | None = None,
                 app: str = "complaints.wsgi:app", extra_args: Iterable[str] = (),
                 cwd: Path | None = None):
        self.env = env
        self.cwd = cwd
        self.workers = workers
        self.port = free_port()
        self.app = app
        self.extra_args = list(extra_args)
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="complaints-gunicorn-"))
        self.log_path = self.log_dir / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-c", "python:complaints.gunicorn_conf",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                *self.extra_args, self.app]

    def start(self, wait: bool = True) -> None:
        self.process = subprocess.Popen(self.command(), env=self.env, cwd=self.cwd,
                                        stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT)
        if wait:
            wait_until(self._answers, START_TIMEOUT, f"gunicorn on {self.port}", self.process)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/", timeout=5) as response:
                return response.status == 200
        except urllib.error.HTTPError:
            return False

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def __enter__(self) -> "Gunicorn":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MiB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")
