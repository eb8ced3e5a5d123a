import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from models.toy import TOY_CATEGORICAL, TOY_NUMERIC, simulate_toy_snapshots
from models.train import cap_rows, train_attrition_model
from runconfig import RunConfig, TrainParams

# The defaults' leaves of >= 800 rows are sized for 20k+ registries, not a 700-talent toy.
TINY = {"min_data_in_leaf": 50}


@pytest.fixture(scope="module")
def toy():
    frame, oracle = simulate_toy_snapshots(n_talents=700, n_months=44, seed=3)
    result = train_attrition_model(
        frame,
        TOY_NUMERIC,
        TOY_CATEGORICAL,
        RunConfig(train=TrainParams(n_boot=30, lgb_params=TINY)),
        oracle=oracle,
    )
    return frame, oracle, result


def test_predictions_are_probabilities_non_decreasing_in_the_horizon(toy):
    frame, _, result = toy
    p = result.model.predict(frame)
    assert p.columns == ["p_leave_3m", "p_leave_6m", "p_leave_12m"]
    assert p.height == frame.height
    x = p.to_numpy()
    assert ((x >= 0) & (x <= 1)).all()
    assert (np.diff(x, axis=1) >= 0).all()


def test_training_is_deterministic_for_a_seed(toy):
    frame, _, result = toy
    again = train_attrition_model(
        frame, TOY_NUMERIC, TOY_CATEGORICAL, RunConfig(train=TrainParams(n_boot=5, lgb_params=TINY))
    )
    assert_frame_equal(result.model.predict(frame), again.model.predict(frame))


def test_splits_are_by_time_and_the_test_block_is_out_of_time(toy):
    _, _, result = toy
    for h, split in result.splits.items():
        assert split.train[1] < split.calibration[0] <= split.calibration[1] < split.test[0]
        held = result.holdout[h]
        assert held["as_of"].min() == split.test[0] and held[f"y_{h}m"].null_count() == 0


def test_model_learns_the_signal_and_reports_every_figure(toy):
    _, _, result = toy
    m = result.metrics
    for h in (3, 6, 12):
        assert m[f"model_auc_{h}m"] > 0.6
        assert m[f"model_auc_{h}m"] > m[f"rule_auc_{h}m"]
        for key in ("ap", "brier", "ece", "precision_top5pct", "precision_at_capacity"):
            assert np.isfinite(m[f"model_{key}_{h}m"]) and np.isfinite(m[f"oracle_{key}_{h}m"])
        assert m[f"auc_diff_logistic_lo_{h}m"] <= m[f"auc_diff_logistic_hi_{h}m"]
        assert f"reliability_{h}m.png" in result.figures
        assert result.figures[f"reliability_{h}m.png"][:4] == b"\x89PNG"
        assert set(result.tables[f"lift_{h}m"]["scorer"]) == {"model", "logistic", "rule", "oracle"}
    assert set(result.fairness["attribute"]) == {"gender", "hometown", "age_band", "county"}
    assert set(result.baselines) <= set(m)


def test_contributions_sum_to_the_raw_log_odds_and_unseen_levels_are_missing(toy):
    frame, _, result = toy
    rows = frame.head(20).with_columns(pl.lit("never_seen").alias("county"))
    contrib = result.model.contributions(rows, horizon=6)
    assert contrib.columns == [*TOY_NUMERIC, *TOY_CATEGORICAL, "bias"]
    raw = result.model.raw_scores(rows, 6)
    np.testing.assert_allclose(
        contrib.sum_horizontal().to_numpy(), np.log(raw / (1 - raw)), atol=1e-6
    )
    missing = result.model.contributions(rows.with_columns(pl.lit(None).alias("county")), 6)
    assert_frame_equal(contrib, missing)


def test_linear_half_is_the_logistic_fit_and_its_contributions_are_exact(toy):
    frame, _, result = toy
    rows = frame.head(300)
    linear = result.model.linear[6]
    log_odds = linear.log_odds(rows)
    p = linear.baseline.predict(rows)
    np.testing.assert_allclose(1 / (1 + np.exp(-log_odds)), p, atol=1e-9)
    per_feature, bias = linear.contributions(rows)
    assert per_feature.shape == (rows.height, len(result.model.spec.names))
    np.testing.assert_allclose(per_feature.sum(axis=1) + bias, log_odds, atol=1e-9)
    assert np.abs(per_feature).max() > 0.01  # the signal features move the log-odds


