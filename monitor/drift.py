"""Drift before any label exists: this week's snapshot against the training reference.

The reference (`drift_reference`, stored with the model version) is compact: per numeric
feature the decile edges of the training snapshot and the counts between them, per categorical
its levels and counts, null counts, the same for each score, and the features' importance.

Thresholds, and why. PSI (population stability index) over the reference's bins, nulls apart,
with half a count added to every bin so an empty bin does not give an infinite PSI. A feature
has drifted when its PSI exceeds BOTH
- `psi_threshold` (0.2 by default): the usual line of a material shift (below 0.1 "stable",
  above 0.25 "major"); with a million talents a tiny, harmless shift is still significant, so
  significance alone would fire every week;
- the sampling-noise bound under no drift: two samples of sizes n and m from one distribution
  over B bins give PSI ~ (1/n + 1/m) chi2(B - 1) (PSI is a symmetrised KL divergence, whose
  second-order term is the chi-square statistic); the bound is its `noise_quantile` (0.999)
  quantile. With a small county (a few hundred talents) noise alone reaches 0.2, so the
  fixed line alone would fire on noise.
The noise bound counts sampling units, not rows: a feature that is one value per employer
(its headcount, its departures) or per county (the county's leave rate) varies by employer or
county, so its n is the number of employers or counties (found at training: the feature never
takes two values within one), else talents of 40 employers would read as 1,200 independent
draws and every re-estimated county rate as drift. Both bounds are conservative for this week's
snapshot otherwise: most of its talents were in the reference too, and overlapping samples
differ less than independent ones.
A null share has changed when it moved by more than max(`null_share_min`, 3.29 standard errors
of a difference of two proportions) (two-sided 0.1%). New categorical levels are listed.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from scipy.stats import chi2

REFERENCE_VERSION = 1
UNITS = ("county", "employer_id")  # coarsest first: a county-level feature is employer-level too


def sampling_units(frame: pl.DataFrame, cols: list[str]) -> dict[str, str]:
    """Per feature, the coarsest unit (county, employer_id) it is constant within, else talent."""
    found = {c: "talent" for c in cols}
    for unit in reversed(UNITS):  # employer first, then overwritten by county when both hold
        if unit not in frame.columns or not cols:
            continue
        mine = [c for c in cols if c != unit]  # the county mix itself is the talents'
        # a null is a value: a mostly-null talent feature is not per-employer by accident
        within = frame.group_by(unit).agg(pl.col(c).n_unique() for c in mine)
        most = within.select(pl.col(c).max() for c in mine).row(0, named=True)
        distinct = frame.get_column(unit).n_unique()
        for c in mine:
            if (most[c] or 0) <= 1 and distinct < frame.height:
                found[c] = unit
    return found


def unit_count(frame: pl.DataFrame, unit: str) -> int | None:
    """How many sampling units the frame holds (None for talents: its rows are counted)."""
    if unit == "talent" or unit not in frame.columns:
        return None
    return frame.get_column(unit).n_unique()


def _as_float(frame: pl.DataFrame, col: str) -> np.ndarray:
    """The column as float64 with NaN for nulls (and NaN kept)."""
    return frame.get_column(col).cast(pl.Float64).fill_null(np.nan).to_numpy()


def numeric_edges(frame: pl.DataFrame, cols: list[str], bins: int) -> dict[str, list[float]]:
    """Interior quantile cut points (deduplicated) of each numeric column, in one polars pass."""
    qs = [i / bins for i in range(1, bins)]
    row = frame.select(
        pl.col(c).cast(pl.Float64).fill_nan(None).quantile(q, "lower").alias(f"{c}\x00{i}")
        for c in cols
        for i, q in enumerate(qs)
    ).row(0)
    found: dict[str, list[float]] = {c: [] for c in cols}
    for (c, _), value in zip(((c, i) for c in cols for i in range(len(qs))), row, strict=True):
        if value is not None and (not found[c] or value > found[c][-1]):
            found[c].append(float(value))
    return found


def bin_counts(values: np.ndarray, edges: list[float]) -> tuple[list[int], int]:
    """Counts per bin (x < e0, e0 <= x < e1, ..., x >= e_last) and the nulls (NaN)."""
    nulls = np.isnan(values)
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), values[~nulls], side="right")
    return np.bincount(idx, minlength=len(edges) + 1).tolist(), int(nulls.sum())


def level_counts(frame: pl.DataFrame, col: str) -> tuple[dict[str, int], int]:
    """Counts per level (as text) and the nulls of one categorical column."""
    counts = frame.get_column(col).cast(pl.String).value_counts()
    nulls = counts.filter(pl.col(col).is_null()).get_column("count").sum()
    known = counts.filter(pl.col(col).is_not_null())
    return dict(
        zip(known.get_column(col).to_list(), known.get_column("count").to_list(), strict=False)
    ), int(nulls or 0)


def drift_reference(
    snapshot: pl.DataFrame,
    scores: pl.DataFrame,
    numeric: list[str],
    categorical: list[str],
    importance: dict[str, float],
    bins: int = 10,
) -> dict:
    """The compact, JSON-ready reference of one training snapshot and its scores."""
    num = [c for c in numeric if c in snapshot.columns]
    edges = numeric_edges(snapshot, num, bins)
    score_cols = scores.columns
    score_edges = numeric_edges(scores, score_cols, bins)
    ref: dict = {
        "reference_version": REFERENCE_VERSION,
        "n": snapshot.height,
        "bins": bins,
        "numeric": {},
        "categorical": {},
        "scores": {},
        "importance": sorted(importance.items(), key=lambda kv: (-kv[1], kv[0])),
    }
    if "as_of" in snapshot.columns and snapshot.height:
        ref["snapshot_as_of"] = str(snapshot.get_column("as_of").max())
    cats = [c for c in categorical if c in snapshot.columns]
    units = sampling_units(snapshot, num + cats)
    counted = {u: unit_count(snapshot, u) for u in set(units.values())}
    for c in num:
        counts, nulls = bin_counts(_as_float(snapshot, c), edges[c])
        ref["numeric"][c] = {"edges": edges[c], "counts": counts, "nulls": nulls,
                             "unit": units[c], "units": counted[units[c]]}  # fmt: skip
    for c in cats:
        levels, nulls = level_counts(snapshot, c)
        ordered = sorted(levels)
        ref["categorical"][c] = {
            "levels": ordered,
            "counts": [levels[v] for v in ordered],
            "nulls": nulls,
            "unit": units[c],
            "units": counted[units[c]],
        }
    for c in score_cols:
        counts, nulls = bin_counts(_as_float(scores, c), score_edges[c])
        ref["scores"][c] = {"edges": score_edges[c], "counts": counts, "nulls": nulls}
    return ref


def psi(ref_counts: np.ndarray, now_counts: np.ndarray) -> float:
    """Population stability index of two count vectors over the same bins (half-count smoothing)."""
    if ref_counts.sum() == 0 or now_counts.sum() == 0:
        return float("nan")
    p = (ref_counts + 0.5) / (ref_counts.sum() + 0.5 * len(ref_counts))
    q = (now_counts + 0.5) / (now_counts.sum() + 0.5 * len(now_counts))
    return float(((q - p) * np.log(q / p)).sum())


def psi_noise_bound(n_ref: int, n_now: int, n_bins: int, quantile: float) -> float:
    """The `quantile` of PSI between two samples of one distribution: (1/n + 1/m) chi2(B - 1)."""
    if n_ref == 0 or n_now == 0 or n_bins < 2:
        return float("nan")
    return float(chi2.ppf(quantile, n_bins - 1) * (1.0 / n_ref + 1.0 / n_now))


def null_share_bound(nulls_ref: int, n_ref: int, nulls_now: int, n_now: int, floor: float) -> float:
    """How far a null share may move by chance (3.29 s.e., two-sided 0.1%), at least `floor`."""
    if n_ref == 0 or n_now == 0:
        return float("nan")
    pooled = (nulls_ref + nulls_now) / (n_ref + n_now)
    return max(floor, 3.29 * math.sqrt(pooled * (1 - pooled) * (1 / n_ref + 1 / n_now)))


def _row(feature, kind, ref_counts, now_counts, ref_nulls, now_nulls, new_levels, settings,
         units=(None, None)):  # fmt: skip
    threshold, quantile, null_floor = settings
    ref_counts, now_counts = np.asarray(ref_counts, float), np.asarray(now_counts, float)
    n_ref, n_now = int(ref_counts.sum()), int(now_counts.sum())
    used = int(((ref_counts + now_counts) > 0).sum())
    value = psi(ref_counts, now_counts)
    # the noise of a per-employer (per-county) feature is that of its employers (counties)
    eff_ref, eff_now = min(n_ref, units[0] or n_ref), min(n_now, units[1] or n_now)
    bound = psi_noise_bound(eff_ref, eff_now, used, quantile)
    tot_ref, tot_now = n_ref + ref_nulls, n_now + now_nulls
    share_ref = ref_nulls / tot_ref if tot_ref else float("nan")
    share_now = now_nulls / tot_now if tot_now else float("nan")
    moved = null_share_bound(ref_nulls, tot_ref, now_nulls, tot_now, null_floor)
    return {
        "feature": feature,
        "kind": kind,
        "psi": value,
        "psi_noise_bound": bound,
        "psi_limit": max(threshold, bound) if math.isfinite(bound) else threshold,
        "drifted": bool(
            math.isfinite(value) and value > max(threshold, bound if math.isfinite(bound) else 0)
        ),
        "n_effective": min(eff_ref, eff_now),
        "n_reference": tot_ref,
        "n_now": tot_now,
        "null_share_reference": share_ref,
        "null_share_now": share_now,
        "null_share_changed": bool(math.isfinite(moved) and abs(share_now - share_ref) > moved),
        "new_levels": ", ".join(new_levels[:20]),
        "new_level_share": (
            float(now_counts[-1] / n_now) if kind == "categorical" and n_now else 0.0
        ),
    }


def compare_to_reference(
    reference: dict,
    snapshot: pl.DataFrame,
    scores: pl.DataFrame,
    psi_threshold: float = 0.2,
    noise_quantile: float = 0.999,
    null_share_min: float = 0.01,
    top_features: int = 10,
) -> pl.DataFrame:
    """One row per feature and score: PSI, its limit, drifted, null shares, new levels, rank."""
    settings = (psi_threshold, noise_quantile, null_share_min)
    rows = []
    now_units = {u: unit_count(snapshot, u) for u in ("talent", *UNITS)}

    def units(ref: dict) -> tuple[int | None, int | None]:
        unit = ref.get("unit", "talent")
        return ref.get("units"), now_units.get(unit)

    for c, ref in reference["numeric"].items():
        if c not in snapshot.columns:
            continue
        counts, nulls = bin_counts(_as_float(snapshot, c), ref["edges"])
        rows.append(
            _row(c, "numeric", ref["counts"], counts, ref["nulls"], nulls, [], settings, units(ref))
        )
    for c, ref in reference["categorical"].items():
        if c not in snapshot.columns:
            continue
        now, nulls = level_counts(snapshot, c)
        known = set(ref["levels"])
        new = sorted(v for v in now if v not in known)
        # bins: the reference's levels, then one bin for every level it never saw
        now_counts = [now.get(v, 0) for v in ref["levels"]] + [sum(now[v] for v in new)]
        rows.append(
            _row(
                c,
                "categorical",
                [*ref["counts"], 0],
                now_counts,
                ref["nulls"],
                nulls,
                new,
                settings,
                units(ref),
            )  # fmt: skip
        )
    for c, ref in reference["scores"].items():
        if c not in scores.columns:
            continue
        counts, nulls = bin_counts(_as_float(scores, c), ref["edges"])
        rows.append(_row(c, "score", ref["counts"], counts, ref["nulls"], nulls, [], settings))
    ranks = {name: i + 1 for i, (name, _) in enumerate(reference.get("importance", []))}
    frame = pl.DataFrame(rows).with_columns(
        pl.col("feature")
        .replace_strict(ranks, default=None, return_dtype=pl.Int32)
        .alias("importance_rank")
    )
    return frame.with_columns(
        (pl.col("importance_rank") <= top_features).fill_null(False).alias("top_feature")
    ).sort(pl.col("kind") != "score", pl.col("psi"), descending=[False, True])


def expected_departures(
    scores: pl.DataFrame, horizons: tuple[int, ...], capacity: int, z: float = 1.959964
) -> pl.DataFrame:
    """Expected departures per tier and in each county's top `capacity`, before any label.

    The probabilities are calibrated, so the expected count is their sum; the interval is the
    Poisson-binomial spread (sum of p(1-p)) if the probabilities are right.
    `scores`: talent_id, county, risk_tier, p_leave_<h>m.
    """
    parts = []
    for h in horizons:
        col = f"p_leave_{h}m"
        if col not in scores.columns:
            continue
        p = pl.col(col)
        top = scores.filter(p.rank("ordinal", descending=True).over("county") <= capacity)
        aggs = [
            pl.len().alias("n"),
            p.sum().alias("expected_departed"),
            (p * (1 - p)).sum().sqrt().alias("_sd"),
        ]
        for kind, frame, key in (
            ("tier", scores, "risk_tier"),
            ("county_top", top, "county"),
            ("all", scores, None),
        ):
            by = [
                pl.lit(kind).alias("kind"),
                (pl.col(key) if key else pl.lit("all")).cast(pl.String).alias("group"),
            ]
            parts.append(
                frame.group_by(by)
                .agg(aggs)
                .with_columns(pl.lit(h, dtype=pl.Int32).alias("horizon_months"))
            )
    out = pl.concat(parts)
    return out.select(
        "horizon_months",
        "kind",
        "group",
        "n",
        "expected_departed",
        (pl.col("expected_departed") - z * pl.col("_sd")).clip(lower_bound=0).alias("expected_low"),
        (pl.col("expected_departed") + z * pl.col("_sd")).alias("expected_high"),
        (pl.col("expected_departed") / pl.col("n")).alias("predicted_rate"),
    ).sort("horizon_months", "kind", "group")
