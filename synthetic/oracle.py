"""Oracle probabilities of leaving within each horizon, from the true hazards.

The label (contract section 2) is y_h = 1 when the first departure month M <= m0 + h, m0 the
snapshot's month. hazard[m] is the probability that the first departure is month m given none
before (synthetic/careers.py draws it at the start of month m). The oracle knows the truth up to
the start of m0: it is 1 when M < m0 (a departure the registry has not confirmed yet), else the
probability of a first departure in m0 .. m0+h, 1 - prod_{m=m0}^{m0+h} (1 - hazard[m]). For a
talent known to be present through m0 that is the contract's window m0+1 .. m0+h; m0 itself is
still ahead at the start of m0 and the label counts it.

Why not also let the oracle know month m0 (1 if M <= m0, else the product over m0+1 .. m0+h)?
No registry can know m0 at a date inside m0 (its contributions are reported from the 15th of
m0+1), and that oracle is a different benchmark: on seed 0 (20,000 talents, as_of 2026-11-23)
its 6-month AUC at as_of is 0.864, against 0.72-0.85 for this world (docs/simulator.md). This
one keeps the information set of the oracle before the window fix; only the window grew.

Shell employers (a world with HazardParams.shell_share > 0) pay on for some talents who have
left: a departure in month m at a shell is kept on the payroll with probability q_m
(hazards.shell_keep), and each month from m+1 the payments stop with probability s
(departures.shell_stop). The registry's first departure M is the first unpaid month, so the
label counts a departure in m only if its payments also stop by m0+h:
    P(M <= m0+h) = sum_m S_m h_m [1 - q_m (1-s)^(m0+h-m)],  m = m0 .. m0+h,
with S_m the chance of no departure in m0 .. m-1; that is 1 - prod(1 - h) less the departures
still paid for at m0+h. A talent who left before m0 (departures.left_city_month) and is still
paid for at m0 is known to the oracle as gone: P = 1 - (1-s)^(h+1).
"""

import numpy as np
import polars as pl

from runconfig import DEFAULT


def _month_index(column: str) -> pl.Expr:
    """The simulator's month index of a date column (0 = 2016-01)."""
    return (pl.col(column).dt.year() - 2016) * 12 + pl.col(column).dt.month() - 1


def oracle_probabilities(
    hazards: pl.DataFrame,
    departures: pl.DataFrame,
    snapshots: pl.DataFrame,
    horizons: tuple[int, ...] = DEFAULT.horizons,
) -> pl.DataFrame:
    """p_leave_h = 1 if M < m0, else 1 - prod(1 - hazard) over months m0 .. m0+h (shells: above)."""
    shells = "shell_keep" in hazards.columns and "shell_stop" in departures.columns
    log_rho = float(np.log1p(-departures["shell_stop"].max())) if shells else 0.0
    log_surv = pl.col("hazard").neg().log1p()
    kept = []
    if shells:  # exp(cum before m) h_m q_m (1-s)^-m, summed: the departures a shell pays on for
        month_no = _month_index("month")
        term = (
            (
                (log_surv.cum_sum() - log_surv).over("talent_id")
                - month_no.cast(pl.Float64) * log_rho
            ).exp()
            * pl.col("hazard")
            * pl.col("shell_keep").cast(pl.Float64)
        )
        kept = [term.cum_sum().over("talent_id").alias("kept")]
    cum = (
        hazards.lazy()
        .sort("talent_id", "month")
        .select(
            "talent_id",
            "month",
            log_surv.cum_sum().over("talent_id").alias("cum"),
            *kept,
        )
        .sort("month")
    )
    snap = snapshots.lazy().select("talent_id", "as_of").with_row_index("_row")
    snap = snap.with_columns(pl.col("as_of").dt.month_start().alias("_m0"))

    def cum_at(offset: int, name: str) -> pl.LazyFrame:
        key = snap.select(
            "_row", "talent_id", pl.col("_m0").dt.offset_by(f"{offset}mo").alias("month")
        )
        joined = key.sort("month").join_asof(
            cum, on="month", by="talent_id", strategy="backward", check_sortedness=False
        )
        extra = [pl.col("kept").fill_null(0.0).alias(f"_k{name[2:]}")] if shells else []
        return joined.select("_row", pl.col("cum").fill_null(0.0).alias(name), *extra)

    out = snap.join(cum_at(-1, "_c0"), on="_row", how="left")
    for h in horizons:
        out = out.join(cum_at(h, f"_c{h}"), on="_row", how="left")
    dep_cols = ["first_departure_month", *(["left_city_month"] if shells else [])]
    out = out.join(departures.lazy().select("talent_id", *dep_cols), on="talent_id", how="left")
    never = pl.date(9999, 1, 1)
    before = pl.col("first_departure_month").fill_null(never) < pl.col("_m0")

    def present(h: int) -> pl.Expr:
        p = 1.0 - (pl.col(f"_c{h}") - pl.col("_c0")).exp()
        if not shells:
            return p
        m_end = _month_index("_m0") + h
        still_paid = (
            m_end.cast(pl.Float64) * log_rho
            - pl.col("_c0")
            + (pl.col(f"_k{h}") - pl.col("_k0")).log()
        ).exp()
        return p - still_paid.fill_nan(0.0)

    left = pl.col("left_city_month").fill_null(never) < pl.col("_m0") if shells else pl.lit(False)
    probs = [
        pl.when(before)
        .then(1.0)
        .when(left)
        .then(1.0 - float(np.exp(log_rho * (h + 1))))  # gone, paid for: stops within h
        .otherwise(present(h))
        .alias(f"p_leave_{h}m")
        for h in horizons
    ]
    return out.sort("_row").select("talent_id", "as_of", *probs).collect()
