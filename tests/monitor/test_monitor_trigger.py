"""The retrain rule: each part fires on its own condition and says why; quiet otherwise."""

from __future__ import annotations

from datetime import date

import polars as pl

from monitor.trigger import decide_retrain

WEEK = date(2026, 11, 23)


def figures(rows: list[dict]) -> pl.DataFrame:
    base = {
        "cohort": "all", "matured": True, "model_version": "3", "horizon_months": 3,
        "auc": 0.75, "auc_low": 0.70, "auc_high": 0.80,
        "realized_rate": 0.05, "predicted_low": 0.04, "predicted_high": 0.06,
    }  # fmt: skip
    return pl.DataFrame([base | r for r in rows])


def drift(drifted: bool, top: bool) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "feature": ["months_to_subsidy_end"],
            "psi": [0.5 if drifted else 0.01],
            "psi_limit": [0.2],
            "drifted": [drifted],
            "top_feature": [top],
            "importance_rank": [2 if top else 30],
        }
    )


def decide(fig, dr, last=date(2026, 11, 2)):
    return decide_retrain(fig, dr, "3", {3: 0.76}, last, WEEK, fallback_months=3)


def test_quiet_when_nothing_moved():
    got = decide(figures([{"list_as_of": date(2026, 6, 1)}, {"list_as_of": date(2026, 7, 6)}]),
                 drift(False, True))  # fmt: skip
    assert not got.fire and got.reasons == []
    assert any(c.startswith("(a) 3m AUC") for c in got.checks)
    assert any(c.startswith("(d) last trained 2026-11-02") for c in got.checks)


def test_a_realised_auc_below_the_champion_by_more_than_its_interval_fires():
    fig = figures(
        [{"list_as_of": date(2026, 7, 6), "auc": 0.66, "auc_low": 0.61, "auc_high": 0.74}]
    )
    got = decide(fig, drift(False, True))
    assert got.fire and got.reasons[0].startswith("(a) 3m AUC of the 2026-07-06 list 0.660")
    # within its interval (0.74 - 0.77 spans the champion's 0.76): not fired
    fig = figures(
        [{"list_as_of": date(2026, 7, 6), "auc": 0.70, "auc_low": 0.62, "auc_high": 0.77}]
    )
    assert not decide(fig, drift(False, True)).fire
    # a list of another model version is not the champion's fault
    fig = figures([{"list_as_of": date(2026, 7, 6), "auc_high": 0.7, "model_version": "2"}])
    assert not decide(fig, drift(False, True)).fire


def test_the_rate_outside_its_interval_fires_only_twice_in_a_row_on_one_side():
    high = {"realized_rate": 0.09}
    once = figures([{"list_as_of": date(2026, 6, 1)}, {"list_as_of": date(2026, 7, 6)} | high])
    assert not decide(once, drift(False, True)).fire
    twice = figures(
        [{"list_as_of": date(2026, 6, 1)} | high, {"list_as_of": date(2026, 7, 6)} | high]
    )
    got = decide(twice, drift(False, True))
    assert (
        got.fire
        and "(b) 3m realised rate above the predicted interval twice in a row" in got.reasons[0]
    )
    mixed = figures([{"list_as_of": date(2026, 6, 1), "realized_rate": 0.01},
                     {"list_as_of": date(2026, 7, 6)} | high])  # fmt: skip
    assert not decide(mixed, drift(False, True)).fire
    unmatured = figures([{"list_as_of": date(2026, 6, 1)} | high,
                         {"list_as_of": date(2026, 7, 6), "matured": False} | high])  # fmt: skip
    assert not decide(unmatured, drift(False, True)).fire


def test_drift_fires_only_on_an_important_feature():
    fig = figures([{"list_as_of": date(2026, 7, 6)}])
    got = decide(fig, drift(True, True))
    assert got.fire and got.reasons == [
        "(c) PSI 0.500 > 0.200 on months_to_subsidy_end (importance rank 2)"
    ]
    assert not decide(fig, drift(True, False)).fire


def test_the_fallback_fires_after_n_months_without_a_retrain():
    fig = figures([{"list_as_of": date(2026, 7, 6)}])
    got = decide(fig, drift(False, True), last=date(2026, 8, 3))
    assert got.fire and got.reasons[0].startswith(
        "(d) fallback: nothing fired and last trained 2026-08-03, 3 months ago"
    )
    assert not decide(fig, drift(False, True), last=date(2026, 9, 7)).fire
    # interventions: the untreated cohort is read, the treated may have been kept by the visit
    treated = figures([{"list_as_of": date(2026, 6, 1), "cohort": c, "realized_rate": r}
                       for c, r in (("all", 0.01), ("untreated", 0.05), ("treated", 0.0))]
                      + [{"list_as_of": date(2026, 7, 6), "cohort": c, "realized_rate": r}
                         for c, r in (("all", 0.01), ("untreated", 0.05), ("treated", 0.0))])  # fmt: skip
    assert not decide(treated, drift(False, True)).fire
