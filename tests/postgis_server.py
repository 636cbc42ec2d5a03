"""A throw-away PostgreSQL + PostGIS cluster for the tests, started once per session.

``initdb`` into a temporary folder, ``pg_ctl start`` on a free loopback port with its unix
socket in that folder, password authentication over TCP (so that a wrong password is
refused), the ``postgis`` extension in database ``goldmap`` and none in ``plain``. Stopped
and removed when the session ends. Under ``CI=true`` a missing server fails the tests that
need it; elsewhere they are skipped with the command that installs it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "goldmap", "gold-secret"


@dataclass(frozen=True)
class PostGIS:
    """The running test server: its URLs and version."""

    url: str
    url_plain: str
    port: int
    version: str
    postgis_version: str

    def with_password(self, password: str) -> str:
        return self.url.replace(f":{PASSWORD}@", f":{password}@")


def pg_bin() -> Path | None:
    """The newest PostgreSQL whose server has the PostGIS extension installed."""
    for bin_dir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        major = Path(bin_dir).parent.name
        control = Path(f"/usr/share/postgresql/{major}/extension/postgis.control")
        if (Path(bin_dir) / "initdb").exists() and control.exists():
            return Path(bin_dir)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", owner, "--", *command] if owner else command


def _run(command: list[str], owner: str | None) -> None:
    subprocess.run(_as_owner(command, owner), check=True, capture_output=True, timeout=120)


def _prepare(url: str, plain: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
        conn.execute(f"CREATE DATABASE {plain}")


@pytest.fixture(scope="session")
def postgis() -> Iterator[PostGIS]:
    """Start the cluster once; stop it and delete its folder at the end of the session."""
    binaries = pg_bin()
    if binaries is None:
        message = (
            "PostgreSQL with PostGIS is missing: `make postgis` installs Debian's "
            "postgresql-15-postgis-3"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="goldmap-pg-"))
    if owner:
        shutil.chown(folder, owner, owner)
    data, port = folder / "data", _free_port()
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORD, encoding="utf-8")
    if owner:
        shutil.chown(pwfile, owner, owner)
    _run(
        [str(binaries / "initdb"), "-D", str(data), "-U", USER, "-E", "UTF8", "--locale=C",
         f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256"],
        owner,
    )  # fmt: skip
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
    options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    try:
        _run(
            [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o",
             options, "-w", "-t", "60", "start"],
            owner,
        )  # fmt: skip
        url = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/postgres"
        _run([str(binaries / "createdb"), "-h", str(folder), "-p", str(port), "-U", USER,
              "goldmap"], owner)  # fmt: skip
        db = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/goldmap"
        _prepare(db, "plain")
        import psycopg

        with psycopg.connect(db) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            pg_gis = conn.execute("SELECT postgis_lib_version()").fetchone()[0]  # type: ignore[index]
        yield PostGIS(db, url.replace("/postgres", "/plain"), port, version, pg_gis)
    finally:
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                       "stop"], owner),
            capture_output=True, timeout=120,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
