"""The city's x_* attributes: text capped to common levels (rare pooled, and said), numbers keep
their missingness, and a dozen of mixed kinds train and score."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from features.catalog import model_columns
from models.frame import fit_feature_spec, to_matrix
from models.levels import OTHER, LevelCaps, cap_levels, describe_pooling
from models.toy import simulate_toy_snapshots
from models.train import train_attrition_model
from runconfig import RunConfig, TrainParams


def _rows(levels_by_talent: dict[str, str], repeat: int = 1) -> pl.DataFrame:
    talents = [t for t in levels_by_talent for _ in range(repeat)]
    return pl.DataFrame({"talent_id": talents, "x_band": [levels_by_talent[t] for t in talents]})


def test_levels_are_counted_in_talents_not_snapshot_rows_and_capped():
    # "c" has 30 rows but one talent; "a" 3 talents, "b" 2 talents.
    holders = {"t1": "a", "t2": "a", "t3": "a", "t4": "b", "t5": "b"}
    frame = pl.concat([_rows(holders), _rows({"t6": "c"}, repeat=30)])
    assert cap_levels(frame, "x_band", LevelCaps(max_levels=5, min_talents=2)) == (
        ("a", "b"), ("c",),
    )  # fmt: skip
    assert cap_levels(frame, "x_band", LevelCaps(max_levels=1, min_talents=1)) == (
        ("a",), ("b", "c"),
    )  # fmt: skip


def test_pooled_and_unseen_levels_code_as_other_and_nulls_stay_unknown():
    holders = {f"t{i}": ("a" if i < 4 else "b" if i < 7 else f"rare{i}") for i in range(9)}
    train = _rows(holders).with_columns(n=pl.lit(1.0), c=pl.lit("k"))
    spec = fit_feature_spec(train, ["n"], ["x_band", "c"], LevelCaps(min_talents=3))
    assert spec.levels["x_band"] == ("a", "b", OTHER) and spec.pooled == {
        "x_band": ("rare7", "rare8")
    }
    assert spec.levels["c"] == ("k",)  # catalog categoricals are never capped
    later = pl.DataFrame(
        {
            "n": [1.0] * 5,
            "x_band": ["b", "rare7", "never_seen", None, "a"],
            "c": ["k", "z", "k", "k", "k"],
        }
    )
    x = to_matrix(later, spec)
    assert x[[0, 1, 2, 4], 1].tolist() == [1.0, 2.0, 2.0, 0.0] and np.isnan(x[3, 1])
    assert np.isnan(x[1, 2])  # unseen level of an uncapped column: unknown, as before
    line = describe_pooling(spec.pooled, LevelCaps(min_talents=3))
    assert line.startswith(f"rare x_* levels pooled into {OTHER}") and line.endswith("x_band 2")


def _with_dozen_extras(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Twelve x_* columns of mixed kinds, one carrying signal through its missingness."""
    rng = np.random.default_rng(seed)
    ids = frame.get_column("talent_id").unique().sort()
    n = ids.len()
    risky = np.isin(ids.to_numpy(), frame.filter(pl.col("y_12m") == 1)["talent_id"].to_numpy())
    extras = pl.DataFrame(
        {
            "talent_id": ids,
            "x_int": rng.integers(0, 5, n),
            "x_float": rng.normal(0, 1, n),
            "x_missing_tells": np.where(risky & (rng.random(n) < 0.8), np.nan, rng.normal(0, 1, n)),
            "x_all_null": pl.Series([None] * n, dtype=pl.Float64),
            "x_bool": rng.random(n) < 0.5,
            "x_date": [
                dt.date(2020, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 900, n)
            ],
            "x_band": rng.choice(["高", "中", "低"], n),
            "x_free_text": [f"note {i}" for i in range(n)],  # a level per talent: all pooled
            "x_cat": pl.Series(rng.choice(["p", "q"], n)).cast(pl.Categorical),
            "x_sparse_text": pl.Series(rng.choice(["u", "v"], n)).scatter(
                np.flatnonzero(rng.random(n) < 0.7), None
            ),
            "x_survey": rng.integers(1, 6, n).astype(np.float64),
            "x_gender": rng.choice(["M", "F"], n),  # protected: never a feature
        }
    ).with_columns(pl.col("x_missing_tells").fill_nan(None))
    return frame.join(extras, on="talent_id", how="left", maintain_order="left")


@pytest.fixture(scope="module")
def mixed():
    frame, _ = simulate_toy_snapshots(n_talents=300, n_months=36, seed=11)
    frame = _with_dozen_extras(frame, 11)
    numeric, categorical = model_columns(frame)
    config = RunConfig(train=TrainParams(n_boot=0, lgb_params={"min_data_in_leaf": 50}))
    return frame, train_attrition_model(frame, numeric, categorical, config)


@pytest.mark.slow
def test_a_dozen_mixed_x_columns_train_and_their_kinds_are_kept(mixed):
    _, result = mixed
    spec = result.model.spec
    assert {"x_band", "x_free_text", "x_cat", "x_sparse_text"} <= set(spec.categorical)
    assert {"x_int", "x_float", "x_missing_tells", "x_bool", "x_date", "x_survey"} <= set(
        spec.numeric
    )
    assert "x_gender" not in spec.names
    pooled = len(spec.pooled["x_free_text"])  # the talents of the training window
    assert spec.levels["x_free_text"] == (OTHER,) and 200 < pooled <= 300
    assert f"x_free_text {pooled}" in result.params["x_levels_pooled"]
    # numbers keep their missingness: the linear half learnt that missing means leaving
    linear = result.model.linear[12]
    j = spec.numeric.index("x_missing_tells")
    assert linear.indicator[j][2] > 0


@pytest.mark.slow
def test_scoring_with_expected_x_columns_absent_or_unseen_levels_is_unknown_not_an_error(
    mixed, capsys
):
    frame, result = mixed
    later = (
        frame.tail(200).drop("x_survey", "x_band").with_columns(pl.lit("brand new").alias("x_cat"))
    )
    p = result.model.predict(later)
    assert p.height == 200 and p.null_count().sum_horizontal().item() == 0
    err = capsys.readouterr().err
    assert "column x_band that the model was trained on is absent; scored as unknown" in err
    assert "column x_survey that the model was trained on is absent; scored as unknown" in err
