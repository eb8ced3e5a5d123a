"""Crashes, reruns, concurrent runs and unreachable services around `retention score`."""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import logging
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from prefect.states import Failed
from typer.testing import CliRunner

from flows.cli import app
from flows.errors import HideExpectedTracebacks, check_prefect_api
from flows.tasks import as_task, retry_helps
from models.errors import ModelStoreUnavailable, NoChampion
from models.registry import check_model_store, is_missing_champion, open_champion
from pipeline.errors import ServiceUnavailable, UsageError
from pipeline.outputs import LOCK_NAME
from pipeline.score import load_model
from reports.write import FILES, recover_interrupted, write_outputs

AS_OF = "2026-11-23"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- fast: the checks and the publishing steps on their own ---------------------------------


def test_refused_mlflow_server_fails_in_seconds_naming_mlflow_and_how_to_start_it():
    started = time.monotonic()
    with pytest.raises(ModelStoreUnavailable) as caught:
        check_model_store(f"http://127.0.0.1:{free_port()}")
    assert time.monotonic() - started < 3
    assert "MLflow tracking server" in str(caught.value)
    assert "make mlflow-ui" in str(caught.value)


def test_missing_sqlite_store_says_train_first(tmp_path):
    with pytest.raises(ModelStoreUnavailable, match="no MLflow store at .*retention train --data"):
        check_model_store(f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert not (tmp_path / "mlflow.db").exists()  # the check never creates an empty store
    (tmp_path / "mlflow.db").write_bytes(b"")
    check_model_store(f"sqlite:///{tmp_path / 'mlflow.db'}")


def test_only_a_missing_resource_reads_as_no_champion():
    class Missing(Exception):
        error_code = "RESOURCE_DOES_NOT_EXIST"

    class Other(Exception):
        error_code = "INTERNAL_ERROR"

    assert is_missing_champion(Missing("x"))
    assert not is_missing_champion(Other("x"))


def test_a_store_without_a_champion_says_train_one_first(tmp_path):
    from mlflow import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    MlflowClient(uri).search_experiments()  # creates the (empty) store
    with pytest.raises(NoChampion) as caught:
        open_champion(uri)
    assert str(caught.value) == (
        f"no champion model 'talent-attrition' in the MLflow store {uri}; "
        "train one first: retention train --data DIR --as-of DATE"
    )


def test_refused_prefect_api_names_prefect_and_both_ways_out():
    check_prefect_api(None)  # no URL: Prefect runs its own temporary server
    with pytest.raises(ServiceUnavailable) as caught:
        check_prefect_api(f"http://127.0.0.1:{free_port()}/api")
    message = str(caught.value)
    assert message.startswith("Prefect server http://127.0.0.1:")
    assert "make serve" in message and "unset PREFECT_API_URL" in message


def test_model_load_is_retried_briefly_and_never_when_there_is_no_champion():
    task = as_task(load_model)
    assert task.retries == 2
    assert task.retry_delay_seconds <= 2
    assert retry_helps(None, None, Failed(data=ModelStoreUnavailable("down"))) is True
    assert retry_helps(None, None, Failed(data=NoChampion("no champion"))) is False


def test_console_filter_drops_expected_errors_only():
    def record(message: str, exc: BaseException | None = None) -> logging.LogRecord:
        info = (type(exc), exc, None) if exc else None
        return logging.LogRecord("prefect.flow_runs", logging.ERROR, "", 0, message, (), info)

    keep = HideExpectedTracebacks().filter
    assert not keep(record("Encountered exception", UsageError("taken")))
    assert not keep(record("Finished in state Failed('... ServiceUnavailable: down')"))
    assert keep(record("Encountered exception", RuntimeError("a bug of ours")))
    assert keep(record("Finished in state Failed('... KeyError: x')"))


def tiny_list(reason: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "as_of": [dt.date(2026, 11, 23)],
            "talent_id": ["T1"],
            "county": ["decheng"],
            "employer_id": ["E1"],
            "p_leave_3m": [0.3],
            "p_leave_6m": [0.45],
            "p_leave_12m": [0.6],
            "subsidy_end_date": [dt.date(2027, 1, 31)],
            "months_to_subsidy_end": pl.Series([2], dtype=pl.Int32),
            "risk_tier": ["high"],
            "reason_1": [reason],
            "reason_2": [None],
            "reason_3": [None],
            "model_version": ["1"],
        },
        schema_overrides={"reason_2": pl.String, "reason_3": pl.String},
    )


def test_overwrite_swaps_the_whole_folder_and_leaves_nothing_behind(tmp_path):
    write_outputs(tiny_list("old"), tmp_path, dt.date(2026, 11, 23))
    folder = write_outputs(tiny_list("new"), tmp_path, dt.date(2026, 11, 23))
    assert pl.read_parquet(folder / "risk_list.parquet")["reason_1"].to_list() == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [AS_OF]
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)


