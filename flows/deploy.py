"""Deployments: score every Monday 07:00 and retrain on the first Monday of the month (Shanghai).

`make serve` runs `python -m flows.deploy`: it starts a Prefect server on 127.0.0.1 (unless
PREFECT_API_URL already points at one) and serves both deployments from this process.
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
MONTHLY_CRON = "0 7 1-7 * 1"  # with day_or=False: a Monday that is one of the first 7 days


def build_deployments(data: str, out: str):
    """The weekly scoring and monthly retraining deployments, with their schedules."""
    from prefect.schedules import Cron

    from flows.score import score_week
    from flows.train import train_model

    weekly = score_week.to_deployment(
        name="weekly-risk-list",
        schedules=[Cron(WEEKLY_CRON, timezone=TIMEZONE)],
        parameters={"data": data, "out": out},
        description="Score every talent present on Monday morning and publish the risk list.",
        tags=["retention", "weekly"],
    )
    monthly = train_model.to_deployment(
        name="monthly-retrain",
        schedules=[Cron(MONTHLY_CRON, timezone=TIMEZONE, day_or=False)],
        parameters={"data": data},
        description="Retrain on the first Monday of each month; promote only through the gate.",
        tags=["retention", "monthly"],
    )
    return weekly, monthly


def api_healthy(api_url: str, timeout: float = 2.0) -> bool:
    """Whether a Prefect API answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def start_server(port: int, wait_seconds: float = 120.0) -> tuple[subprocess.Popen, str]:
    """Start `prefect server start` on 127.0.0.1 and wait until it answers."""
    api_url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
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
    args = parser.parse_args(argv)
    server = None
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url or not api_healthy(api_url):
        server, api_url = start_server(args.port)
        os.environ["PREFECT_API_URL"] = api_url
    print(
        f"Prefect UI: {api_url.removesuffix('/api')}  (deployments: weekly-risk-list, monthly-retrain)"
    )
    from prefect import serve

    try:
        serve(*build_deployments(args.data, args.out))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
