"""Backtest pieces: the AUC and its employer bootstrap, outcomes from the label code, cohorts."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from monitor.backtest import backtest_figures, scored_outcomes
from monitor.metrics import cluster_bootstrap_auc, tie_groups, weighted_auc
from monitor.outcomes import list_outcomes, observed_months, treated_talents
from runconfig import TimeRules


def test_auc_equals_sklearn_with_ties_and_weights_equal_repeated_rows():
    rng = np.random.default_rng(1)
    p = rng.integers(0, 20, 500) / 20  # many ties
    y = (rng.random(500) < p).astype(float)
    assert weighted_auc(tie_groups(p), y, np.ones(500)) == pytest.approx(roc_auc_score(y, p))
    w = rng.integers(0, 3, 500).astype(float)
    rep = np.repeat(np.arange(500), w.astype(int))
    assert weighted_auc(tie_groups(p), y, w) == pytest.approx(roc_auc_score(y[rep], p[rep]))


def test_employer_bootstrap_is_wider_when_employers_leave_together():
    rng = np.random.default_rng(2)
    employers = np.repeat(np.arange(40), 25)
    shock = rng.normal(0, 1.5, 40)[employers]  # a whole employer leaves or stays together
    p = 1 / (1 + np.exp(-(rng.normal(0, 1, 1000) - 1.5)))
    y = (rng.random(1000) < 1 / (1 + np.exp(-(np.log(p / (1 - p)) + shock)))).astype(float)
    auc = weighted_auc(tie_groups(p), y, np.ones(1000))
    low, high = cluster_bootstrap_auc(p, y, employers, 200, 0)
    t_low, t_high = cluster_bootstrap_auc(p, y, np.arange(1000), 200, 0)
    assert low < auc < high and t_low < auc < t_high
    assert high - low > t_high - t_low
    assert cluster_bootstrap_auc(p, y, np.zeros(1000), 200, 0) != cluster_bootstrap_auc(
        p, y, employers, 200, 1
    )


def _si(months_a: list[str], months_b: list[str]) -> pl.DataFrame:
    rows = [("A", m) for m in months_a] + [("B", m) for m in months_b]
    return pl.DataFrame(rows, schema=["talent_id", "month"], orient="row").select(
        "talent_id",
        pl.col("month").str.to_date("%Y-%m"),
        pl.lit("E1").alias("employer_id"),
        pl.lit(5000.0).alias("contribution_base"),
    )


PAID = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01", "2026-02", "2026-03"]
ALWAYS = PAID + [f"2026-{m:02d}" for m in range(4, 11)]
LIST = pl.DataFrame({"as_of": [date(2026, 2, 2)] * 2, "talent_id": ["A", "B"]})


@pytest.mark.parametrize(
    ("extract", "matured", "departed", "so_far", "seen"),
    [
        (date(2026, 11, 15), True, [True, False], [True, False], 3),
        # known to 2026-06: April's departure is confirmed (04-06 unpaid); 2 months seen
        (date(2026, 7, 15), False, [None, None], [True, False], 2),
        # known to 2026-05: April is not yet confirmed, so nobody has departed so far
        (date(2026, 6, 15), False, [None, None], [False, False], 1),
    ],
)
def test_outcomes_are_the_training_label_and_partial_until_matured(
    extract, matured, departed, so_far, seen
):
    si = _si([m for m in ALWAYS if m <= "2026-03"], [m for m in ALWAYS if m <= f"{extract:%Y-%m}"])
    got = list_outcomes(LIST, si, extract, (3,), TimeRules()).sort("talent_id")
    assert got.get_column("departed").to_list() == departed
    assert got.get_column("departed_so_far").to_list() == so_far
    assert got.get_column("months_observed").to_list() == [seen, seen]
    assert observed_months(date(2026, 2, 2), extract) >= seen
    scored = scored_outcomes(
        LIST.with_columns(
            county=pl.lit("qihe"),
            employer_id=pl.lit("E1"),
            risk_tier=pl.lit("high"),
            model_version=pl.lit("1"),
            p_leave_3m=pl.Series([0.9, 0.1]),
        ),  # fmt: skip
        got,
        (3,),
    )
    assert scored.get_column("matured").unique().to_list() == [matured]


def test_a_visited_talent_who_stayed_is_counted_apart_not_as_a_wrong_alarm():
    lists = pl.DataFrame(
        {
            "as_of": [date(2026, 2, 2)] * 4,
            "talent_id": ["A", "B", "C", "D"],
            "county": ["qihe"] * 4,
            "employer_id": ["E1", "E1", "E2", "E2"],
            "risk_tier": ["high", "high", "low", "low"],
            "model_version": ["3"] * 4,
            "p_leave_3m": [0.9, 0.8, 0.2, 0.1],
        }
    )
    outcomes = pl.DataFrame(
        {
            "list_as_of": [date(2026, 2, 2)] * 4,
            "talent_id": ["A", "B", "C", "D"],
            "horizon_months": pl.Series([3] * 4, dtype=pl.Int32),
            "departed": [True, False, False, False],
            "departed_so_far": [True, False, False, False],
            "months_observed": pl.Series([3] * 4, dtype=pl.Int32),
        }
    )
    acts = pl.DataFrame(
        {
            "talent_id": ["B", "C", "D"],
            "action_date": [date(2026, 2, 10), date(2026, 1, 5), date(2026, 3, 1)],
            "action": ["visited", "visited", "note"],  # C before the list, D only a note
        }
    )
    treated = treated_talents(acts, lists, (3,))
    assert treated.get_column("talent_id").to_list() == ["B"]
    figures, groups = backtest_figures(scored_outcomes(lists, outcomes, (3,)), treated, 50, 50)
    by = {r["cohort"]: r for r in figures.iter_rows(named=True)}
    assert (by["all"]["n_scored"], by["treated"]["n_scored"], by["untreated"]["n_scored"]) == (
        4,
        1,
        3,
    )
    assert by["untreated"]["auc"] == 1.0 and by["all"]["auc"] == 1.0
    assert by["treated"]["n_departed"] == 0
    tiers = groups.filter((pl.col("kind") == "tier") & (pl.col("cohort") == "all"))
    assert dict(tiers.select("group", "n_departed").iter_rows()) == {"high": 1, "low": 0}