def test_cap_rows_draws_a_seeded_ordered_subset_and_leaves_small_blocks_alone():
    frame = pl.DataFrame({"i": np.arange(1000)})
    capped = cap_rows(frame, 100, seed=3)
    assert capped.height == 100
    assert capped["i"].is_sorted() and capped["i"].n_unique() == 100
    assert_frame_equal(capped, cap_rows(frame, 100, seed=3))
    assert not capped.equals(cap_rows(frame, 100, seed=4))
    assert cap_rows(frame, None, seed=3) is frame
    assert cap_rows(frame, 1000, seed=3) is frame


def test_the_shipped_model_is_refitted_on_the_newest_labels_and_carries_the_evaluated_one(toy):
    from models.evaluate_run import score_holdout

    frame, _, result = toy
    shipped, held = result.model, result.model.evaluated
    assert held is shipped.held_out and held is not shipped and held.held_out is None
    # The figures (and the gate's re-scoring of a champion) are the held-out model's own.
    again = score_holdout(held, result.holdout)
    for h in (3, 6, 12):
        assert again[f"model_auc_{h}m"] == pytest.approx(result.metrics[f"model_auc_{h}m"])
        assert again[f"model_ece_{h}m"] == pytest.approx(result.metrics[f"model_ece_{h}m"])
        newest = frame.filter(pl.col(f"y_{h}m").is_not_null())["as_of"].max()
        assert result.params[f"refit_split_{h}m_calibration"].endswith(newest.isoformat())
        assert result.splits[h].calibration[1] < result.splits[h].test[0] <= newest
    # The refit learnt from months the held-out one never saw, so it scores differently.
    latest = frame.filter(pl.col("as_of") == pl.col("as_of").max())
    assert not np.allclose(
        shipped.predict(latest).to_numpy(), held.predict(latest).to_numpy(), atol=1e-6
    )


def test_without_refit_the_evaluated_model_is_shipped():
    frame, oracle = simulate_toy_snapshots(n_talents=300, n_months=40, seed=4)
    config = RunConfig(train=TrainParams(n_boot=0, lgb_params=TINY, refit=False))
    result = train_attrition_model(frame, TOY_NUMERIC, TOY_CATEGORICAL, config)
    assert result.model.evaluated is result.model and result.params["refit"].startswith("no")


def test_a_small_registry_averages_in_a_forest_in_thirds_and_its_refit_too(toy):
    from scipy.special import expit

    from models.attrition import forest_log_odds
    from models.frame import to_matrix

    frame, _, result = toy
    model = result.model
    assert set(model.forest) == {3, 6, 12} and model.forest_weight == pytest.approx(1 / 3)
    assert set(model.evaluated.forest) == {3, 6, 12}  # the held-out twin has the same recipe
    x = to_matrix(frame.head(200), model.spec)
    forest = model.forest[6]
    # LightGBM's rf raw score is the trees' sum; its probability the sigmoid of their mean.
    np.testing.assert_allclose(expit(forest_log_odds(forest, x)), forest.predict(x), atol=1e-9)
    blend = 0.5 * model.boosters[6].predict(x, raw_score=True) + 0.5 * model.linear[
        6
    ].log_odds_from_matrix(x)
    np.testing.assert_allclose(
        model.blend_log_odds(x, 6), (2 / 3) * blend + (1 / 3) * forest_log_odds(forest, x)
    )
    assert result.params["tuned_forest_6m"].startswith("50 trees, 31 leaves")


def test_no_forest_when_the_registry_is_large_or_it_is_off(toy):
    frame, _, _ = toy
    for train in (TrainParams(n_boot=0, lgb_params=TINY, forest_max_rows=50, refit=False),
                  TrainParams(n_boot=0, lgb_params=TINY, forest_weight=0.0, refit=False)):  # fmt: skip
        result = train_attrition_model(frame, TOY_NUMERIC, TOY_CATEGORICAL, RunConfig(train=train))
        assert result.model.forest is None and result.model.forest_weight == 0.0
        assert not any(k.startswith("tuned_forest") for k in result.params)
