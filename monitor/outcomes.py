"""Realised outcomes of published lists: the training label code applied to a later extract."""

from __future__ import annotations

from datetime import date

import polars as pl

from features.labels import label_snapshots
from features.timeline import last_known_month, month_index, read_rules

# Actions that are a retention effort; a note or a verification is not a treatment.
TREATMENTS: tuple[str, ...] = (
    "called",
    "visited",
    "family_service",
    "job_matching",
    "extension_offered",
    "extension_accepted",
    "declined",
)


def observed_months(list_as_of: date, extract_date: date, rules=None) -> int:
    """Months after the list's month whose departures the extract can confirm (may be < 0)."""
    r = read_rules(rules)
    return last_known_month(extract_date, r) - r.gap_months + 1 - month_index(list_as_of)


def list_outcomes(
    lists: pl.DataFrame,
    social_insurance: pl.DataFrame,
    extract_date: date,
    horizons: tuple[int, ...],
    rules=None,
) -> pl.DataFrame:
    """Per (list_as_of, talent_id, horizon_months): departed (null until matured) and departed_so_far.

    `departed` is exactly training's label (features.labels.label_snapshots) at `extract_date`.
    `departed_so_far` is the same label at the longest horizon the extract can already confirm
    (a lower bound of `departed` while the horizon has not matured), so unmatured lists still
    get partial figures from the one label implementation.
    """
    r = read_rules(rules)
    keys = lists.select(pl.col("as_of").alias("list_as_of"), "talent_id").unique(
        maintain_order=True
    )
    days = keys.get_column("list_as_of").unique().sort().to_list()
    seen = {d: observed_months(d, extract_date, r) for d in days}
    partial = {min(seen[d], h) for d in days for h in horizons if seen[d] >= 0}
    every = tuple(sorted(set(horizons) | partial))
    labelled = label_snapshots(
        keys.rename({"list_as_of": "as_of"}), social_insurance, extract_date, r, every
    )
    seen_frame = pl.DataFrame(
        {"as_of": days, "_seen": [seen[d] for d in days]},
        schema={"as_of": pl.Date, "_seen": pl.Int32},
    )
    labelled = labelled.join(seen_frame, on="as_of", how="left")
    frames = []
    for h in horizons:
        so_far = pl.lit(None, dtype=pl.Int8)
        for p in sorted(partial):
            so_far = (
                pl.when(pl.min_horizontal(pl.col("_seen"), h) == p)
                .then(pl.col(f"y_{p}m"))
                .otherwise(so_far)
            )
        frames.append(
            labelled.select(
                pl.col("as_of").alias("list_as_of"),
                "talent_id",
                pl.lit(h, dtype=pl.Int32).alias("horizon_months"),
                pl.col(f"y_{h}m").cast(pl.Boolean).alias("departed"),
                so_far.cast(pl.Boolean).alias("departed_so_far"),
                pl.min_horizontal(pl.col("_seen"), h).clip(lower_bound=0).alias("months_observed"),
            )
        )
    return pl.concat(frames).sort("list_as_of", "horizon_months", "talent_id")


def treated_talents(
    interventions: pl.DataFrame,
    lists: pl.DataFrame,
    horizons: tuple[int, ...],
    actions: tuple[str, ...] = TREATMENTS,
) -> pl.DataFrame:
    """(list_as_of, talent_id, horizon_months) of talents an officer acted on within the horizon.

    An action of `actions` (by default any retention action) dated from the list's date to the
    end of the horizon's last month (m0 + h) counts: the talent was treated, so staying is not a
    wrong alarm.
    """
    keys = lists.select(pl.col("as_of").alias("list_as_of"), "talent_id").unique()
    acts = interventions.filter(pl.col("action").is_in(actions)).select("talent_id", "action_date")
    frames = []
    for h in horizons:
        ends = keys.select(
            "list_as_of",
            "talent_id",
            pl.col("list_as_of").dt.offset_by(f"{h + 1}mo").dt.month_start().alias("_end"),
        )
        hit = (
            ends.join(acts, on="talent_id", how="inner")
            .filter(
                (pl.col("action_date") >= pl.col("list_as_of"))
                & (pl.col("action_date") < pl.col("_end"))
            )
            .select("list_as_of", "talent_id")
            .unique()
        )
        frames.append(hit.with_columns(pl.lit(h, dtype=pl.Int32).alias("horizon_months")))
    return pl.concat(frames)
