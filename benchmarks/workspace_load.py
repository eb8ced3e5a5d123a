"""The officers' workspace under load: 12 officers record 50 actions each at once on a
200,000-talent list, over waitress on 127.0.0.1. Prints p50/p95 page times; checks no write is lost.

    uv run python -m benchmarks.workspace_load [--talents 200000] [--officers 12] [--actions 50]

The figures are for people, not a timed test; the exit status is non-zero only when a write is
lost or a request fails.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import polars as pl

AS_OF = date(2026, 11, 23)
COUNTIES = (
    "decheng",
    "lingcheng",
    "yucheng",
    "leling",
    "ningjin",
    "qingyun",
    "linyi",
    "qihe",
    "pingyuan",
    "xiajin",
    "wucheng",
    "tianqu",
)
PASSWORD = "bench-password-1"


def synthetic_list(n: int) -> pl.DataFrame:
    """A risk list of `n` talents in the contract's columns, spread over the 12 counties."""
    i = pl.int_range(0, n, eager=True)
    p6 = ((i * 7919) % 1000) / 1000
    frame = pl.DataFrame({"i": i, "p6": p6})
    return frame.select(
        as_of=pl.lit(AS_OF),
        talent_id=pl.format("T{}", pl.col("i").cast(pl.String).str.zfill(7)),
        county=pl.col("i").map_batches(lambda s: pl.Series([COUNTIES[v % 12] for v in s])),
        employer_id=pl.lit("E1"),
        p_leave_3m=pl.col("p6") / 2,
        p_leave_6m=pl.col("p6"),
        p_leave_12m=(pl.col("p6") * 1.2).clip(upper_bound=1.0),
        subsidy_end_date=pl.lit(date(2027, 3, 31)),
        months_to_subsidy_end=pl.lit(4, pl.Int32),
        risk_tier=pl.when(pl.col("p6") > 0.9)
        .then(pl.lit("high"))
        .when(pl.col("p6") > 0.7)
        .then(pl.lit("medium"))
        .otherwise(pl.lit("low")),
        reason_1=pl.lit("生活补贴4个月后到期"),
        model_version=pl.lit("1"),
        employer_name=pl.lit("德州示范企业"),
        months_unpaid=pl.when(pl.col("i") % 9 == 0).then(1).otherwise(0).cast(pl.Int32),
        suggested_action=pl.lit("补贴到期前联系"),
    )


def loadavg() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def officer_run(
    url: str, county: str, talents: list[str], actions: int, times: dict, errors: list
) -> None:
    """Log in, then per action: the list, the talent's page, the POST; each timed."""
    from tests.workspace.conftest import http_login, post_action

    try:
        session = http_login(url, f"bench_{county}", PASSWORD)
        for n in range(actions):
            talent = talents[n % len(talents)]
            for kind, call in (
                ("list", lambda: session.get(f"{url}/", timeout=60)),
                ("talent", lambda t=talent: session.get(f"{url}/talents/{t}/", timeout=60)),
                (
                    "action",
                    lambda t=talent, n=n: post_action(session, url, t, f"bench-{county}-{n}"),
                ),
                # The baseline beside the pages, in the same run: a request that reads nothing
                # (no session, no database). Its time is the queue for the server and the cores.
                ("healthz", lambda: session.get(f"{url}/healthz", timeout=60)),
            ):
                started = time.perf_counter()
                response = call()
                times[kind].append(time.perf_counter() - started)
                if response.status_code not in (200, 302):
                    errors.append(f"{kind} {response.status_code}")
    except Exception as err:  # reported, and the run fails
        errors.append(f"{county}: {err!r}")


