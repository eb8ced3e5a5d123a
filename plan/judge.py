"""Judge selections against the simulator's truth: the plan, the oracle, risk-first and random."""

from __future__ import annotations

import numpy as np
import polars as pl

from plan.select import greedy_fill, value_order

BUDGET_SHARES = (0.05, 0.10, 0.25)


def compare_plans(
    plan: pl.DataFrame, truth: pl.DataFrame, shares=BUDGET_SHARES, seed: int = 0,
    risk: pl.DataFrame | None = None,
) -> pl.DataFrame:  # fmt: skip
    """True months gained, at budgets that are shares of the total offer cost, by the plan's
    estimate, the oracle (greedy on true gain per yuan), risk-first (highest p_leave_12m first,
    the plan's own or `risk`'s column, whichever keeps more) and a random order."""
    j = plan.join(truth.select("talent_id", pl.col("months_gained").alias("_true")), on="talent_id")
    if risk is not None:
        j = j.join(risk.select("talent_id", pl.col("p_leave_12m").alias("_risk")), on="talent_id", how="left")
    gain, cost, true = (j[c].to_numpy() for c in ("months_gained", "cost_yuan", "_true"))
    ones = np.ones(len(cost))
    orders = {
        "plan": (value_order(gain, cost), gain),
        "oracle": (value_order(true, cost), true),
        "random": (np.random.default_rng(seed).permutation(len(cost)), ones),
    }
    risk_cols = ["p_leave_12m"] + (["_risk"] if risk is not None else [])
    rows = []
    for share in shares:
        budget = share * cost.sum()
        got = {k: true[greedy_fill(o, g, cost, budget)].sum() for k, (o, g) in orders.items()}
        got["risk_first"] = max(
            true[greedy_fill(np.argsort(-j[c].fill_null(0).to_numpy(), kind="stable"), ones, cost, budget)].sum()
            for c in risk_cols
        )
        rows.append({"budget_share": share, "budget_yuan": budget, **got})
    return pl.DataFrame(rows).with_columns(
        plan_over_oracle=pl.col("plan") / pl.col("oracle"),
        plan_over_risk_first=pl.col("plan") / pl.col("risk_first"),
    )
