"""Did the offers work? The plan's lottery, read back against the ledger and the later extract.

`retention plan --lottery-share S` draws the borderline offers at random (plan.parquet's
`lottery`: won / lost / none). Winners and losers differ only by the draw, so the difference in
their departure rates is an unbiased estimate of what being offered an extension does, free of
the confounding that the model-based effect estimate cannot rule out. The ledger says who was
actually offered (officers may not reach every winner, or may offer to a loser): both counts
are shown, and the estimate is of the draw (intention to treat), which is what a policy of
offering can expect.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import polars as pl

from monitor.outcomes import list_outcomes, treated_talents

PLAN_FILE = "plan.parquet"
# The ledger's actions that mean an extension was put to the talent.
OFFERS: tuple[str, ...] = ("extension_offered", "extension_accepted")
COLUMNS = (
    "plan_as_of", "horizon_months", "matured", "months_observed", "n_won", "n_lost",
    "offered_won", "offered_lost", "accepted_won", "accepted_lost", "departed_won",
    "departed_lost", "rate_won", "rate_lost", "effect", "effect_low", "effect_high",
)  # fmt: skip


def read_plans(folder: Path, extract_date: date) -> tuple[pl.DataFrame, list[str]]:
    """(plan_as_of, talent_id, lottery) of every drawn talent in FOLDER/<date>/plan.parquet, and
    one line for each plan left out. Plans without a draw add no rows and no line."""
    frames, skipped = [], []
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        path = child / PLAN_FILE
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            continue
        if not path.is_file():
            continue
        if day > extract_date:
            skipped.append(f"{path}: plan as_of {day} is after the extract's date {extract_date}")
            continue
        try:
            plan = pl.read_parquet(path, columns=["talent_id", "lottery"])
            drawn = plan.with_columns(
                pl.col("talent_id").cast(pl.String), pl.col("lottery").cast(pl.String, strict=False)
            ).filter(pl.col("lottery").is_in(["won", "lost"]))
        except Exception as err:  # a damaged file or another layout
            first = (str(err).splitlines() or [""])[0][:120]
            skipped.append(f"{path}: no readable talent_id and lottery columns ({first})")
            continue
        if drawn.get_column("talent_id").is_duplicated().any():
            skipped.append(f"{path}: column talent_id repeats a talent")
            continue
        frames.append(drawn.select(pl.lit(day).alias("as_of"), "talent_id", "lottery"))
    empty = pl.DataFrame(schema={"as_of": pl.Date, "talent_id": pl.String, "lottery": pl.String})
    return (pl.concat(frames) if frames else empty), skipped


def _difference(d_lost: int, n_lost: int, d_won: int, n_won: int) -> tuple:
    """Losers' minus winners' departure rate, with a 95% Wald interval (null for an empty arm)."""
    if not n_lost or not n_won:
        return None, None, None
    p_lost, p_won = d_lost / n_lost, d_won / n_won
    effect = p_lost - p_won
    se = math.sqrt(p_lost * (1 - p_lost) / n_lost + p_won * (1 - p_won) / n_won)
    return effect, effect - 1.96 * se, effect + 1.96 * se


def lottery_outcomes(
    drawn: pl.DataFrame,
    social_insurance: pl.DataFrame,
    interventions: pl.DataFrame | None,
    extract_date: date,
    horizons: tuple[int, ...],
    rules=None,
) -> pl.DataFrame:
    """One row per (plan_as_of, horizon) of the drawn talents (at least one): winners and losers,
    how many the ledger shows were offered (and accepted) from the plan's date to the horizon's
    end, how many left, and the departures prevented per talent drawn (losers' rate minus
    winners')."""
    outcomes = list_outcomes(drawn, social_insurance, extract_date, horizons, rules)
    keys = ["list_as_of", "talent_id", "horizon_months"]
    frame = outcomes.join(
        drawn.rename({"as_of": "list_as_of"}), on=["list_as_of", "talent_id"], how="left"
    ).with_columns(pl.coalesce("departed", "departed_so_far").fill_null(False).alias("_left"))
    if interventions is not None and interventions.height:
        # The same window as the backtest's treated cohort (monitor.outcomes.treated_talents).
        for flag, actions in (("_offered", OFFERS), ("_accepted", ("extension_accepted",))):
            hit = treated_talents(interventions, drawn, horizons, actions)
            frame = frame.join(hit.with_columns(pl.lit(True).alias(flag)), on=keys, how="left")
        frame = frame.with_columns(pl.col("_offered", "_accepted").fill_null(False))
    else:
        frame = frame.with_columns(_offered=pl.lit(False), _accepted=pl.lit(False))
    won, lost = pl.col("lottery") == "won", pl.col("lottery") == "lost"
    table = (
        frame.group_by("list_as_of", "horizon_months")
        .agg(
            pl.col("departed").is_not_null().all().alias("matured"),
            pl.col("months_observed").min(),
            won.sum().alias("n_won"),
            lost.sum().alias("n_lost"),
            (won & pl.col("_offered")).sum().alias("offered_won"),
            (lost & pl.col("_offered")).sum().alias("offered_lost"),
            (won & pl.col("_accepted")).sum().alias("accepted_won"),
            (lost & pl.col("_accepted")).sum().alias("accepted_lost"),
            (won & pl.col("_left")).sum().alias("departed_won"),
            (lost & pl.col("_left")).sum().alias("departed_lost"),
        )
        .sort("list_as_of", "horizon_months")
        .rename({"list_as_of": "plan_as_of"})
    )
    diffs = [
        _difference(r["departed_lost"], r["n_lost"], r["departed_won"], r["n_won"])
        for r in table.iter_rows(named=True)
    ]
    rate = lambda d, n: pl.when(pl.col(n) > 0).then(pl.col(d) / pl.col(n))  # noqa: E731
    return table.with_columns(
        rate_won=rate("departed_won", "n_won"),
        rate_lost=rate("departed_lost", "n_lost"),
        effect=pl.Series([d[0] for d in diffs], dtype=pl.Float64),
        effect_low=pl.Series([d[1] for d in diffs], dtype=pl.Float64),
        effect_high=pl.Series([d[2] for d in diffs], dtype=pl.Float64),
    ).select(COLUMNS)
