"""The workspace suite again, against a real PostgreSQL server started here (one per session)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.workspace.conftest import free_port

HERE = Path(__file__).resolve().parent


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH, /usr/local/bin or Debian's /usr/lib/postgresql."""
    candidates = [Path(p).parent for p in (shutil.which("initdb"), shutil.which("pg_ctl")) if p]
    candidates += [Path("/usr/local/bin")]
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def as_server_user(args: list[str]) -> list[str]:
    """postgres refuses root: run it as nobody then."""
    return ["runuser", "-u", "nobody", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def postgres():
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server binary (initdb, pg_ctl) on this machine")
    folder = Path(tempfile.mkdtemp(prefix="retention-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
    data, port = folder / "data", free_port()
    run = {"check": True, "capture_output": True, "timeout": 600}
    subprocess.run(
        as_server_user(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        **run,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        as_server_user(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ]
        ),
        **run,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            capture_output=True,
            timeout=600,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_the_workspace_suite_passes_on_postgresql(postgres, tmp_path):
    """The same tests (pages, scoping walk, CSRF, lockout, expiry, imports, ledger) on PostgreSQL."""
    env = {**os.environ, "DATABASE_URL": postgres, "RETENTION_WORK_DIR": str(tmp_path / "work")}
    files = [
        str(HERE / f"test_workspace_{name}.py")
        for name in ("pages", "paging", "security", "ledger", "loop", "privacy", "faults")
    ]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", *files],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    assert " passed" in last and " failed" not in last
    assert "skipped" not in last or " 1 skipped" in last, last  # only the SQLite-file check skips
    print(f"postgres suite: {done.stdout.splitlines()[-1]} ({time.monotonic() - started:.0f} s)")
    import psycopg  # not a SQLite run under another name: the server holds the rows

    with psycopg.connect(postgres) as conn:
        (actions,) = conn.execute("select count(*) from workspace_action").fetchone()
        (weeks,) = conn.execute("select count(*) from workspace_week").fetchone()
    assert actions > 5 and weeks >= 3
