"""Train the attrition model: one LightGBM per horizon (3, 6, 12 months), calibrated, monotone.

Why per-horizon models with a monotone fix rather than a discrete-time hazard model: a
hazard model needs the snapshot features to be carried forward over every month ahead
(one row per talent-month-ahead, twelve times the ~1-2 M snapshot rows on a 2-core
machine) and its 12-month risk is a product of twelve monthly estimates whose errors
compound. Each per-horizon model learns its own target directly from the snapshot
rows, is calibrated on that target (isotonic on a later time block), and is judged on
exactly the quantity officers read. The price is that three separately fitted curves
can cross; we remove crossings by construction with a running maximum over horizons
(p_3m <= p_6m <= p_12m), which only moves the rare rows where they cross and so leaves
calibration intact (the out-of-time ECE is measured after the fix).

Splits are by snapshot date only, per horizon because the last fully labelled month
differs by horizon: train on early snapshots, early-stop and calibrate on the next
block, and report on the last labelled block, separated from it by a purge of h months
so that no training or calibration label looks into the test months.

Quality (issue 4), measured on fresh 20k registries (synthetic.simulate, as_of 2026-11-23),
out-of-time, defaults below (small trees: 7 leaves, min_data_in_leaf 800, feature_fraction
0.7, lambda_l2 10, max_bin 63, lr 0.08; training on the last 48 snapshot months). share =
(AUC-0.5)/(oracle AUC-0.5), bar 0.8; ECE bar 0.02; "vs logistic" is the 95% bootstrap interval
of AUC(model) - AUC(logistic), bar: above 0. Time under heavy shared load on 2 cores.

| seed | h | AUC | oracle | share | ECE | vs logistic | vs rule lo | wall / CPU |
|---|---|---|---|---|---|---|---|---|
| 0 | 3 | 0.855 | 0.889 | 0.914 | 0.003 | [-0.006, +0.002] | +0.353 | 633 s / 246 s |
| 0 | 6 | 0.806 | 0.851 | 0.871 | 0.005 | [-0.006, +0.004] | +0.269 | |
| 0 | 12 | 0.767 | 0.830 | 0.810 | 0.014 | [-0.008, +0.007] | +0.203 | |
| 1 | 3 | 0.849 | 0.880 | 0.919 | 0.004 | [-0.002, +0.005] | +0.344 | 580 s / 186 s |
| 1 | 6 | 0.798 | 0.840 | 0.876 | 0.009 | [-0.006, +0.004] | +0.266 | |
| 1 | 12 | 0.756 | 0.818 | 0.805 | 0.017 | [-0.010, +0.003] | +0.199 | |

Oracle share, ECE and the rule baseline pass on both seeds; the logistic baseline is tied
(interval spans 0), so that part of the bar is NOT met. The former defaults (31 leaves,
min_data 200, all history) on seed 0 gave 12m share 0.748, ECE 0.039, logistic ahead by
[0.016, 0.033], 475 s CPU.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import polars as pl

from models.attrition import AttritionModel
from models.calibrate import fit_calibrator
from models.evaluate_run import evaluate_model
from models.frame import fit_feature_spec, to_matrix
from models.split import TimeSplit, limit_training_window, select_block, split_by_time

HORIZONS = (3, 6, 12)

LGB_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.08,
    "num_leaves": 7,
    "min_data_in_leaf": 800,
    "feature_fraction": 0.7,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 10.0,
    "cat_smooth": 10.0,
    "max_cat_to_onehot": 4,
    "max_bin": 63,
    "force_row_wise": True,
    "deterministic": True,
    "verbosity": -1,
}


@dataclass
class TrainResult:
    """The fitted model and its out-of-time evaluation against baselines (and the oracle if given)."""

    model: AttritionModel
    metrics: dict[str, float]
    tables: dict[str, pl.DataFrame]
    figures: dict[str, bytes]
    baselines: dict[str, float]
    fairness: pl.DataFrame
    splits: dict[int, TimeSplit]
    holdout: dict[int, pl.DataFrame]
    params: dict[str, object]
    data_info: dict[str, str] = field(default_factory=dict)


def digest_frame(frame: pl.DataFrame) -> str:
    """SHA-256 over the frame's row hashes (stable for a polars version and row order)."""
    return hashlib.sha256(frame.hash_rows(seed=0).to_numpy().tobytes()).hexdigest()


