"""The three reasons pushing each talent's risk up most, chosen from SHAP and put into words."""

from __future__ import annotations

import numpy as np
import polars as pl

from reports.reason_rules import rule_for
from reports.wording import SUPPORT_DTYPES, columns_for, group_feature, word_reason

REASON_COLUMNS = ["reason_1", "reason_2", "reason_3"]
CANDIDATES = 12  # the strongest contributions looked at before the rules keep at most three
_NOT_FEATURES = {"talent_id", "bias"}
_PICKS = {"row": pl.UInt32, "rank": pl.Int8, "reason": pl.String, "action": pl.String}


def pick_reasons(contributions: pl.DataFrame, k: int = 3) -> pl.DataFrame:
    """Long frame (row, rank, reason) of each row's k largest positive contributions.

    Contributions of a feature and its companion (an event flag and months since it) are
    summed first, SHAP being additive, so one fact never takes two of the three places.
    """
    features = [c for c in contributions.columns if c not in _NOT_FEATURES]
    keys = sorted({group_feature(f) for f in features})
    empty = pl.DataFrame(schema={"row": pl.UInt32, "rank": pl.Int8, "reason": pl.String})
    if not keys or contributions.height == 0:
        return empty
    matrix = (
        contributions.select(pl.col(features).cast(pl.Float64).fill_null(0.0).fill_nan(0.0))
        .to_numpy()
        .astype(np.float64, copy=False)
    )
    onehot = np.zeros((len(features), len(keys)))
    for i, f in enumerate(features):
        onehot[i, keys.index(group_feature(f))] = 1.0
    grouped = matrix @ onehot
    k = min(k, len(keys))
    top = (
        np.argpartition(-grouped, k - 1, axis=1)[:, :k]
        if len(keys) > k
        else np.tile(np.arange(len(keys)), (len(grouped), 1))
    )
    vals = np.take_along_axis(grouped, top, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    top, vals = np.take_along_axis(top, order, axis=1), np.take_along_axis(vals, order, axis=1)
    rows = np.repeat(np.arange(len(grouped), dtype=np.uint32), k)
    ranks = np.tile(np.arange(1, k + 1, dtype=np.int8), len(grouped))
    keep = vals.ravel() > 0
    return pl.DataFrame(
        {
            "row": rows[keep],
            "rank": ranks[keep],
            "reason": pl.Series(keys, dtype=pl.String).gather(top.ravel()[keep]),
        },
        schema=empty.schema,
    )


def _rows_of(values: pl.DataFrame, rows: pl.Series, needed: list[str]) -> pl.DataFrame:
    """The needed columns of `values` at `rows`, typed nulls for columns `values` lacks."""
    missing = [
        pl.lit(None, dtype=SUPPORT_DTYPES.get(c, pl.Float64)).alias(c)
        for c in needed
        if c not in values.columns
    ]
    present = [c for c in needed if c in values.columns]
    subset = values.select(present)[rows] if present else pl.DataFrame(height=len(rows))
    return subset.with_columns(missing)


def keep_usable(
    picks: pl.DataFrame,
    values: pl.DataFrame,
    labelled: frozenset[str] = frozenset(),
    k: int = len(REASON_COLUMNS),
) -> pl.DataFrame:
    """(row, rank, reason, action): per row the k strongest picks its rule allows, one per topic.

    The rules (reports.reason_rules) drop what is not true, current, specific or pointing the
    way it says; fewer than k reasons remain rather than a bad one.
    """
    parts = []
    for (reason,), part in sorted(picks.partition_by("reason", as_dict=True).items()):
        rule = rule_for(reason, labelled)
        if rule.when is None:
            continue
        expr = rule.when().fill_null(False).alias("ok")
        ok = _rows_of(values, part["row"], columns_for(expr)).select(expr)["ok"]
        parts.append(
            part.filter(ok).with_columns(
                pl.lit(rule.topic).alias("topic"), pl.lit(rule.action).alias("action")
            )
        )
    if not parts:
        return pl.DataFrame(schema=_PICKS)
    return (
        pl.concat(parts)
        .sort(["row", "rank"])
        .unique(["row", "topic"], keep="first", maintain_order=True)
        .with_columns((pl.int_range(pl.len()).over("row") + 1).cast(pl.Int8).alias("rank"))
        .filter(pl.col("rank") <= k)
        .select(list(_PICKS))
    )


def word_reasons(
    picks: pl.DataFrame,
    values: pl.DataFrame,
    lang: str = "zh",
    feature_docs: dict[str, str] | None = None,
    labels: dict[str, tuple[str, str]] | None = None,
) -> pl.DataFrame:
    """reason_1..3 for each row of `values` (aligned with the picks' rows), null where none."""
    n = values.height
    blank = pl.select(pl.repeat(None, n, dtype=pl.String)).to_series()
    columns = {name: blank.clone().alias(name) for name in REASON_COLUMNS}
    for (reason,), part in sorted(picks.partition_by("reason", as_dict=True).items()):
        expr = word_reason(reason, lang, feature_docs, values.schema.get(reason), labels)
        rows = part["row"]
        text = _rows_of(values, rows, columns_for(expr)).select(expr)["reason"]
        for rank in range(1, len(REASON_COLUMNS) + 1):
            mask = (part["rank"] == rank).to_numpy()
            if mask.any():
                columns[f"reason_{rank}"].scatter(rows.filter(mask), text.filter(mask))
    return pl.DataFrame(list(columns.values()))
