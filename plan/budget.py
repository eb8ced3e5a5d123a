"""Selection under a city budget or per-county budgets, and the run's headline figures."""

from __future__ import annotations

import polars as pl

from plan.select import select_offers


def select_within(
    effects: pl.DataFrame, budget: float, county_budgets: dict[str, float] | None,
    lottery_share: float, seed: int,
) -> pl.DataFrame:  # fmt: skip
    """rank, selected, lottery for every row; per county when county budgets are given
    (a county without one gets no offer). A budget over the total cost selects everyone."""
    if county_budgets is None:
        if budget >= effects["cost_yuan"].sum():
            return select_offers(effects, budget).with_columns(selected=pl.lit(True))
        return select_offers(effects, budget, lottery_share, seed)
    parts = []
    for (county,), rows in effects.group_by("county", maintain_order=True):
        mine = county_budgets.get(county, 0.0)
        if mine >= rows["cost_yuan"].sum():
            picked = select_offers(rows, mine).with_columns(selected=pl.lit(True))
        else:
            picked = select_offers(rows, mine, lottery_share, seed)
        parts.append(picked)
    return pl.concat(parts).sort("rank")


def headline(plan: pl.DataFrame, budget: float) -> dict[str, float | int | bool]:
    """Budget used, offers, talents and talent-months expected kept, and whether all fit."""
    chosen = plan.filter("selected")
    return {
        "budget_yuan": budget,
        "budget_used_yuan": float(chosen["cost_yuan"].sum()),
        "total_cost_yuan": float(plan["cost_yuan"].sum()),
        "eligible": plan.height,
        "offers": chosen.height,
        "talents_kept": float((chosen["p_leave_12m"] - chosen["p_leave_12m_with_offer"]).sum()),
        "talent_months_gained": float(chosen["months_gained"].sum()),
        "everyone_fits": bool(budget >= plan["cost_yuan"].sum()),
        "lottery_drawn": int((plan["lottery"] != "none").sum()),
    }
