"""A throwaway PostgreSQL server (initdb + pg_ctl in a temporary directory, on a free port).

For the test suite and the benchmark, which run the archive against a real server, and for
anyone who wants to try ``NEWSWIRE_ARCHIVE_URL=postgresql://...`` without installing one:

    with TempPostgres() as pg:
        url = pg.create_database("archive")

PostgreSQL refuses to run as root; as root the server runs as the ``postgres`` user of
Debian's package (the directory is handed to it). Failures raise ``PostgresUnavailable``
with the reason and the server log, never a silent skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

START_TIMEOUT_S = 60
SERVICE_USER = "postgres"  # Debian's postgresql package creates it


class PostgresUnavailable(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_bin() -> Path:
    """The directory holding initdb and pg_ctl: on PATH, else Debian's versioned directory."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if not candidates:
        raise PostgresUnavailable("PostgreSQL is not installed: no initdb on PATH or in /usr/lib/postgresql/*/bin "
                                  "(Debian: apt-get install postgresql; scripts/test.sh does this)")
    return Path(candidates[-1]).parent


class TempPostgres:
    """``directory``: keep the cluster there (made on first start, reused after, never deleted),
    so a benchmark's 100,000-article database outlives the run that filled it."""

    def __init__(self, port: int | None = None, fsync: bool = False, directory: Path | None = None) -> None:
        self.port = port or _free_port()
        self.fsync = fsync  # off for tests (throwaway data, faster); on for benchmarks of writes
        self.bin = find_bin()
        self.keep = directory is not None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        self.dir = directory if directory is not None else Path(tempfile.mkdtemp(prefix="newswire-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(SERVICE_USER)
            except KeyError:
                raise PostgresUnavailable(f"running as root and there is no {SERVICE_USER!r} user to run "
                                          "PostgreSQL as (PostgreSQL refuses root)") from None
            self.user = SERVICE_USER
            shutil.chown(self.dir, SERVICE_USER)

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False)

    def start(self) -> TempPostgres:
        if not (self.keep and (self.data / "PG_VERSION").exists()):
            done = self._run("initdb", "-D", str(self.data), "-U", "newswire", "--auth=trust", "-E", "UTF8",
                             "--no-locale", "--no-sync")
            if done.returncode:
                raise PostgresUnavailable(
                    f"initdb failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync={'on' if self.fsync else 'off'}"
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                         "-t", str(START_TIMEOUT_S), "start")
        if done.returncode:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(f"pg_ctl start failed ({done.returncode}): {done.stderr.strip()}\n{log}")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://newswire@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        import psycopg

        name = name or f"archive_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')  # our own generated name
        return self.url(name)

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> TempPostgres:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
