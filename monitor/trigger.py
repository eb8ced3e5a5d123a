"""The retrain rule: retrain when the champion is measurably worse, or drifted, or old.

The rule fires (and says why) when any of these holds:
(a) AUC: for some horizon, the latest matured list scored by the champion has a realised AUC
    whose whole 95% employer-bootstrap interval lies below the champion's out-of-time AUC
    (auc_high < champion AUC: worse by more than the interval, not by noise);
(b) calibration: for some horizon, the two latest matured lists scored by the champion both
    have a realised leave rate outside the predicted rate's 95% Poisson-binomial interval,
    on the same side (two in a row: one list alone can be one bad month of layoffs);
(c) drift: a feature among the model's `top_features` (10) most important has PSI above its
    limit (monitor/drift.py: max(PSI threshold, sampling-noise bound));
(d) fallback: none of these fired and the last training run is `fallback_months` or more
    months old (the old monthly retrain, now only when nothing else asked for one).
When interventions exist the backtest's `untreated` cohort is read for (a) and (b): a visited
talent who stayed would otherwise read as the model overpredicting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import polars as pl


@dataclass(frozen=True)
class RetrainDecision:
    """Whether to retrain, the rule parts that fired, and every check made (fired or not)."""

    fire: bool
    reasons: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """One line: the decision and its reasons."""
        head = "retrain: yes" if self.fire else "retrain: no"
        return head + (" (" + "; ".join(self.reasons) + ")" if self.reasons else "")


def _cohort(figures: pl.DataFrame) -> pl.DataFrame:
    cohorts = set(figures.get_column("cohort").unique().to_list()) if figures.height else set()
    return figures.filter(pl.col("cohort") == ("untreated" if "untreated" in cohorts else "all"))


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (day of month ignored)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def decide_retrain(
    figures: pl.DataFrame,
    drift: pl.DataFrame,
    champion_version: str,
    champion_auc: dict[int, float],
    last_trained: date | None,
    as_of: date,
    fallback_months: int,
) -> RetrainDecision:
    """Apply rules (a)-(d) to the backtest figures and this week's drift table."""
    reasons, checks = [], []
    mine = (
        _cohort(figures).filter(
            pl.col("matured") & (pl.col("model_version") == str(champion_version))
        )
        if figures.height
        else figures
    )
    for h in sorted(champion_auc):
        rows = (
            mine.filter(pl.col("horizon_months") == h).sort("list_as_of") if mine.height else mine
        )
        if not rows.height:
            checks.append(f"{h}m: no matured list of v{champion_version} yet")
            continue
        last = rows.row(-1, named=True)
        ref, high = champion_auc[h], last["auc_high"]
        if high is not None and math.isfinite(ref) and high < ref:
            reasons.append(
                f"(a) {h}m AUC of the {last['list_as_of']} list {last['auc']:.3f} "
                f"(95% {last['auc_low']:.3f}-{high:.3f}) is below the champion's out-of-time {ref:.3f}"
            )
        else:
            checks.append(
                f"(a) {h}m AUC of {last['list_as_of']}: {_f(last['auc'])} vs {ref:.3f}, within"
            )
        sides = [_side(r) for r in rows.tail(2).iter_rows(named=True)]
        if len(sides) == 2 and sides[0] != 0 and sides[0] == sides[1]:
            two = rows.tail(2).iter_rows(named=True)
            said = ", ".join(
                f"{r['list_as_of']}: {r['realized_rate']:.1%} vs {r['predicted_low']:.1%}-"
                f"{r['predicted_high']:.1%}"
                for r in two
            )
            word = "above" if sides[0] > 0 else "below"
            reasons.append(
                f"(b) {h}m realised rate {word} the predicted interval twice in a row ({said})"
            )
        else:
            checks.append(f"(b) {h}m realised vs predicted rate: not outside twice in a row")
    top = drift.filter(pl.col("top_feature") & pl.col("drifted")) if drift.height else drift
    for r in top.iter_rows(named=True):
        reasons.append(
            f"(c) PSI {r['psi']:.3f} > {r['psi_limit']:.3f} on {r['feature']} "
            f"(importance rank {r['importance_rank']})"
        )
    if not top.height:
        checks.append("(c) no top-10 feature drifted")
    if not reasons:
        age = None if last_trained is None else months_between(last_trained, as_of)
        if age is None or age >= fallback_months:
            since = (
                "never trained" if age is None else f"last trained {last_trained}, {age} months ago"
            )
            reasons.append(
                f"(d) fallback: nothing fired and {since} (every {fallback_months} months)"
            )
        else:
            checks.append(f"(d) last trained {last_trained}, {age} of {fallback_months} months")
    return RetrainDecision(bool(reasons), reasons, checks)


def _side(row: dict) -> int:
    """+1 when the realised rate is above the predicted interval, -1 below, 0 inside."""
    real, low, high = row["realized_rate"], row["predicted_low"], row["predicted_high"]
    if real is None or low is None or high is None:
        return 0
    return 1 if real > high else -1 if real < low else 0


def _f(v) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:.3f}"
