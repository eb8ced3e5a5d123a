"""The contract's risk list: scores, tiers and worded reasons, one row per talent scored."""

from __future__ import annotations

import polars as pl

from reports.labels import check_lang
from reports.reasons import REASON_COLUMNS, pick_reasons, word_reasons
from reports.tiers import RiskThresholds, assign_tier
from runconfig import DEFAULT

__all__ = ["RISK_LIST_SCHEMA", "RiskThresholds", "build_risk_list"]


def risk_list_schema(horizons: tuple[int, ...] = DEFAULT.horizons) -> dict[str, pl.DataType]:
    """The risk list's columns and dtypes, one probability column per horizon."""
    return {
        "as_of": pl.Date(),
        "talent_id": pl.String(),
        "county": pl.String(),
        "employer_id": pl.String(),
        **{f"p_leave_{h}m": pl.Float64() for h in horizons},
        "subsidy_end_date": pl.Date(),
        "months_to_subsidy_end": pl.Int32(),
        "risk_tier": pl.String(),
        **{name: pl.String() for name in REASON_COLUMNS},
        "model_version": pl.String(),
    }


RISK_LIST_SCHEMA = risk_list_schema()


def list_horizons(frame: pl.DataFrame) -> tuple[int, ...]:
    """The horizons of a frame's p_leave_<h>m columns, in order."""
    found = [c.removeprefix("p_leave_").removesuffix("m") for c in frame.columns]
    return tuple(
        sorted(
            int(h)
            for h, c in zip(found, frame.columns, strict=True)
            if c.startswith("p_leave_") and h.isdigit()
        )
    )


def risk_list_columns(frame: pl.DataFrame) -> list[str]:
    """The contract's columns of a risk list (for the horizons it holds), in order."""
    return list(risk_list_schema(list_horizons(frame)))


def build_risk_list(
    scores: pl.DataFrame,
    features: pl.DataFrame,
    contributions: pl.DataFrame,
    model_version: str,
    lang: str = "zh",
    thresholds: RiskThresholds = DEFAULT.tiers,
    feature_docs: dict[str, str] | None = None,
    horizons: tuple[int, ...] = DEFAULT.horizons,
    headline: str = DEFAULT.headline,
) -> pl.DataFrame:
    """Risk list in the contract's column order, highest headline risk first, reasons in words.

    `contributions` rows carry a talent_id or else align with `features` row by row.
    Talents without a row in `contributions` get null reasons (the caller may explain only
    the talents officers will see); fewer than three positive contributions leave the
    remaining reasons null.
    """
    check_lang(lang)
    schema = risk_list_schema(horizons)
    needed = [c for c in schema if c not in {"risk_tier", "model_version", *REASON_COLUMNS}]
    missing = [c for c in needed if c not in scores.columns]
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
        .with_columns(
            assign_tier(thresholds, headline), pl.lit(model_version).alias("model_version")
        )
        .select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
        .sort([headline, "talent_id"], descending=[True, False], nulls_last=True)
        .collect()
    )