def describe_training_data(frame: pl.DataFrame, splits: dict[int, TimeSplit]) -> dict[str, str]:
    """Digest, size and date range of the snapshots the model saw."""
    info = {
        "data_digest": digest_frame(frame),
        "n_rows": str(frame.height),
        "n_talents": str(frame.get_column("talent_id").n_unique()),
        "as_of_min": str(frame.get_column("as_of").min()),
        "as_of_max": str(frame.get_column("as_of").max()),
    }
    for split in splits.values():
        info.update(split.as_dict())
    return info


def fit_booster(
    train: pl.DataFrame, valid: pl.DataFrame, model_spec, label: str, params: dict, rounds: int
) -> lgb.Booster:
    """LightGBM with early stopping on the calibration block."""
    cats = model_spec.categorical_indices
    y_train = train.get_column(label).to_numpy().astype(np.float64)
    y_valid = valid.get_column(label).to_numpy().astype(np.float64)
    dtrain = lgb.Dataset(
        to_matrix(train, model_spec),
        y_train,
        feature_name=model_spec.names,
        categorical_feature=cats,
        free_raw_data=True,
    )
    dvalid = lgb.Dataset(to_matrix(valid, model_spec), y_valid, reference=dtrain)
    return lgb.train(
        params,
        dtrain,
        num_boost_round=rounds,
        valid_sets=[dvalid],
        callbacks=[lgb.early_stopping(30, verbose=False)],
    )


def train_attrition_model(
    frame: pl.DataFrame,
    numeric: list[str],
    categorical: list[str],
    seed: int = 0,
    horizons: tuple[int, ...] = HORIZONS,
    oracle: pl.DataFrame | None = None,
    lgb_params: dict | None = None,
    num_boost_round: int = 600,
    num_threads: int = 2,
    test_months: int = 6,
    calibration_months: int = 6,
    purge_months: int | None = None,
    train_months: int | None = 48,
    n_boot: int = 200,
    capacity: int = 50,
) -> TrainResult:
    """Fit, calibrate and evaluate out-of-time one model per horizon on labelled monthly snapshots."""
    params = {**LGB_PARAMS, **(lgb_params or {}), "seed": seed, "num_threads": num_threads}
    splits = {
        h: limit_training_window(
            split_by_time(frame, h, test_months, calibration_months, purge_months), train_months
        )
        for h in horizons
    }
    last_train = max(split.train[1] for split in splits.values())
    spec = fit_feature_spec(frame.filter(pl.col("as_of") <= last_train), numeric, categorical)
    boosters, calibrators = {}, {}
    for h in horizons:
        label = f"y_{h}m"
        train = select_block(frame, splits[h], "train")
        calib = select_block(frame, splits[h], "calibration")
        boosters[h] = fit_booster(train, calib, spec, label, params, num_boost_round)
        raw = boosters[h].predict(to_matrix(calib, spec))
        calibrators[h] = fit_calibrator(raw, calib.get_column(label).to_numpy())
    model = AttritionModel(spec, boosters, calibrators, tuple(horizons))
    model.info = {f"best_iteration_{h}m": str(b.best_iteration) for h, b in boosters.items()}
    evaluation = evaluate_model(
        model, frame, splits, oracle=oracle, seed=seed, n_boot=n_boot, capacity=capacity
    )
    run_params = {
        **{k: v for k, v in params.items()},
        "model_kind": "lightgbm_per_horizon_isotonic_monotone",
        "num_boost_round": num_boost_round,
        "test_months": test_months,
        "calibration_months": calibration_months,
        "purge_months": "horizon" if purge_months is None else purge_months,
        "train_months": "all" if train_months is None else train_months,
        "n_numeric": len(numeric),
        "n_categorical": len(categorical),
        **{f"best_iteration_{h}m": b.best_iteration for h, b in boosters.items()},
    }
    return TrainResult(
        model=model,
        metrics=evaluation.metrics,
        tables=evaluation.tables,
        figures=evaluation.figures,
        baselines=evaluation.baselines,
        fairness=evaluation.fairness,
        splits=splits,
        holdout=evaluation.holdout,
        params=run_params,
        data_info=describe_training_data(frame, splits),
    )
