"""`make bench`, small registries: the model side by side with two survival models (issue 14, item 5).

    uv run python -m benchmarks.small [--sizes 1000,3000,20000] [--seed 0] [--n-boot 200]

Per size and horizon, on the same simulated world, the same training block and the same
out-of-time test block as the model's own evaluation:

- the model (`train_attrition_model`, as shipped), fitted on every training snapshot;
- scikit-survival's RandomSurvivalForest and lifelines' CoxPHFitter, fitted on the same
  training snapshots (the horizon's training block), drawn uniformly at random without
  replacement down to `--survival-rows` (20,000) when the block is larger: RSF's cost grows
  with rows, and a uniform draw keeps the snapshot mix the test block also has. Not "one row
  per talent at its latest snapshot": measured first at 1,000 talents, that row is, for every
  leaver, the month just before leaving, so 31% of those rows depart within 3 months against
  6% of all snapshots, and both survival models came out miscalibrated (RSF ECE 0.18-0.31).
  A row's duration is the coarse time of every label it carries: departed within 3, 6 or 12
  months (event at 3, 6 or 12), else censored at the longest horizon observed (>= h).
  Their risk for horizon h is 1 - S(h) at each test snapshot.

Reported: AUC and ECE of each, and the 95% talent-clustered bootstrap interval of
AUC(model) - AUC(other). Target: the model at least as good as the best of them, within the
bootstrap noise (the interval's upper end >= 0). The survival libraries are dev dependencies:
imported here only, never by the product.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.report import write_section

REPO = Path(__file__).resolve().parents[1]
HORIZONS = (3, 6, 12)


def survival_targets(rows: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Event flag and coarse duration (months) from every label a row carries: the event at the
    first of 3, 6, 12 months whose label is 1, else censored at the longest horizon known."""
    time_expr, event_expr = pl.lit(None, dtype=pl.Float64), pl.lit(False)
    for g in HORIZONS:  # censoring time: the longest observed horizon
        time_expr = pl.when(pl.col(f"y_{g}m").is_not_null()).then(float(g)).otherwise(time_expr)
    for g in reversed(HORIZONS):  # event time: the first horizon that saw the departure
        hit = pl.col(f"y_{g}m") == 1
        time_expr = pl.when(hit).then(float(g)).otherwise(time_expr)
        event_expr = pl.when(hit).then(True).otherwise(event_expr)
    out = rows.select(event_expr.alias("event"), time_expr.alias("duration"))
    return out["event"].to_numpy(), out["duration"].to_numpy()


class Design:
    """Numeric matrix for the survival models: median-imputed numbers with a missing flag per
    column that has gaps, one-hot categoricals (the model's levels), constant columns dropped;
    standardised with the training rows' mean and spread."""

    def __init__(self, train: pl.DataFrame, spec):
        from models.frame import to_matrix

        self.spec = spec
        x = to_matrix(train, spec)
        k = len(spec.numeric)
        num = x[:, :k]
        self.median = np.nanmedian(np.where(np.isnan(num).all(axis=0), 0.0, num), axis=0)
        self.median = np.where(np.isnan(self.median), 0.0, self.median)
        self.flag = np.isnan(num).any(axis=0)
        self.n_levels = [len(spec.levels[c]) for c in spec.categorical]
        raw = self._raw(x)
        self.mean, self.std = raw.mean(axis=0), raw.std(axis=0)
        self.keep = self.std > 1e-9

    def _raw(self, x: np.ndarray) -> np.ndarray:
        k = len(self.spec.numeric)
        num = x[:, :k]
        miss = np.isnan(num)
        parts = [np.where(miss, self.median, num), miss[:, self.flag].astype(float)]
        for j, n_levels in enumerate(self.n_levels):
            codes = x[:, k + j]
            parts.append((codes[:, None] == np.arange(n_levels)[None, :]).astype(float))
        return np.hstack(parts)

    def matrix(self, frame: pl.DataFrame) -> np.ndarray:
        from models.frame import to_matrix

        raw = self._raw(to_matrix(frame, self.spec))[:, self.keep]
        return (raw - self.mean[self.keep]) / self.std[self.keep]


def survival_rows(train: pl.DataFrame, cap: int, seed: int) -> pl.DataFrame:
    """The block's snapshots, a uniform draw of `cap` of them when there are more."""
    return train if train.height <= cap else train.sample(cap, seed=seed)


