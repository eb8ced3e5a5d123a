"""Measuring a step: run it in its own child process and read the child's rusage, plus the machine."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Measured:
    """One child process: wall, CPU and peak RSS from its rusage, and the figures it reported."""

    step: str
    n_talents: int
    returncode: int
    process_wall_s: float
    process_cpu_s: float
    peak_rss_mb: float
    load_1m: float
    figures: dict = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        """Whether the child exited cleanly."""
        return self.returncode == 0


def run_step(
    step: str, n_talents: int, args: list[str], env: dict[str, str], result_file: Path, log: Path
) -> Measured:
    """Run `python -m benchmarks.steps STEP ARGS` and measure the child with os.wait4."""
    result_file.unlink(missing_ok=True)
    load = os.getloadavg()[0]
    command = [sys.executable, "-m", "benchmarks.steps", step, *args, "--result", str(result_file)]
    started = time.perf_counter()
    with log.open("ab") as sink:
        sink.write(f"\n$ {' '.join(command)}\n".encode())
        sink.flush()
        child = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
    figures: dict = {}
    if result_file.is_file():
        figures = json.loads(result_file.read_text())
    error = ""
    if child.returncode != 0:
        error = last_line(log) or f"exit status {child.returncode}"
    return Measured(
        step=step,
        n_talents=n_talents,
        returncode=child.returncode,
        process_wall_s=wall,
        process_cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KB
        load_1m=load,
        figures=figures,
        error=error,
    )


def last_line(log: Path) -> str:
    """The last non-empty line of a log (the error a failed child printed)."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def describe_machine() -> dict[str, str]:
    """nproc, memory, CPU model, versions and the load average, as the table header shows them."""
    import lightgbm
    import polars

    mem_kb = _meminfo().get("MemTotal", 0)
    return {
        "nproc": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024**2:.1f} GB",
        "cpu": _cpu_model(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "polars": polars.__version__,
        "lightgbm": lightgbm.__version__,
        "prefect": _version("prefect"),
        "mlflow": _version("mlflow"),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def _meminfo() -> dict[str, int]:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return {}
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in text.splitlines())}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def process_tree_cpu_s(root_pid: int) -> float:
    """CPU seconds (user+system) used so far by a process and its live descendants (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(cpu.get(pid, 0.0) for pid in tree)
