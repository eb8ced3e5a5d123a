"""Evaluate a fitted model out-of-time, per horizon, beside the baselines and (if given) the oracle."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from models.attrition import AttritionModel
from models.baselines import fit_logistic_baseline, fit_subsidy_rule, score_subsidy_rule
from models.bootstrap import bootstrap_auc_difference
from models.evaluate import lift_by_decile, reliability_table, score_metrics
from models.fairness import audit_fairness, summarize_fairness_gaps
from models.plots import plot_lift, plot_reliability
from models.split import TimeSplit, select_block

AUDIT_COLUMNS = ("gender", "hometown", "age", "county")
LOGISTIC_MAX_ROWS = 100_000


@dataclass
class Evaluation:
    """Flat metrics, tables, PNG figures, baseline metrics, fairness audit and the test blocks."""

    metrics: dict[str, float]
    tables: dict[str, pl.DataFrame]
    figures: dict[str, bytes]
    baselines: dict[str, float]
    fairness: pl.DataFrame
    holdout: dict[int, pl.DataFrame]


def score_holdout(
    model: AttritionModel, holdout: dict[int, pl.DataFrame], capacity: int = 50
) -> dict[str, float]:
    """The model's metrics and fairness gaps on given test blocks (used to re-score a champion)."""
    metrics: dict[str, float] = {}
    for h, block in holdout.items():
        scored = block.with_columns(model.predict(block).get_column(f"p_leave_{h}m").alias("model"))
        for name, value in score_metrics(scored, "model", f"y_{h}m", capacity).items():
            metrics[f"model_{name}_{h}m"] = value
        metrics.update(summarize_fairness_gaps(audit_fairness(scored, "model", f"y_{h}m", h)))
    return metrics


def subsample(frame: pl.DataFrame, n: int, seed: int) -> pl.DataFrame:
    """At most n rows, drawn without replacement (after the split, for the logistic baseline's speed)."""
    return frame if frame.height <= n else frame.sample(n, seed=seed)


def score_horizon(
    model: AttritionModel,
    frame: pl.DataFrame,
    split: TimeSplit,
    oracle: pl.DataFrame | None,
    seed: int,
) -> pl.DataFrame:
    """Test block rows with one probability column per scorer: model, logistic, rule, oracle."""
    h, label = split.horizon, f"y_{split.horizon}m"
    train = select_block(frame, split, "train")
    calib = select_block(frame, split, "calibration")
    test = select_block(frame, split, "test")
    logistic = fit_logistic_baseline(
        subsample(train, LOGISTIC_MAX_ROWS, seed), model.spec, label, seed
    )
    scored = test.with_columns(
        pl.Series("model", model.predict(test).get_column(f"p_leave_{h}m").to_numpy()),
        pl.Series("logistic", logistic.predict(test)),
        pl.Series("rule", score_subsidy_rule(test, h, fit_subsidy_rule(calib, h, label))),
    )
    if oracle is not None:
        truth = oracle.select("talent_id", "as_of", pl.col(f"p_leave_{h}m").alias("oracle"))
        scored = scored.join(truth, on=["talent_id", "as_of"], how="left", maintain_order="left")
        if scored.get_column("oracle").null_count():
            raise ValueError(f"oracle lacks {scored['oracle'].null_count()} test rows at {h}m")
    return scored


def evaluate_model(
    model: AttritionModel,
    frame: pl.DataFrame,
    splits: dict[int, TimeSplit],
    oracle: pl.DataFrame | None = None,
    seed: int = 0,
    n_boot: int = 200,
    capacity: int = 50,
) -> Evaluation:
    """All out-of-time figures for every horizon of `splits`."""
    metrics, baselines, tables, figures, audits, holdout = {}, {}, {}, {}, [], {}
    for h, split in splits.items():
        label = f"y_{h}m"
        scored = score_horizon(model, frame, split, oracle, seed)
        holdout[h] = select_block(frame, split, "test")
        scorers = ["model", "logistic", "rule"] + (["oracle"] if oracle is not None else [])
        y = scored.get_column(label).to_numpy().astype(np.float64)
        for scorer in scorers:
            for name, value in score_metrics(scored, scorer, label, capacity).items():
                key = f"{scorer}_{name}_{h}m"
                metrics[key] = value
                if scorer in ("logistic", "rule"):
                    baselines[key] = value
        if oracle is not None:
            for name in ("auc", "ap", "brier", "ece", "precision_top5pct", "precision_at_capacity"):
                metrics[f"gap_oracle_{name}_{h}m"] = (
                    metrics[f"oracle_{name}_{h}m"] - metrics[f"model_{name}_{h}m"]
                )
            metrics[f"model_oracle_lift_share_{h}m"] = (metrics[f"model_auc_{h}m"] - 0.5) / max(
                metrics[f"oracle_auc_{h}m"] - 0.5, 1e-9
            )
        clusters = scored.get_column("talent_id").to_numpy()
        for other in ("logistic", "rule"):
            diff = bootstrap_auc_difference(
                y, scored["model"].to_numpy(), scored[other].to_numpy(), clusters, n_boot, seed
            )
            for name, value in diff.items():
                metrics[f"auc_diff_{other}_{name}_{h}m"] = value
        reliability = {s: reliability_table(scored[s].to_numpy(), y) for s in scorers}
        lifts = {s: lift_by_decile(scored[s].to_numpy(), y) for s in scorers}
        tables[f"reliability_{h}m"] = pl.concat(
            [t.with_columns(pl.lit(s).alias("scorer")) for s, t in reliability.items()]
        )
        tables[f"lift_{h}m"] = pl.concat(
            [t.with_columns(pl.lit(s).alias("scorer")) for s, t in lifts.items()]
        )
        figures[f"reliability_{h}m.png"] = plot_reliability(reliability, h)
        figures[f"lift_{h}m.png"] = plot_lift(lifts, h)
        audit = audit_fairness(scored, "model", label, h)
        audits.append(audit)
        metrics.update(summarize_fairness_gaps(audit))
    fairness = pl.concat(audits) if audits else pl.DataFrame()
    tables["fairness"] = fairness
    tables["metrics"] = pl.DataFrame(
        {"metric": list(metrics), "value": [float(v) for v in metrics.values()]}
    )
    return Evaluation(metrics, tables, figures, baselines, fairness, holdout)
