"""A throwaway PostgreSQL server for the test run, and a fresh database per test.

The tests use `WORKBENCH_TEST_POSTGRES` (a URL of a server where the user may create
databases) when it is set; otherwise they start a server of their own with the machine's
`initdb` and `pg_ctl` in a temporary folder, and stop it at the end of the run. Without
either, PostgreSQL tests are skipped, unless WORKBENCH_REQUIRE_POSTGRES is set (as CI
does), where that is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

URL_ENV = "WORKBENCH_TEST_POSTGRES"
REQUIRE_ENV = "WORKBENCH_REQUIRE_POSTGRES"
_NAMES = itertools.count(1)


def _binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's versioned folder."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A PostgreSQL server of the tests' own, in a temporary folder."""

    def __init__(self, binaries: Path, fsync: bool) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
        # PostgreSQL refuses to run as root: the server runs as Debian's postgres user then.
        self._as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_user:
            shutil.chown(self.folder, "postgres")
        self._binaries = binaries
        self._data, port = self.folder / "data", _free_port()
        self._options = f"-p {port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._options += "" if fsync else " -c fsync=off"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        self._run("initdb", "-D", str(self._data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync")  # fmt: skip

    def _run(self, program: str, *arguments: str) -> None:
        command = [*self._as_user, str(self._binaries / program), *arguments]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self._data), "-o", self._options,
                  "-l", str(self.folder / "log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        """Stop at once, as a crash or a pulled cable would (open connections break)."""
        self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def own_server(fsync: bool = False) -> Iterator[Server | None]:
    """A started server of the tests' own (None: no PostgreSQL installed), removed after."""
    binaries = _binaries()
    if binaries is None:
        yield None
        return
    started = Server(binaries, fsync)
    started.start()
    try:
        yield started
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            started.stop()
        started.remove()


@contextlib.contextmanager
def server(fsync: bool = False) -> Iterator[str | None]:
    """The URL of a server to make test databases on (None: none available). Tests run
    without fsync (nothing they write must survive a power cut); benchmarks with it."""
    given = os.environ.get(URL_ENV)
    if given:
        yield given
        return
    with own_server(fsync) as started:
        yield started.url if started else None


def with_database(url: str, name: str) -> str:
    """The server's URL, naming another database."""
    return url.rsplit("/", 1)[0] + "/" + name


def new_database(url: str, template: str | None = None) -> str:
    """A new, empty database (or a copy of `template`), its URL."""
    name = f"wb_test_{os.getpid()}_{next(_NAMES)}"
    with psycopg.connect(url, autocommit=True) as admin:
        copy = f" TEMPLATE {template}" if template else ""
        admin.execute(f"CREATE DATABASE {name}{copy}".encode())
    return with_database(url, name)


def drop_database(url: str) -> None:
    """Drop a test database (its connections closed by the test)."""
    server_url, name = url.rsplit("/", 1)
    with psycopg.connect(server_url + "/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())


def role_url(url: str, role: str, writes: bool) -> str:
    """The database's URL as `role`, a login role that may read it, and write it when
    `writes` (what the README's "Working as a team" grants an analyst)."""
    with psycopg.connect(url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            admin.execute(f'CREATE ROLE "{role}" LOGIN'.encode())
        admin.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'.encode())
        if writes:
            admin.execute(
                f'GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'.encode()
            )
            admin.execute(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"'.encode())
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{role}@{rest.split('@', 1)[-1]}"
