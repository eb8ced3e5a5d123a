"""Reasons in words: the zh/en sentence expression for a feature, with a doc-string fallback."""

from __future__ import annotations

import polars as pl

from reports import wording_life, wording_money
from reports.attributes import NEUTRAL
from reports.labels import check_lang

SENTENCES = {**wording_money.SENTENCES, **wording_life.SENTENCES}

# Columns a sentence may read besides its own feature, and their type when a frame lacks them.
SUPPORT_DTYPES: dict[str, pl.DataType] = {
    "as_of": pl.Date(),
    "subsidy_end_date": pl.Date(),
    "subsidy_type": pl.String(),
    "tenure_months": pl.Float64(),
    "months_since_last_contribution": pl.Float64(),
}


def group_feature(feature: str) -> str:
    """The reason a feature speaks for: months_since_<event> joins its event's flag."""
    prefix = "months_since_"
    if feature.startswith(prefix) and feature[len(prefix) :] in wording_life.EVENTS:
        return feature[len(prefix) :]
    return feature


def word_reason(
    reason: str,
    lang: str = "zh",
    feature_docs: dict[str, str] | None = None,
    dtype: pl.DataType | None = None,
    labels: dict[str, tuple[str, str]] | None = None,
) -> pl.Expr:
    """Expression giving each row's sentence for one reason, using the row's own values.

    An x_* attribute is named by its label from attribute_labels (`labels`), else by a neutral
    phrase; never by its column name, nor by a doc made from the column name.
    """
    check_lang(lang)
    if reason in SENTENCES:
        return SENTENCES[reason](lang).alias("reason")
    if reason.startswith("x_"):
        pair = (labels or {}).get(reason, NEUTRAL)
        doc = pair[0] if lang == "zh" else pair[1]
    else:
        doc = (feature_docs or {}).get(reason)
    return _fallback(reason, lang, doc, dtype).alias("reason")


def _fallback(feature: str, lang: str, doc: str | None, dtype: pl.DataType | None) -> pl.Expr:
    value = pl.col(feature)
    if dtype is not None and dtype.is_numeric():
        v = value.cast(pl.Float64)
        whole = v.round(0).cast(pl.Int64, strict=False).cast(pl.String)
        text = pl.when(v == v.round(0)).then(whole).otherwise(v.round(2).cast(pl.String))
    elif dtype is not None and dtype.is_temporal():
        text = value.cast(pl.Date).dt.to_string("%Y-%m-%d")
    else:
        text = value.cast(pl.String)
    text = text.fill_null("—" if lang == "zh" else "none")
    if doc and feature.startswith("x_"):
        # The city's own attribute: no sentence of ours, so say which way this value pushes
        # (reasons are the largest positive contributions: the value raises the risk).
        template = (
            "{}为{},这一取值使离开风险升高"
            if lang == "zh"
            else "{} is {}, a value that raises the risk"
        )
        return pl.format(template, pl.lit(doc), text)
    if doc:
        return pl.format("{}:{}" if lang == "zh" else "{}: {}", pl.lit(doc), text)
    template = "其他登记信息(取值{})" if lang == "zh" else "another recorded attribute (value {})"
    return pl.format(template, text)


def columns_for(expr: pl.Expr) -> list[str]:
    """Columns a sentence expression reads."""
    return list(dict.fromkeys(expr.meta.root_names()))
