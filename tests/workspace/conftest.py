"""One workspace database per test session (SQLite in a temp work folder, or DATABASE_URL),
filled from tiny published lists: two counties, two weeks, a plan, made-up contacts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.workspace import lists

PASSWORD = "long-enough-pass-1"
SECRET = "test-secret-key-not-for-production-" + "x" * 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def web(tmp_path_factory) -> dict:
    """Django set up over a fresh database with the lists, contacts, grants and three users."""
    root = tmp_path_factory.mktemp("workspace")
    # Django reads these once, when it is set up; other tests in this process must not see them.
    wanted = {
        "RETENTION_WORK_DIR": str(root / "work"),
        "DJANGO_SECRET_KEY": SECRET,
        "RETENTION_WEB_FAST_HASH": "1",
        "RETENTION_WEB_SQLITE_SYNC": "NORMAL",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in wanted.items():
            patch.setenv(key, value)
        from workspace.boot import setup_django

        setup_django()
    from workspace.accounts import add_user
    from workspace.importer import import_lists

    out = lists.write_lists(root / "lists")
    import_lists(out, lists.contacts(), lists.subsidies())
    add_user("officer_qihe", "qihe", PASSWORD)
    add_user("officer_decheng", "decheng", PASSWORD)
    add_user("city_admin", None, PASSWORD, admin=True)
    return {"root": root, "lists": out, "work": root / "work"}


@pytest.fixture
def user(web):
    """Users by name."""
    from django.contrib.auth import get_user_model

    return lambda name: get_user_model().objects.get(username=name)


@pytest.fixture
def client_as(web, user):
    """A Django test client logged in as the named user."""
    from django.test import Client

    def make(name: str, **kwargs):
        client = Client(**kwargs)
        client.force_login(user(name))
        return client

    return make


def server_env(web) -> dict:
    env = {**os.environ, "RETENTION_WORK_DIR": str(web["work"]), "DJANGO_SECRET_KEY": SECRET}
    env |= {"RETENTION_WEB_FAST_HASH": "1", "RETENTION_WEB_SQLITE_SYNC": "NORMAL"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_server(web, log: Path) -> tuple[subprocess.Popen, str]:
    """`retention web` (waitress) on a free port over the session's database."""
    port = free_port()
    handle = open(log, "ab")  # noqa: SIM115 (the server writes to it after we return)
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "web", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env(web),
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, url
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(log.read_text()[-2000:]) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("retention web did not start in 600 s")


def http_login(url: str, username: str, password: str = PASSWORD):
    """A requests session logged in through the real login form (CSRF token and all)."""
    import requests

    session = requests.Session()
    session.get(f"{url}/accounts/login/", timeout=300)
    done = session.post(
        f"{url}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=300,
    )
    assert done.status_code == 302, done.status_code
    return session


def post_action(session, url: str, talent_id: str, note: str, kind: str = "called"):
    """POST /talents/<id>/actions/ as the browser's form does; the response (302 when saved)."""
    return session.post(
        f"{url}/talents/{talent_id}/actions/",
        data={"action": kind, "action_date": "2026-11-24", "note": note},
        headers={"X-CSRFToken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=300,
    )
