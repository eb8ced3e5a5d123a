"""A family of worlds: variants drawn from stated ranges; variant 0 is today's world exactly."""

import dataclasses
import json
from datetime import date

from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from flows.cli import app
from synthetic import simulate
from synthetic.hazard import HazardParams
from synthetic.variants import RANGES, draw_variant, variant_params


def test_variant_zero_or_none_is_todays_world_and_its_registry_unchanged():
    assert variant_params(None) == variant_params("0") == HazardParams()
    today = simulate(n_talents=150, seed=3, as_of=date(2026, 6, 30))
    again = simulate(n_talents=150, seed=3, as_of=date(2026, 6, 30), params=variant_params(0))
    for name, frame in today.tables.items():
        assert_frame_equal(frame, again.tables[name])


def test_variants_draw_within_the_documented_ranges_reproducibly():
    drawn = [draw_variant(k) for k in range(1, 21)]
    assert drawn[0] == draw_variant(1) and len({d.after_subsidy_1_6 for d in drawn}) == 20
    for d in drawn:
        assert RANGES["cliff_peak"][0] <= d.after_subsidy_1_6 <= RANGES["cliff_peak"][1]
        assert d.after_subsidy_1_6 > d.after_subsidy_7_18 > d.after_subsidy_later > 0
        assert RANGES["pay"][0] <= d.pay <= RANGES["pay"][1]
        assert RANGES["frailty_sd"][0] <= d.frailty_sd <= RANGES["frailty_sd"][1]
        scale = d.hometown[0] / HazardParams().hometown[0]
        assert RANGES["hometown_scale"][0] <= scale <= RANGES["hometown_scale"][1]


def test_a_variant_file_sets_fields_and_a_bad_one_is_one_line(tmp_path):
    good = tmp_path / "world.json"
    good.write_text(json.dumps({"pay": -0.5, "hometown": [-1, 0, 1, 1]}))
    assert variant_params(str(good)) == dataclasses.replace(
        HazardParams(), pay=-0.5, hometown=(-1, 0, 1, 1)
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"cliff": 2}))
    result = CliRunner().invoke(
        app, ["simulate", "--out", str(tmp_path / "x"), "--variant", str(bad)]
    )
    assert result.exit_code == 2, result.output
    assert (
        result.output.strip()
        == f"retention: --variant: {bad}: unknown HazardParams fields ['cliff']"
    )
    assert not (tmp_path / "x").exists()
