"""Against a real Prefect server process: the deployments, the schedule, triggered weekly runs.

The weekly cycle (score -> monitor -> retrain when the rule fires) is run on the session's
registry (no drift: the champion was trained on it this week, nothing retrains) and on a
drifted extract of the same simulated world: a variant in which talents change jobs about
seven times as often (HazardParams.job_change_rate 0.08 instead of 0.011, through the
simulator's --variant file), so months since the last job change, the champion's most
important feature, has moved: the rule fires with reason (c) and the flow retrains.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date

import httpx
import pytest

from flows.deploy import TIMEZONE, WEEKLY_CRON, start_server

pytestmark = [pytest.mark.slow, pytest.mark.server]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(client: httpx.Client, method: str, path: str, **kwargs) -> dict | list:
    """One API call, retried while the server says it is busy (502/503/504), as Prefect's own
    client does: a loaded 2-core machine makes the server's SQLite answer 503 now and then."""
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
    # A copy of the session's store: a retrain here must not move the other tests' champion.
    shutil.copytree(pipeline["root"] / "mlruns", tmp_path / "mlruns")
    uri = f"sqlite:///{tmp_path / 'mlruns' / 'mlflow.db'}"
    # Its own database: a shared PREFECT_HOME keeps the deployments of earlier runs.
    (tmp_path / "prefect").mkdir()
    server, api = start_server(free_port(), wait_seconds=600, home=tmp_path / "prefect")
    env = {
        **os.environ,
        "PREFECT_API_URL": api,
        "MLFLOW_TRACKING_URI": uri,
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
        yield httpx.Client(base_url=api, timeout=120), out, uri, log_path
    finally:
        runner.terminate()
        runner.wait(timeout=60)
        log.close()
        server.terminate()
        server.wait(timeout=60)


def finished_state(client, run_id: str):
    state = call(client, "GET", f"/flow_runs/{run_id}")["state"]
    return state if state["type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None


def create_run(client, deployment_id: str, parameters: dict) -> dict:
    """A flow run of the deployment (busy answers asked again)."""
    path = f"/deployments/{deployment_id}/create_flow_run"
    return call(client, "POST", path, json={"parameters": parameters})


def said(log) -> str:
    """The end of what the serving process printed, for a failed run's message."""
    return log.read_text(errors="replace")[-3000:]


def test_deployments_have_their_schedules_and_a_triggered_run_writes_a_risk_list(
    served, pipeline, tmp_path
):
    client, out, uri, log = served
    from pipeline.extract import simulate_registry

    variant = tmp_path / "job_churn.json"
    variant.write_text(json.dumps({"job_change_rate": 0.08}))
    drifted = tmp_path / "drifted"
    simulate_registry(drifted, 1_200, 7, date(2026, 11, 23), variant=str(variant))

    def deployments():
        found = {d["name"]: d for d in call(client, "POST", "/deployments/filter", json={})}
        return found if {"weekly-risk-list", "retrain"} <= set(found) else None

    by_name = wait_for(deployments, 600, "both deployments to be served")
    weekly, retrain = by_name["weekly-risk-list"], by_name["retrain"]
    (weekly_schedule,) = [s["schedule"] for s in weekly["schedules"]]
    assert (weekly_schedule["cron"], weekly_schedule["timezone"]) == (WEEKLY_CRON, TIMEZONE)
    assert retrain["schedules"] == []  # the monthly retrain is now the rule's fallback (d)

    run = create_run(client, weekly["id"], {"as_of": "2026-11-23"})
    assert "id" in run, run  # the server said why it created no run

    ended = wait_for(lambda: finished_state(client, run["id"]), 900, "the triggered run to finish")
    assert ended["type"] == "COMPLETED", f"{ended['message']}\n{said(log)}"
    assert (out / "2026-11-23" / "risk_list.parquet").stat().st_size > 0
    kept = json.loads((tmp_path / "monitoring" / "2026-11-23" / "retrain.json").read_text())
    assert kept["fire"] is False and kept["reasons"] == [], kept
    assert (tmp_path / "monitoring" / "2026-11-23" / "monitor.html").is_file()

    # The drifted extract: the same deployment scores it, monitors it, and retrains.
    moved = create_run(
        client, weekly["id"],
        {"data": str(drifted), "out": str(tmp_path / "drifted_lists"), "as_of": "2026-11-23"},
    )  # fmt: skip
    state = wait_for(lambda: finished_state(client, moved["id"]), 900, "the drifted run")
    assert state["type"] == "COMPLETED", f"{state['message']}\n{said(log)}"
    fired = json.loads((tmp_path / "monitoring" / "2026-11-23" / "retrain.json").read_text())
    assert fired["fire"] is True, fired
    assert any(
        r.startswith("(c) PSI") and "on months_since_job_change (importance rank" in r
        for r in fired["reasons"]
    ), fired["reasons"]
    from mlflow import MlflowClient

    store = MlflowClient(uri)
    trained = store.search_runs([store.get_experiment_by_name("talent-attrition").experiment_id])
    assert len(trained) == 2  # the session's training, and the retrain the rule asked for
    watched = store.search_runs(
        [store.get_experiment_by_name("talent-attrition-monitor").experiment_id]
    )
    assert {r.data.tags["retrain.decision"] for r in watched} == {"retrain"}  # same week: replaced

    # A stale extract: the deployment's run fails with the one line in its state and
    # publishes nothing (the months past the extract would read as unpaid).
    stale = create_run(client, weekly["id"], {"as_of": "2030-01-06"})
    state = wait_for(lambda: finished_state(client, stale["id"]), 900, "the stale run to finish")
    assert state["type"] == "FAILED"
    assert (
        "--as-of 2030-01-06 needs contribution months that no talent in this extract has: "
        "2026-11 to 2029-11 (37 months); the latest --as-of this extract supports is 2026-12-14"
    ) in state["message"]
    assert sorted(p.name for p in out.iterdir()) == ["2026-11-23"]