def test_recovery_restores_a_set_aside_run_and_drops_dead_staging(tmp_path):
    write_outputs(tiny_list("old"), tmp_path, dt.date(2026, 11, 23))
    (tmp_path / AS_OF).rename(tmp_path / f".{AS_OF}.old")  # killed between the two renames
    dead = tmp_path / f".{AS_OF}.tmp-{dead_pid()}"
    alive = tmp_path / f".{AS_OF}.tmp-{os.getpid()}"
    for staging in (dead, alive):
        staging.mkdir()
        (staging / "risk_list.parquet").write_bytes(b"PAR1 half")
    recover_interrupted(tmp_path, AS_OF)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([AS_OF, alive.name])
    assert pl.read_parquet(tmp_path / AS_OF / "risk_list.parquet")["reason_1"].item() == "old"


# --- slow: the real command, in subprocesses against one real Prefect server ------------------


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory):
    """One real Prefect server for the module, so killed subprocesses need not start their own."""
    from flows.deploy import start_server

    home = tmp_path_factory.mktemp("prefect_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_HOME", str(home))
        server, api = start_server(free_port(), wait_seconds=600)
    try:
        yield {"api": api, "home": home}
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture
def cli(pipeline, prefect_api, tmp_path):
    """Run `python -m flows.cli score ...` with the session's store and the module's server."""
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": str(pipeline["uri"]),
        "RETENTION_WORK_DIR": str(pipeline["work"]),
        "PREFECT_API_URL": prefect_api["api"],
        "PREFECT_HOME": str(prefect_api["home"]),
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }

    def command(*args: str) -> list[str]:
        base = ["score", "--data", str(pipeline["registry"]), "--as-of", AS_OF]
        return [sys.executable, "-m", "flows.cli", *base, *args]

    def start(*args: str, **overrides: str) -> subprocess.Popen:
        return subprocess.Popen(
            command(*args),
            env={**env, **overrides},
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(*args: str, timeout: float = 900, **overrides: str) -> subprocess.CompletedProcess:
        proc = start(*args, **overrides)
        out, err = proc.communicate(timeout=timeout)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    return run, start


def assert_complete(folder: Path) -> str:
    """All five files, readable and agreeing with each other; returns the run's language."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    risk = pl.read_parquet(folder / "risk_list.parquet")
    assert risk.height > 500
    raw = (folder / "risk_list.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\n")
    csv = pl.read_csv(io.BytesIO(raw), schema=risk.schema)
    assert_frame_equal(csv, risk)
    pl.read_csv(folder / "changes.csv")
    with zipfile.ZipFile(folder / "risk_list.xlsx") as book:
        assert book.testzip() is None
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    lang = "zh" if "个月" in " ".join(risk["reason_1"].drop_nulls()) else "en"
    assert ('lang="zh' in html) == (lang == "zh")
    return lang


def assert_one_line(result: subprocess.CompletedProcess, *needles: str) -> str:
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("retention: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def holds_lock(out: Path, pid: int) -> bool:
    """Whether the run `pid` holds the folder's lock: from there on it ingests, scores, writes."""
    try:
        return (out / LOCK_NAME).read_text() == f"pid {pid}"
    except (FileNotFoundError, UnicodeDecodeError):
        return False


def watch(proc: subprocess.Popen, out: Path, until) -> tuple[bool, dict[str, float]]:
    """Poll a run until it exits or `until(seen)` (a deadline, or None) has passed.

    `seen`: when the run was first seen holding the folder's lock ("working": from there on it
    ingests, scores and writes) and writing its staging folder ("writing": its files, then the
    swap). Returns whether it exited, and `seen`.
    """
    staging, seen = out / f".{AS_OF}.tmp-{proc.pid}", {}
    while True:
        if proc.poll() is not None:
            return True, seen
        now = time.monotonic()
        if "working" not in seen and holds_lock(out, proc.pid):
            seen["working"] = now
        if "writing" not in seen and staging.exists():
            seen["writing"] = now
        deadline = until(seen)
        if deadline is not None and now >= deadline:
            return False, seen
        time.sleep(0.002)


KILL_KINDS = ("anywhere", "working", "writing")


@pytest.mark.slow
def test_killed_scoring_leaves_a_complete_run_and_the_next_run_completes(cli, tmp_path):
    run, start = cli
    out = tmp_path / "lists"
    launched = time.monotonic()
    first = start("--out", str(out))
    _, seen = watch(first, out, lambda _: None)
    assert first.wait() == 0, first.communicate()[1][-2000:]
    first.communicate()
    assert set(seen) == {"working", "writing"}, f"the first run was seen only {seen}"
    # How long whole runs, and their work from each moment on, take on this machine, now.
    ended = time.monotonic()
    spans = {"anywhere": [ended - launched]} | {k: [ended - t] for k, t in seen.items()}
    lang = assert_complete(out / AS_OF)
    rng = random.Random(6)
    kills, attempts, published = dict.fromkeys(KILL_KINDS, 0), 0, 0
    # Until three kills of each kind, and one new run published (finished, or killed after its swap).
    while min(kills.values()) < 3 or not published:
        attempts += 1
        assert attempts <= 45, f"{kills} kills and {published} published in {attempts - 1} runs"
        # Each run asks for the other language, so the folder shows whether it was replaced.
        other = "en" if lang == "zh" else "zh"
        proc = start("--out", str(out), "--overwrite", "--lang", other)
        launched = time.monotonic()
        # Three kinds of kill moments, in turn, each up to 1.2x the median of the last five runs'
        # time from that moment to their end: "anywhere" from the launch, so start-up is
        # covered too; "working" from the moment the run holds the folder's lock (most of a run
        # is Python and Prefect starting; the ingest, the scoring and the files come after it);
        # "writing" from the moment its staging folder appears (its files are written, then
        # swapped in: about a tenth of a second, where a publishing mistake would show). They
        # follow the machine's speed as it is now (the other worker and a busy machine make
        # runs 2-5x slower, then faster again).
        kind = KILL_KINDS[attempts % 3]
        wait = rng.uniform(0.0, statistics.median(spans[kind][-5:]) * 1.2)
        if kind == "anywhere":
            exited, seen = watch(proc, out, lambda _, d=launched + wait: d)
        else:
            exited, seen = watch(
                proc, out, lambda at, k=kind, w=wait: at[k] + w if k in at else None
            )
        if exited:
            assert proc.returncode == 0, proc.communicate()[1][-2000:]
            ended = time.monotonic()
            spans["anywhere"].append(ended - launched)
            for k, at in seen.items():
                spans[k].append(ended - at)
        else:
            proc.send_signal(signal.SIGKILL)
            kills[kind] += 1
        proc.communicate()
        visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        assert visible == [AS_OF]
        now = assert_complete(out / AS_OF)  # the old run or the new one, whole, never a mix
        assert now in (lang, other)
        published += now == other
        lang = now
    final = run("--out", str(out), "--overwrite", "--lang", "en")
    assert final.returncode == 0, final.stderr
    assert assert_complete(out / AS_OF) == "en"
    assert sorted(p.name for p in out.iterdir()) == [AS_OF]  # no lock file left behind


@pytest.mark.slow
def test_same_extract_and_model_give_byte_identical_risk_lists(pipeline_env, tmp_path):
    runner = CliRunner()
    base = ["score", "--data", str(pipeline_env["registry"]), "--as-of", AS_OF]
    for name in ("one", "two"):
        result = runner.invoke(app, [*base, "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    for file in ("risk_list.parquet", "risk_list.csv"):
        one = (tmp_path / "one" / AS_OF / file).read_bytes()
        two = (tmp_path / "two" / AS_OF / file).read_bytes()
        assert one == two, f"{file} differs between two identical runs"


@pytest.mark.slow
def test_a_run_on_a_folder_being_written_stops_with_one_line(cli, tmp_path):
    run, _ = cli
    out = tmp_path / "lists"
    out.mkdir()
    with open(out / ".retention.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 4242")
        held.flush()
        second = run("--out", str(out))
    assert_one_line(
        second,
        f"{out}: another scoring run (pid 4242) is writing here; wait for it to finish and run again",
    )
    assert sorted(p.name for p in out.iterdir()) == [".retention.lock"]


@pytest.mark.slow
def test_two_runs_at_once_one_publishes_and_the_other_stops_cleanly(cli, tmp_path):
    _, start = cli
    out = tmp_path / "lists"
    procs = [start("--out", str(out)) for _ in range(2)]
    results = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=900)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 2], [r.stderr[-1000:] for r in results]
    loser = next(r for r in results if r.returncode == 2)
    line = assert_one_line(loser)
    assert "another scoring run (pid" in line or "a finished run for 2026-11-23" in line
    assert_complete(out / AS_OF)


@pytest.mark.slow
@pytest.mark.parametrize("store", ["closed-port", "no-file", "empty-store"])
def test_unusable_mlflow_store_is_one_line_naming_it(cli, tmp_path, store):
    run, _ = cli
    if store == "closed-port":
        uri, needles = (
            f"http://127.0.0.1:{free_port()}",
            ["MLflow tracking server", "make mlflow-ui"],
        )
    else:
        db = tmp_path / "mlruns" / "mlflow.db"
        uri, needles = f"sqlite:///{db}", ["retention train --data DIR --as-of DATE"]
        if store == "empty-store":
            from models.registry import ensure_experiment

            db.parent.mkdir()
            ensure_experiment(uri)  # a real store with an experiment and no registered model
            needles.append("no champion model 'talent-attrition' in the MLflow store")
    started = time.monotonic()
    result = run("--out", str(tmp_path / "lists"), MLFLOW_TRACKING_URI=uri)
    assert time.monotonic() - started < 90  # was minutes of MLflow's own HTTP retries
    assert_one_line(result, *needles)
    assert not (tmp_path / "lists" / AS_OF).exists()


@pytest.mark.slow
def test_unreachable_prefect_api_is_one_line_naming_prefect(cli, tmp_path):
    run, _ = cli
    api = f"http://127.0.0.1:{free_port()}/api"
    result = run("--out", str(tmp_path / "lists"), PREFECT_API_URL=api)
    assert_one_line(result, f"Prefect server {api} is not reachable", "make serve")
