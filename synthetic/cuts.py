"""Earlier extracts of one simulated world: the same world cut at an earlier date, no new draws."""

from __future__ import annotations

import datetime as dt

import polars as pl

from synthetic.build import last_known_month
from synthetic.calendar import month_index
from synthetic.oracle import oracle_probabilities
from synthetic.registry import SimulatedRegistry


def _month_label(index: int) -> str:
    """'YYYY-MM' of a simulator month index (0 = 2016-01)."""
    return f"{2016 + index // 12:04d}-{index % 12 + 1:02d}"


def cut_registry(reg: SimulatedRegistry, day: dt.date) -> SimulatedRegistry:
    """The extract as it stood at `day` (before reg.as_of) and its truth, from the same world.

    Everything a registry records at `day` is what the final extract holds dated before it
    (talents arrived, grants started, events happened, policies in effect, contributions
    reported by then); the truth (departures, hazards) is the world's own, the oracle is
    computed for `day`. Nothing is drawn, so the final extract is unchanged.
    """
    if day >= reg.as_of:
        raise ValueError(f"--also-at {day} is not before --as-of {reg.as_of}")
    t = reg.tables
    talents = t["talents"].filter(pl.col("arrival_date") < day)
    ids = talents.get_column("talent_id").implode()
    lk = last_known_month(day)
    # month labels are "YYYY-MM", so text order is time order
    si = t["social_insurance"]
    known = si.filter(pl.col("talent_id").is_in(ids) & (pl.col("month") <= _month_label(lk)))
    future = pl.concat(
        [
            si.filter(pl.col("month") > _month_label(lk)).select(
                "talent_id", pl.col("month").str.to_date("%Y-%m")
            ),
            reg.future_contributions if reg.future_contributions is not None else pl.DataFrame(),
        ],
        how="diagonal_relaxed",
    ).filter(pl.col("talent_id").is_in(ids))
    tables = {
        "talents": talents,
        "employers": t["employers"],
        "policies": t["policies"].filter(pl.col("effective_from") < day),
        "subsidies": t["subsidies"].filter(
            pl.col("talent_id").is_in(ids) & (pl.col("start_date") < day)
        ),
        "social_insurance": known,
        "life_events": t["life_events"].filter(
            pl.col("talent_id").is_in(ids) & (pl.col("event_date") < day)
        ),
    }
    departures = reg.truth["departures"].filter(pl.col("talent_id").is_in(ids))
    hazards = reg.truth["hazards"].filter(pl.col("talent_id").is_in(ids))
    scored = talents.filter(pl.col("program") != "flexible_expert").select(
        "talent_id", pl.lit(day).alias("as_of")
    )
    oracle = oracle_probabilities(hazards, departures, scored)
    truth = {"departures": departures, "hazards": hazards, "oracle": oracle}
    return SimulatedRegistry(tables=tables, truth=truth, as_of=day, future_contributions=future)


def check_cut_dates(as_of: dt.date, days: list[dt.date]) -> None:
    """Every --also-at date must come before --as-of (and lie in the simulated years)."""
    for day in days:
        if day >= as_of or month_index(day) < 0:
            raise ValueError(f"--also-at {day} is not before --as-of {as_of}")