def fit_rsf(x: np.ndarray, event: np.ndarray, duration: np.ndarray, seed: int):
    """scikit-survival RandomSurvivalForest (settings: the library's, with leaf and depth bounds
    that keep 20,000 rows affordable on one core)."""
    from sksurv.ensemble import RandomSurvivalForest
    from sksurv.util import Surv

    rsf = RandomSurvivalForest(
        n_estimators=100, min_samples_leaf=30, max_features="sqrt", n_jobs=1, random_state=seed
    )
    return rsf.fit(x, Surv.from_arrays(event=event.astype(bool), time=duration))


def rsf_risk(rsf, x: np.ndarray, h: int) -> np.ndarray:
    """1 - S(h) from the forest's survival step functions."""
    out = np.empty(len(x))
    for start in range(0, len(x), 20_000):
        fns = rsf.predict_survival_function(x[start : start + 20_000], return_array=True)
        times = rsf.unique_times_
        idx = np.searchsorted(times, h, side="right") - 1
        out[start : start + 20_000] = 1.0 - (fns[:, idx] if idx >= 0 else 1.0)
    return out


def fit_cox(x: np.ndarray, event: np.ndarray, duration: np.ndarray):
    """lifelines CoxPHFitter with a light ridge penalty (plain Cox does not converge on
    separated one-hot columns); pandas only at the library's edge."""
    import pandas as pd
    from lifelines import CoxPHFitter

    cols = [f"f{i}" for i in range(x.shape[1])]
    df = pd.DataFrame(x, columns=cols)
    df["duration"], df["event"] = duration, event.astype(int)
    return CoxPHFitter(penalizer=0.1).fit(df, "duration", "event"), cols


def cox_risk(cox, cols: list[str], x: np.ndarray, h: int) -> np.ndarray:
    """1 - S(h) per row."""
    import pandas as pd

    surv = cox.predict_survival_function(pd.DataFrame(x, columns=cols), times=[float(h)])
    return 1.0 - surv.to_numpy()[0]


def judge_horizon(frame: pl.DataFrame, result, h: int, seed: int, n_boot: int, cap: int) -> dict:
    """The model, RSF and Cox on one horizon's blocks of a trained result: the same training
    snapshots (a uniform draw of at most `cap`), the same out-of-time test block.

    Returns the figures (AUC, ECE, bootstrap interval of AUC(model) - AUC(other)) and, under
    "_scores", the test block's labels, talents and each model's risk for callers that add more.
    """
    from sklearn.metrics import roc_auc_score

    from models.bootstrap import bootstrap_auc_difference
    from models.evaluate import expected_calibration_error
    from models.split import select_block

    split, spec = result.splits[h], result.model.spec
    block = select_block(frame, split, "train")
    train = survival_rows(block, cap, seed)
    test = select_block(frame, split, "test")
    y = test[f"y_{h}m"].to_numpy().astype(float)
    talents = test["talent_id"].to_numpy()
    ours = result.model.evaluated.predict(test)[f"p_leave_{h}m"].to_numpy()
    design = Design(train, spec)
    x_train, x_test = design.matrix(train), design.matrix(test)
    event, duration = survival_targets(train)
    row = {
        "h": h, "train_rows": block.height, "talent_rows": train.height,
        "events": int(event.sum()), "test_rows": test.height,
        "test_talents": int(test["talent_id"].n_unique()), "test_positives": int(y.sum()),
        "auc": roc_auc_score(y, ours), "ece": expected_calibration_error(ours, y),
    }  # fmt: skip
    started = time.perf_counter()
    rsf = fit_rsf(x_train, event, duration, seed)
    scores = {"rsf": rsf_risk(rsf, x_test, h)}
    row["rsf_s"] = time.perf_counter() - started
    started = time.perf_counter()
    cox, cols = fit_cox(x_train, event, duration)
    scores["cox"] = cox_risk(cox, cols, x_test, h)
    row["cox_s"] = time.perf_counter() - started
    for name, score in scores.items():
        diff = bootstrap_auc_difference(y, ours, score, talents, n_boot, seed)
        row |= {
            f"{name}_auc": roc_auc_score(y, score),
            f"{name}_ece": expected_calibration_error(score, y),
            f"{name}_lo": diff["lo"], f"{name}_hi": diff["hi"],
        }  # fmt: skip
    row["_scores"] = {"y": y, "talents": talents, "model": ours, **scores}
    return row


