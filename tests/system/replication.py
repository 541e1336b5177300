"""A PostgreSQL primary with a streaming hot standby in synchronous replication, on loopback,
for the failover test. Built from the system tests' Postgres (Debian's packages)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.system.servers import START_TIMEOUT, Postgres, _as_root, port_is_free, PG_PORTS

STANDBY_NAME = "standby1"


class Primary(Postgres):
    """A primary whose commits wait until the standby has them, once ``require_standby`` ran.

    Synchronous replication is switched on only after the standby was copied from this data
    folder (ALTER SYSTEM writes it here, not into the copy): once promoted, the standby must
    not wait for a standby of its own that does not exist."""

    def __init__(self) -> None:
        super().__init__(durable=True)

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                   f"-c max_connections=200 -c wal_level=replica -c max_wal_senders=5 "
                   f"-c synchronous_commit=on")
        self._run(self.bin / "pg_ctl", "-D", self.root / "data", "-l", self.root / "server.log",
                  "-w", "-t", str(int(START_TIMEOUT)), "-o", options, "start")
        self.running = True

    def require_standby(self, timeout: float = 60) -> None:
        """Make commits synchronous with the standby, and wait until it is in sync."""
        import psycopg

        from tests.system.servers import wait_until

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user,
                             password=self.password, dbname="postgres", autocommit=True) as conn:
            conn.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{STANDBY_NAME}'")
            conn.execute("SELECT pg_reload_conf()")

            def in_sync() -> bool:
                row = conn.execute("SELECT sync_state FROM pg_stat_replication "
                                   "WHERE application_name = %s", (STANDBY_NAME,)).fetchone()
                return bool(row and row[0] == "sync")

            wait_until(in_sync, timeout, "synchronous standby")


class Standby:
    """A hot standby made with pg_basebackup from ``primary``, promoted on demand."""

    def __init__(self, primary: Primary):
        self.primary = primary
        self.bin = primary.bin
        self.port = next(p for p in PG_PORTS if p != primary.port and port_is_free(p))
        self.root = Path(tempfile.mkdtemp(prefix="complaints-standby-"))
        self.running = False

    def _shell(self, command: str) -> None:
        if _as_root():
            shutil.chown(self.root, "postgres")
            command = ["su", "postgres", "-s", "/bin/sh", "-c", command]
        else:
            command = ["sh", "-c", command]
        subprocess.run(command, check=True, timeout=START_TIMEOUT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    def create(self) -> "Standby":
        conninfo = (f"host=127.0.0.1 port={self.primary.port} user={self.primary.user} "
                    f"password={self.primary.password} application_name={STANDBY_NAME}")
        self._shell(f"'{self.bin / 'pg_basebackup'}' -d '{conninfo}' -D '{self.root / 'data'}' "
                    f"-X stream -R --no-sync --checkpoint=fast")
        with open(self.root / "data" / "postgresql.auto.conf", "a") as conf:
            conf.write(f"primary_conninfo = '{conninfo}'\n")
        return self

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                   f"-c max_connections=200 -c hot_standby=on")
        self._shell(f"'{self.bin / 'pg_ctl'}' -D '{self.root / 'data'}' -l '{self.root / 'server.log'}' "
                    f"-w -t {int(START_TIMEOUT)} -o \"{options}\" start")
        self.running = True

    def promote(self) -> None:
        self._shell(f"'{self.bin / 'pg_ctl'}' -D '{self.root / 'data'}' -w promote")

    def close(self) -> None:
        if self.running:
            try:
                self._shell(f"'{self.bin / 'pg_ctl'}' -D '{self.root / 'data'}' -m immediate -w stop")
            except subprocess.CalledProcessError:
                pass
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Standby":
        try:
            self.create()
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def multi_host_url(primary: Primary, standby: Standby, database: str) -> str:
    """Both servers in one URL; libpq takes the first that accepts writes."""
    return (f"postgresql+psycopg://{primary.user}:{primary.password}@/{database}"
            f"?host=127.0.0.1:{primary.port}&host=127.0.0.1:{standby.port}"
            f"&target_session_attrs=read-write&connect_timeout=3")
