"""Suite-wide ordering: the longest modules start first, so that the two xdist workers finish
together instead of one of them starting the longest test when the other is nearly done.

`make test` passes `--no-loadscope-reorder`: with `--dist loadfile`, pytest-xdist (3.8) otherwise
hands out files by their number of tests, most first, whatever order they were collected in."""

from __future__ import annotations

# Modules whose tests (or their fixtures) take minutes, longest first. Measured with
# `pytest --durations` on 2 cores; the rest of the suite keeps its collection order after them.
HEAVY_FIRST = (
    "tests/flows/test_flows_reliability.py",
    "tests/models/test_models_quality.py",
    "tests/flows/test_flows_privacy.py",
    "tests/flows/test_flows_deployments.py",
    "tests/flows/test_flows_backtest_truth.py",
    "tests/benchmarks/test_bench_smoke.py",
)


def pytest_collection_modifyitems(config, items):
    """Stable sort: heavy modules first, in the order above; modules stay contiguous."""

    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return HEAVY_FIRST.index(path) if path in HEAVY_FIRST else len(HEAVY_FIRST)

    items.sort(key=rank)
