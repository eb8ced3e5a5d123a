"""Model tier: the issue-14 targets on simulator variants other than our own world.

On each variant, out-of-time at 3, 6 and 12 months, against that variant's own oracle:
lift share (AUC - 0.5) / (oracle AUC - 0.5) >= 0.85, ECE <= 0.01, and the model at least as
good as a plain LightGBM (library defaults, early-stopped on the same features and rows):
the 95% talent-clustered bootstrap interval of AUC(model) - AUC(plain) reaches 0 or above.
The figures come from `benchmarks.worlds.measure_world`, the same code as the bench table.

Measured 2026-12-02 at 2,000 talents, seed 0 (the size a test can afford): the model is above
the plain LightGBM at every horizon on both variants, but misses the lift-share and ECE targets
everywhere (variant 1: share 0.786/0.716/0.627, ECE 0.0122/0.0214/0.0399; variant 2: ECE
0.0177 at 6 m, 0.0282 at 12 m). At that size the variant's own true probabilities score ECE
0.0086/0.0150/0.0209 on variant 1's test rows, so ECE <= 0.01 is below the noise there. Those
two targets are strict xfails: they fail the suite the day they start to hold, so the marks
come off. Cost: 4 min 14 s of CPU for the two worlds, over the suite's budget, hence opt-in
(RETENTION_WORLDS_TESTS=1).
"""

import os

import pytest

TALENTS = 2_000
VARIANTS = (1, 2)


SHORTFALL = "measured below the target at 2,000 talents on both variants (module docstring)"
pytestmark = pytest.mark.skipif(
    os.environ.get("RETENTION_WORLDS_TESTS") != "1",
    reason="4 min of CPU: opt in with RETENTION_WORLDS_TESTS=1",
)


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: f"variant{v}")
def world(request, tmp_path_factory):
    worlds = pytest.importorskip("benchmarks.worlds")
    cache = tmp_path_factory.mktemp(f"world{request.param}")
    rows = worlds.measure_world(TALENTS, 0, request.param, cache, n_boot=100)
    return {row["h"]: row for row in rows}


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.xfail(strict=True, reason=SHORTFALL)
@pytest.mark.parametrize("h", [3, 6, 12])
def test_model_reaches_85_percent_of_the_variants_oracle_lift(world, h):
    assert world[h]["share"] >= 0.85, world[h]


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.xfail(strict=True, reason=SHORTFALL)
@pytest.mark.parametrize("h", [3, 6, 12])
def test_model_is_calibrated_on_the_variant(world, h):
    assert world[h]["ece"] <= 0.01, world[h]


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("h", [3, 6, 12])
def test_model_is_at_least_as_good_as_a_plain_lightgbm(world, h):
    assert world[h]["plain_hi"] >= 0.0, world[h]
