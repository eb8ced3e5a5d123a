"""Deployments: every Monday 07:00 (Shanghai) score, monitor, and retrain when the rule fires.

`weekly-cycle/weekly-risk-list` runs score -> monitor -> (train when monitor/trigger.py fires,
the monthly retrain being the rule's fallback (d)). `train-model/retrain` has no schedule: a
retrain by hand from the UI. `make serve` runs `python -m flows.deploy`: it starts a Prefect
server on 127.0.0.1 (unless PREFECT_API_URL already points at one) and serves both.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TIMEZONE = "Asia/Shanghai"
WEEKLY_CRON = "0 7 * * 1"


def build_deployments(data: str, out: str, monitor_out: str | None = None):
    """The weekly cycle (scheduled) and the retrain by hand (no schedule)."""
    from prefect.schedules import Cron

    from flows.train import train_model
    from flows.weekly import weekly_cycle

    weekly = weekly_cycle.to_deployment(
        name="weekly-risk-list",
        schedules=[Cron(WEEKLY_CRON, timezone=TIMEZONE)],
        parameters={"data": data, "out": out, "monitor_out": monitor_out},
        description="Score every talent present on Monday morning, publish the risk list, "
        "monitor drift and past lists, retrain when the rule fires (README: the retrain rule).",
        tags=["retention", "weekly"],
    )
    retrain = train_model.to_deployment(
        name="retrain",
        parameters={"data": data},
        description="Retrain by hand; promote only through the gate. The weekly cycle retrains "
        "by itself when its rule fires, or after RunConfig.monitor.fallback_months without.",
        tags=["retention", "retrain"],
    )
    return weekly, retrain


def api_healthy(api_url: str, timeout: float = 2.0) -> bool:
    """Whether a Prefect API answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def start_server(
    port: int, wait_seconds: float = 120.0, home: Path | None = None
) -> tuple[subprocess.Popen, str]:
    """Start `prefect server start` on 127.0.0.1 and wait until it answers.

    `home`: the server's own PREFECT_HOME (its database), e.g. a test's fresh folder, so that
    deployments another run left in a shared home are not served back.
    """
    api_url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    if home is not None:
        env["PREFECT_HOME"] = str(home)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with status {server.returncode}")
        if api_healthy(api_url):
            return server, api_url
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError(
        f"the Prefect server did not answer on {api_url} within {wait_seconds:.0f} s"
    )


def main(argv: list[str] | None = None) -> int:
    """Serve both deployments against a local Prefect server until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=4200)
    parser.add_argument("--data", default=str(Path("demo/registry").resolve()))
    parser.add_argument("--out", default=str(Path("demo/risk_lists").resolve()))
    parser.add_argument("--monitor-out", default=None, help="default: monitoring/ beside --out")
    args = parser.parse_args(argv)
    server = None
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url or not api_healthy(api_url):
        server, api_url = start_server(args.port)
        os.environ["PREFECT_API_URL"] = api_url
    print(f"Prefect UI: {api_url.removesuffix('/api')}  (deployments: weekly-risk-list, retrain)")
    from prefect import serve

    try:
        serve(*build_deployments(args.data, args.out, args.monitor_out))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
