"""The shipped deployment examples, run for real: nginx with docs/deploy/nginx/complaints.conf
and gunicorn started by the ExecStart of docs/deploy/systemd/complaints@.service.

Only what a machine of its own would differ in is replaced: ports, file paths and the
certificate. Everything the examples promise (headers, limits, logs, addresses) is what runs.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.system.servers import ServerMissing, free_port, stop_process, wait_until

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "docs/deploy/nginx/complaints.conf"
UNIT = ROOT / "docs/deploy/systemd/complaints@.service"
HOSTNAME = "complaints.test"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for complaints.test and 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOSTNAME)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName(HOSTNAME), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    return cert_path, key_path


def unit_settings() -> tuple[dict[str, str], str]:
    """The unit's Environment= settings and its ExecStart command line."""
    env, exec_start = {}, ""
    for line in UNIT.read_text().splitlines():
        if line.startswith("Environment="):
            name, _, value = line[len("Environment="):].partition("=")
            env[name] = value
        elif line.startswith("ExecStart="):
            exec_start = line[len("ExecStart="):]
    return env, exec_start


def gunicorn_command(bind: str, instance_name: str) -> list[str]:
    """The unit's ExecStart, with this machine's Python in place of /opt/complaints/venv."""
    _, exec_start = unit_settings()
    words = shlex.split(exec_start.replace("${COMPLAINTS_BIND}", bind).replace("%i", instance_name))
    assert words[0] == "/opt/complaints/venv/bin/gunicorn"
    return [sys.executable, "-m", "gunicorn", *words[1:]]


class UnitGunicorn:
    """gunicorn started as complaints@<name> would be."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path):
        unit_env, _ = unit_settings()
        self.port = free_port()
        self.env = {**env, **{k: v.replace("%i", name) for k, v in unit_env.items()}}
        self.env["PROMETHEUS_MULTIPROC_DIR"] = str(log_dir / f"metrics-{name}")
        self.env["COMPLAINTS_BIND"] = f"127.0.0.1:{self.port}"
        self.command = gunicorn_command(self.env["COMPLAINTS_BIND"], name)
        # Two workers instead of the unit's four: the test machine has two cores.
        self.command[self.command.index("--workers") + 1] = "2"
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "UnitGunicorn":
        self.process = subprocess.Popen(self.command, env=self.env, stdout=open(self.log_path, "ab"),
                                        stderr=subprocess.STDOUT)
        wait_until(self._answers, 60, f"gunicorn {self.port}", self.process)
        return self

    def _answers(self) -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as r:
            return r.status == 200

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            stop_process(self.process)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Nginx:
    """nginx running the shipped site on free loopback ports."""

    def __init__(self, folder: Path, upstream_ports: list[int]):
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(self.binary).exists():
            raise ServerMissing("nginx is not installed (Debian package nginx)")
        self.folder = folder
        self.http_port, self.https_port = free_port(), free_port()
        cert, key = make_certificate(folder)
        self.cert = cert
        site = SITE.read_text()
        upstreams = iter(upstream_ports)
        site = re.sub(r"server 127\.0\.0\.1:\d+;", lambda m: f"server 127.0.0.1:{next(upstreams)};", site)
        site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)  # no IPv6 on every test machine
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
        site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{self.https_port} ssl")
        site = site.replace("/etc/ssl/complaints/fullchain.pem", str(cert))
        site = site.replace("/etc/ssl/complaints/privkey.pem", str(key))
        site = site.replace("/var/log/nginx/", f"{folder}/")
        (folder / "site.conf").write_text(site)
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / temp).mkdir(mode=0o700)
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\ndaemon off;\npid {folder}/nginx.pid;\n"
            f"error_log {folder}/main-error.log crit;\nevents {{ worker_connections 256; }}\n"
            f"http {{\n  include /etc/nginx/mime.types;\n"
            f"  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
            f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n"
            f"  scgi_temp_path {folder}/scgi;\n  include {folder}/site.conf;\n}}\n")
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"https://{HOSTNAME}:{self.https_port}"

    def __enter__(self) -> "Nginx":
        check = subprocess.run([self.binary, "-t", "-p", str(self.folder), "-c",
                                str(self.folder / "nginx.conf")], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([self.binary, "-p", str(self.folder), "-c",
                                         str(self.folder / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=open(self.folder / "stderr.log", "ab"))
        import socket

        def listening() -> bool:
            with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                return True

        wait_until(listening, 30, "nginx", self.process)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            stop_process(self.process)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.folder.glob("*.log"))
