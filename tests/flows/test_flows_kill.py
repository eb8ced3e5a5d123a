"""Scoring killed with SIGKILL at random moments, at least 20 times (issue 6): each time the
output folder holds the previous complete run or the new complete one, never a partial file,
and the next run completes. Its own file so that the scheduler can run it beside the other
slow files (each kill is a whole CLI process: a few minutes of one worker)."""

from __future__ import annotations

import random
import signal
import statistics
import subprocess
import time

import pytest

from tests.flows.test_flows_reliability import (  # noqa: F401 (fixtures)
    AS_OF,
    assert_complete,
    cli,
    prefect_api,
)


@pytest.mark.slow
def test_killed_scoring_leaves_a_complete_run_and_the_next_run_completes(cli, tmp_path):  # noqa: F811
    run, start = cli
    out = tmp_path / "lists"
    started = time.monotonic()
    first = run("--out", str(out))
    completed = [time.monotonic() - started]  # how long whole runs take on this machine, now
    assert first.returncode == 0, first.stderr
    langs = [assert_complete(out / AS_OF)]
    rng = random.Random(6)
    kills = attempts = 0
    while kills < 20:
        attempts += 1
        assert attempts <= 60, f"only {kills} kills in {attempts - 1} runs"
        proc = start("--out", str(out), "--overwrite", "--lang", ("en", "zh")[attempts % 2])
        # Kill moments cover the whole run: up to 1.2x the median of the last five whole runs.
        # The window follows the machine's speed as it is now (the other worker and a busy
        # machine make runs 2-5x slower, then faster again), so neither a slow first run nor a
        # fast one leaves the window mostly after, or mostly before, the end of a run.
        typical = statistics.median(completed[-5:])
        launched, wait = time.monotonic(), rng.uniform(0.5, typical * 1.2)
        try:
            proc.wait(timeout=wait)
            completed.append(time.monotonic() - launched)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate()
        visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        assert visible == [AS_OF]
        langs.append(assert_complete(out / AS_OF))
    final = run("--out", str(out), "--overwrite", "--lang", "en")
    assert final.returncode == 0, final.stderr
    assert assert_complete(out / AS_OF) == "en"
    assert sorted(p.name for p in out.iterdir()) == [AS_OF]  # no lock file left behind
    assert len(set(langs)) == 2  # some kills came late enough to publish the new run