def run(talents: int, officers: int, actions: int, root: Path) -> int:
    os.environ["RETENTION_WORK_DIR"] = str(root / "work")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 30)
    from workspace.boot import setup_django

    setup_django()
    from workspace.accounts import add_user
    from workspace.importer import import_lists
    from workspace.models import Action

    lists = root / "lists" / AS_OF.isoformat()
    lists.mkdir(parents=True, exist_ok=True)
    frame = synthetic_list(talents)
    frame.write_parquet(lists / "risk_list.parquet")
    started = time.perf_counter()
    print(import_lists(root / "lists"))
    print(f"import of {talents:,} talents: {time.perf_counter() - started:.1f} s")
    counties = COUNTIES[:officers] if officers <= 12 else COUNTIES
    for county in counties:
        add_user(f"bench_{county}", county, PASSWORD)
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "web", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=open(root / "server.log", "ab"),  # noqa: SIM115 (the server outlives this call)
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        before = Action.objects.count()
        times: dict[str, list[float]] = {"list": [], "talent": [], "action": [], "healthz": []}
        errors: list[str] = []
        on_list = frame.filter(pl.col("risk_tier") != "low", pl.col("months_unpaid") == 0)
        threads = []
        for county in counties:
            mine = on_list.filter(pl.col("county") == county)["talent_id"].head(actions).to_list()
            threads.append(
                threading.Thread(
                    target=officer_run, args=(url, county, mine, actions, times, errors)
                )
            )
        print("load average (1, 5, 15 min) at the start: " + loadavg())
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=1800)
        wall = time.perf_counter() - started
        written = Action.objects.count() - before
    finally:
        server.terminate()
        server.wait(timeout=60)
    expected = len(counties) * actions
    print(
        f"{len(counties)} officers x {actions} actions at once on {talents:,} talents: {wall:.1f} s wall"
    )
    floor = percentile(times["healthz"], 95) if times["healthz"] else None
    for kind, values in times.items():
        if values:
            p95 = percentile(values, 95)
            ratio = f"  ({p95 / floor:4.1f}x healthz)" if floor and kind != "healthz" else ""
            print(
                f"  {kind:<7} n={len(values):>4}  p50 {1000 * percentile(values, 50):6.0f} ms  "
                f"p95 {1000 * p95:6.0f} ms{ratio}"
            )
    print(f"actions written {written} of {expected}; errors {len(errors)} {errors[:3]}")
    print("load average (1, 5, 15 min) at the end: " + loadavg())
    page_costs(counties[0], on_list.filter(pl.col("county") == counties[0])["talent_id"][0])
    return 0 if written == expected and not errors else 1


def page_costs(county: str, talent: str, reps: int = 5) -> None:
    """Each page once more in this process (Django's test client, same database): the CPU it
    costs and its queries. Wall far above CPU under the load test means waiting for a core,
    not for the database (SQLite runs in the serving process, so its work is CPU here too)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username=f"bench_{county}"))
    form = {"action": "note", "action_date": AS_OF.isoformat(), "note": "bench-cost"}
    pages = (
        ("list", lambda: client.get("/")),
        ("talent", lambda: client.get(f"/talents/{talent}/")),
        ("action", lambda: client.post(f"/talents/{talent}/actions/", form)),
    )
    print(f"in-process cost per page (best of {reps}; load {os.getloadavg()[0]:.1f}):")
    for kind, call in pages:
        call()  # warm
        best_cpu, best_wall = float("inf"), float("inf")
        for _ in range(reps):
            wall, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                call()
            best_cpu = min(best_cpu, time.process_time() - cpu)
            best_wall = min(best_wall, time.perf_counter() - wall)
        print(
            f"  {kind:<7} CPU {1000 * best_cpu:5.0f} ms, wall {1000 * best_wall:5.0f} ms, {len(queries)} queries"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--talents", type=int, default=200_000)
    parser.add_argument("--officers", type=int, default=12)
    parser.add_argument("--actions", type=int, default=50)
    parser.add_argument(
        "--root", type=Path, default=None, help="scratch space (default a temp folder)"
    )
    args = parser.parse_args(argv)
    root = args.root or Path(tempfile.mkdtemp(prefix="workspace-bench-"))
    return run(args.talents, args.officers, args.actions, root)


if __name__ == "__main__":
    sys.exit(main())
