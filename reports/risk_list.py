"""The contract's risk list: scores, tiers and worded reasons, one row per talent scored."""

from __future__ import annotations

import polars as pl

from reports.labels import check_lang
from reports.reasons import REASON_COLUMNS, pick_reasons, word_reasons
from reports.tiers import RiskThresholds, assign_tier

__all__ = ["RISK_LIST_SCHEMA", "RiskThresholds", "build_risk_list"]

RISK_LIST_SCHEMA: dict[str, pl.DataType] = {
    "as_of": pl.Date(),
    "talent_id": pl.String(),
    "county": pl.String(),
    "employer_id": pl.String(),
    "p_leave_3m": pl.Float64(),
    "p_leave_6m": pl.Float64(),
    "p_leave_12m": pl.Float64(),
    "subsidy_end_date": pl.Date(),
    "months_to_subsidy_end": pl.Int32(),
    "risk_tier": pl.String(),
    **{name: pl.String() for name in REASON_COLUMNS},
    "model_version": pl.String(),
}
SCORE_COLUMNS = [
    c for c in RISK_LIST_SCHEMA if c not in {"risk_tier", "model_version", *REASON_COLUMNS}
]


def build_risk_list(
    scores: pl.DataFrame,
    features: pl.DataFrame,
    contributions: pl.DataFrame,
    model_version: str,
    lang: str = "zh",
    thresholds: RiskThresholds = RiskThresholds(),
    feature_docs: dict[str, str] | None = None,
) -> pl.DataFrame:
    """Risk list in the contract's column order, highest p_leave_6m first, reasons in words.

    `contributions` rows carry a talent_id or else align with `features` row by row.
    Talents without a row in `contributions` get null reasons (the caller may explain only
    the talents officers will see); fewer than three positive contributions leave the
    remaining reasons null.
    """
    check_lang(lang)
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks the columns {missing}")
    if scores["talent_id"].is_duplicated().any():
        raise ValueError("scores has more than one row for some talent_id")
    if "talent_id" not in contributions.columns:  # the model returns rows aligned with `features`
        if contributions.height != features.height:
            raise ValueError("contributions has no talent_id and not one row per row of features")
        contributions = contributions.with_columns(features["talent_id"])
    contributions = contributions.unique("talent_id", keep="first", maintain_order=True)
    extra = [c for c in features.columns if c not in scores.columns]
    values = (
        contributions.select("talent_id")
        .join(scores, on="talent_id", how="left", maintain_order="left")
        .join(
            features.select("talent_id", *extra).unique("talent_id", keep="first"),
            on="talent_id",
            how="left",
            maintain_order="left",
        )
    )
    reasons = word_reasons(pick_reasons(contributions), values, lang, feature_docs)
    reasons = pl.concat([contributions.select("talent_id"), reasons], how="horizontal")
    return (
        scores.lazy()
        .join(reasons.lazy(), on="talent_id", how="left")
        .with_columns(assign_tier(thresholds), pl.lit(model_version).alias("model_version"))
        .select([pl.col(name).cast(dtype) for name, dtype in RISK_LIST_SCHEMA.items()])
        .sort(["p_leave_6m", "talent_id"], descending=[True, False], nulls_last=True)
        .collect()
    )
