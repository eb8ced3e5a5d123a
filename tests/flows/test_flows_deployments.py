"""Against a real Prefect server process: the two deployments, their schedules, a triggered run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from flows.deploy import MONTHLY_CRON, TIMEZONE, WEEKLY_CRON, start_server

pytestmark = [pytest.mark.slow, pytest.mark.server]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(client: httpx.Client, method: str, path: str, **kwargs) -> dict | list:
    """One API call, retried while the server says it is busy (502/503/504), as Prefect's own
    client does: a loaded 2-core machine makes the server answer 503 now and then."""
    for attempt in range(30):
        response = client.request(method, path, **kwargs)
        if response.status_code not in (502, 503, 504):
            return response.json()
        time.sleep(min(2 * (attempt + 1), 10))
    return response.json()


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(pipeline, tmp_path):
    """A real `prefect server` on 127.0.0.1 and `python -m flows.deploy` serving against it."""
    server, api = start_server(free_port(), wait_seconds=600)
    env = {
        **os.environ,
        "PREFECT_API_URL": api,
        "MLFLOW_TRACKING_URI": str(pipeline["uri"]),
        "RETENTION_WORK_DIR": str(pipeline["work"]),
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",  # pick a triggered run up in 2 s, not 10
    }
    out = tmp_path / "lists"
    log_path = tmp_path / "deploy.log"  # what the serving process said, quoted when a run fails
    log = open(log_path, "wb")  # noqa: SIM115 (the process writes to it until the fixture ends)
    runner = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.deploy",
            "--data",
            str(pipeline["registry"]),
            "--out",
            str(out),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield httpx.Client(base_url=api, timeout=120), out, log_path
    finally:
        runner.terminate()
        runner.wait(timeout=60)
        log.close()
        server.terminate()
        server.wait(timeout=60)


def test_deployments_have_their_schedules_and_a_triggered_run_writes_a_risk_list(served):
    client, out, log = served

    def deployments():
        found = call(client, "POST", "/deployments/filter", json={})
        return {d["name"]: d for d in found} if len(found) == 2 else None

    by_name = wait_for(deployments, 600, "both deployments to be served")
    weekly, monthly = by_name["weekly-risk-list"], by_name["monthly-retrain"]
    (weekly_schedule,) = [s["schedule"] for s in weekly["schedules"]]
    (monthly_schedule,) = [s["schedule"] for s in monthly["schedules"]]
    assert (weekly_schedule["cron"], weekly_schedule["timezone"]) == (WEEKLY_CRON, TIMEZONE)
    assert (monthly_schedule["cron"], monthly_schedule["timezone"]) == (MONTHLY_CRON, TIMEZONE)
    assert monthly_schedule["day_or"] is False  # a Monday among the first seven days

    path = f"/deployments/{weekly['id']}/create_flow_run"
    run = call(client, "POST", path, json={"parameters": {"as_of": "2026-11-23"}})
    assert "id" in run, run  # the server said why it created no run

    def finished():
        state = call(client, "GET", f"/flow_runs/{run['id']}")["state"]["type"]
        return state if state in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None

    ended = wait_for(finished, 900, "the triggered run to finish")
    message = call(client, "GET", f"/flow_runs/{run['id']}")["state"]["message"]
    assert ended == "COMPLETED", f"{message}\n{log.read_text(errors='replace')[-3000:]}"
    assert (out / "2026-11-23" / "risk_list.parquet").stat().st_size > 0

    # A stale extract: the deployment's run fails with the one line in its state and
    # publishes nothing (the months past the extract would read as unpaid).
    stale = call(client, "POST", path, json={"parameters": {"as_of": "2030-01-06"}})

    def stale_finished():
        state = call(client, "GET", f"/flow_runs/{stale['id']}")["state"]
        return state if state["type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None

    state = wait_for(stale_finished, 900, "the stale run to finish")
    assert state["type"] == "FAILED"
    assert (
        "--as-of 2030-01-06 needs contribution months that no talent in this extract has: "
        "2026-11 to 2029-11 (37 months); the latest --as-of this extract supports is 2026-12-14"
    ) in state["message"]
    assert sorted(p.name for p in out.iterdir()) == ["2026-11-23"]
