"""Killing the server in the middle of writes loses no acknowledged action and corrupts nothing."""

from __future__ import annotations

import signal
import threading
import time

import requests

from tests.workspace.conftest import http_login, post_action, start_server
from tests.workspace.lists import talent_ids


def test_killing_the_server_mid_write_loses_nothing_committed(web):
    from django.db import connection

    from workspace.accounts import add_user
    from workspace.models import Action

    add_user("officer_fault", "qihe", "long-enough-pass-1")
    server, url = start_server(web, web["root"] / "fault-server.log")
    acknowledged, stop = [], threading.Event()
    targets = talent_ids("qihe")[30:38]

    def write(worker: int) -> None:
        session = http_login(url, "officer_fault")
        n = 0
        while not stop.is_set():
            note = f"fault-{worker}-{n}"
            try:
                if post_action(session, url, targets[worker], note).status_code == 302:
                    acknowledged.append(note)
            except requests.RequestException:
                return  # the server died under this request: it may or may not have committed
            n += 1

    try:
        workers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
        for w in workers:
            w.start()
        deadline = time.monotonic() + 600
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)  # no shutdown, no flush: as a power switch would
        server.wait(timeout=300)
        stop.set()
        for w in workers:
            w.join(timeout=600)
    finally:
        if server.poll() is None:
            server.kill()
    assert len(acknowledged) >= 40
    stored = set(
        Action.objects.filter(officer__username="officer_fault").values_list("note", flat=True)
    )
    assert set(acknowledged) <= stored  # every write the server acknowledged is there
    assert len(stored) - len(acknowledged) <= 4  # at most the one in flight per worker
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchone() == ("ok",)
    restarted, url = start_server(web, web["root"] / "fault-server.log")
    try:
        session = http_login(url, "officer_fault")
        assert post_action(session, url, targets[0], "after the restart").status_code == 302
        assert "after the restart" in session.get(f"{url}/talents/{targets[0]}/", timeout=300).text
    finally:
        restarted.terminate()
        restarted.wait(timeout=300)
