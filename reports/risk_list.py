"""The contract's risk list: scores, tiers, worded reasons and a suggested action per talent."""

from __future__ import annotations

import polars as pl

from reports.actions import action_text
from reports.attributes import attribute_labels
from reports.labels import check_lang
from reports.reasons import CANDIDATES, REASON_COLUMNS, keep_usable, pick_reasons, word_reasons
from reports.tiers import RiskThresholds, assign_tier
from runconfig import DEFAULT

__all__ = ["RISK_LIST_SCHEMA", "RiskThresholds", "build_risk_list"]

# Columns a list written before issue 13 may lack; writers add them as nulls.
ADDED_COLUMNS = ("employer_name", "months_unpaid", "suggested_action")


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
        "employer_name": pl.String(),
        "months_unpaid": pl.Int32(),
        "suggested_action": pl.String(),
    }


RISK_LIST_SCHEMA = risk_list_schema()


def list_horizons(frame: pl.DataFrame) -> tuple[int, ...]:
    """The horizons of a frame's p_leave_<h>m columns, in order."""
    found = [c.removeprefix("p_leave_").removesuffix("m") for c in frame.columns]
    pairs = zip(found, frame.columns, strict=True)
    return tuple(sorted(int(h) for h, c in pairs if c.startswith("p_leave_") and h.isdigit()))


def risk_list_columns(frame: pl.DataFrame) -> list[str]:
    """The contract's columns of a risk list (for the horizons it holds), in order."""
    return list(risk_list_schema(list_horizons(frame)))


UNPAID_FEATURE = "months_since_last_contribution"


def build_risk_list(
    scores: pl.DataFrame,
    features: pl.DataFrame,
    contributions: pl.DataFrame,
    model_version: str,
    lang: str = "zh",
    thresholds: RiskThresholds = DEFAULT.tiers,
    feature_docs: dict[str, str] | None = None,
    tables: dict[str, pl.DataFrame] | None = None,
    horizons: tuple[int, ...] = DEFAULT.horizons,
    headline: str = DEFAULT.headline,
) -> pl.DataFrame:
    """Risk list in the contract's column order, highest headline risk first, reasons in words.

    `contributions` rows carry a talent_id or else align with `features` row by row.
    Talents without a row in `contributions` get null reasons (the caller may explain only
    the talents officers will see). Reasons pass reports.reason_rules: fewer than three remain
    rather than a bad one. `features` may be the whole scoring frame: months_unpaid is read
    from its months_since_last_contribution for every talent it holds (null for others).
    `tables` (the validated extract) gives employer names (employers) and the labels of x_*
    attributes (attribute_labels, optional; checked against talents' columns).
    """
    check_lang(lang)
    tables = tables or {}
    schema = risk_list_schema(horizons)
    computed = {"risk_tier", "model_version", *REASON_COLUMNS, *ADDED_COLUMNS}
    missing = [c for c in schema if c not in computed and c not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks the columns {missing}")
    if scores["talent_id"].is_duplicated().any():
        raise ValueError("scores has more than one row for some talent_id")
    if "talent_id" not in contributions.columns:  # the model returns rows aligned with `features`
        if contributions.height != features.height:
            raise ValueError("contributions has no talent_id and not one row per row of features")
        contributions = contributions.with_columns(features["talent_id"])
    talent_columns = tables["talents"].columns if "talents" in tables else None
    labels = attribute_labels(tables.get("attribute_labels"), talent_columns)
    contributions = contributions.unique("talent_id", keep="first", maintain_order=True)
    features = features.unique("talent_id", keep="first")
    extra = [c for c in features.columns if c not in scores.columns]
    values = (
        contributions.select("talent_id")
        .join(scores, on="talent_id", how="left", maintain_order="left")
        .join(
            features.select("talent_id", *extra), on="talent_id", how="left", maintain_order="left"
        )
    )
    picks = keep_usable(pick_reasons(contributions, CANDIDATES), values, frozenset(labels))
    reasons = word_reasons(picks, values, lang, feature_docs, labels)
    first_action = (
        picks.filter(pl.col("rank") == 1)
        .select("row", "action")
        .join(
            pl.DataFrame({"row": range(values.height)}, schema={"row": pl.UInt32}),
            on="row",
            how="right",
        )
        .sort("row")["action"]
    )
    reasons = pl.concat(
        [
            contributions.select("talent_id"),
            reasons,
            first_action.to_frame("_action").fill_null("contact"),
        ],
        how="horizontal",
    )
    unpaid = (
        features.select(
            "talent_id", pl.col(UNPAID_FEATURE).round(0).cast(pl.Int32).alias("months_unpaid")
        )
        if UNPAID_FEATURE in features.columns
        else pl.DataFrame(schema={"talent_id": pl.String, "months_unpaid": pl.Int32})
    )
    names = _employer_names(tables.get("employers"))
    action_key = (
        pl.when(pl.col("months_unpaid") >= 1).then(pl.lit("verify")).otherwise(pl.col("_action"))
    )
    return (
        scores.lazy()
        .join(reasons.lazy(), on="talent_id", how="left")
        .join(unpaid.lazy(), on="talent_id", how="left")
        .join(names.lazy(), on="employer_id", how="left")
        .with_columns(
            assign_tier(thresholds, headline),
            pl.lit(model_version).alias("model_version"),
            action_text(action_key, lang).alias("suggested_action"),
        )
        .select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
        .sort([headline, "talent_id"], descending=[True, False], nulls_last=True)
        .collect()
    )


def _employer_names(employers: pl.DataFrame | None) -> pl.DataFrame:
    schema = {"employer_id": pl.String, "employer_name": pl.String}
    if employers is None or "employer_name" not in employers.columns:
        return pl.DataFrame(schema=schema)
    return employers.select(
        pl.col("employer_id").cast(pl.String), pl.col("employer_name").cast(pl.String)
    ).unique("employer_id", keep="first")


def with_added_columns(risk_list: pl.DataFrame) -> pl.DataFrame:
    """The risk list with the columns added in issue 13 present (null when a caller lacks them)."""
    return risk_list.with_columns(
        pl.lit(None, dtype=RISK_LIST_SCHEMA[c]).alias(c)
        for c in ADDED_COLUMNS
        if c not in risk_list.columns
    )