def measure_size(n: int, seed: int, cache: Path, n_boot: int, cap: int) -> list[dict]:
    """Train the model and both survival models on one world; figures per horizon."""
    from benchmarks.probe import world_frames
    from features.catalog import model_columns
    from models.train import train_attrition_model
    from runconfig import RunConfig, TrainParams

    frame, oracle = world_frames(n, seed, None, cache)
    numeric, categorical = model_columns(frame)
    config = RunConfig(train=TrainParams(seed=seed, n_boot=n_boot, refit=False))  # judged: held out
    started = time.perf_counter()
    result = train_attrition_model(frame, numeric, categorical, config, oracle=oracle)
    model_s = time.perf_counter() - started
    m, rows = result.metrics, []
    for h in config.horizons:
        row = judge_horizon(frame, result, h, seed, n_boot, cap)
        row.pop("_scores")
        row |= {
            "talents": n, "oracle_auc": m.get(f"oracle_auc_{h}m", float("nan")),
            "logistic_auc": m[f"logistic_auc_{h}m"], "model_s": model_s,
            "leaf_rows": result.params.get(f"tuned_min_data_in_leaf_{h}m"),
            "blend": result.params.get(f"tuned_blend_weight_{h}m"),
        }  # fmt: skip
        rows.append(row)
        print(render_rows([row])[-1], flush=True)
    return rows


def verdict(row: dict) -> str:
    """Whether the model is at least as good as the best survival model within the noise."""
    best = max(("rsf", "cox"), key=lambda k: row[f"{k}_auc"])
    if row[f"{best}_hi"] < 0:
        return f"MISSED (worse than {best.upper()} beyond the noise)"
    return "met"


def render_rows(rows: list[dict]) -> list[str]:
    """Table lines for some rows."""
    return [
        f"| {r['talents']:,} | {r['h']} m | {r['talent_rows']:,} of {r['train_rows']:,} ({r['events']:,}) "
        f"| {r['test_rows']:,} | {r['oracle_auc']:.4f} | {r['auc']:.4f} | {r['ece']:.4f} "
        f"| {r['logistic_auc']:.4f} "
        f"| {r['rsf_auc']:.4f} | {r['rsf_ece']:.4f} | [{r['rsf_lo']:+.4f}, {r['rsf_hi']:+.4f}] "
        f"| {r['cox_auc']:.4f} | {r['cox_ece']:.4f} | [{r['cox_lo']:+.4f}, {r['cox_hi']:+.4f}] "
        f"| {r['leaf_rows']}, {r['blend']} | {r['model_s']:.0f} / {r['rsf_s']:.0f} / {r['cox_s']:.0f} "
        f"| {verdict(r)} |"
        for r in rows
    ]


def render(rows: list[dict], header: str) -> str:
    """The small-registries table as markdown."""
    return "\n".join(
        [
            "## Small registries: the model vs RandomSurvivalForest and CoxPHFitter (`python -m benchmarks.small`)",
            "",
            header,
            "",
            "| talents | h | survival training rows of block (events) | test rows | oracle AUC | model AUC "
            "| model ECE | logistic AUC | RSF AUC | RSF ECE | model - RSF, 95% | Cox AUC | Cox ECE "
            "| model - Cox, 95% | min leaf, blend w | fit s (model all h / RSF / Cox) | verdict |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|---|---|",
            *render_rows(rows),
            "",
            "The model trains on every snapshot of the horizon's training block; RSF and Cox on "
            "the same snapshots, a uniform draw of at most 20,000 (see the module docstring for why). "
            "Same out-of-time test block for all three. Intervals: talent-clustered bootstrap of the AUC difference.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Measure every size and write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,3000,20000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-boot", type=int, default=200)
    parser.add_argument("--survival-rows", type=int, default=20_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/bench/small"))
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        rows += measure_size(n, args.seed, args.cache, args.n_boot, args.survival_rows)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        header = (
            f"Run {stamp}, sizes {args.sizes} (written after each), seed {args.seed}, as-of "
            f"2026-11-23, default world, {args.n_boot} bootstrap resamples. Generated into its "
            "section of results.md; do not edit by hand."
        )
        write_section(args.out, "small", render(rows, header))  # a cut-short run keeps rows
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
