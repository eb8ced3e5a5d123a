"""Suggested actions: the office's own table (reports/actions.csv) from a reason to a lever.

The table is the one place the office edits what officers are asked to do: one row per action
key with the lever (事业留人、感情留人、待遇留人, or 核实状态 for a stopped contribution) and
the action in Chinese and English. reports.reason_rules names each reason's key. See
docs/actions.md.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

ACTIONS_FILE = Path(__file__).with_name("actions.csv")
REQUIRED = ("key", "lever_zh", "lever_en", "action_zh", "action_en")


@cache
def load_actions(path: Path = ACTIONS_FILE) -> pl.DataFrame:
    """The action table, checked: the five columns, unique keys, no empty text."""
    table = pl.read_csv(path, infer_schema_length=0, encoding="utf8")
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: column {missing[0]} is missing")
    if table["key"].is_duplicated().any():
        raise ValueError(
            f"{path}: key {table.filter(pl.col('key').is_duplicated())['key'][0]} twice"
        )
    for column in REQUIRED:
        empty = table.filter(pl.col(column).is_null() | (pl.col(column).str.strip_chars() == ""))
        if empty.height:
            raise ValueError(f"{path}: {column} is empty for key {empty['key'][0]}")
    return table


def action_texts(lang: str) -> dict[str, str]:
    """{key: '待遇留人:…'} in the output's language."""
    table = load_actions()
    lever, action = ("lever_zh", "action_zh") if lang == "zh" else ("lever_en", "action_en")
    sep = "：" if lang == "zh" else ": "
    return {k: f"{lv}{sep}{a}" for k, lv, a in table.select("key", lever, action).iter_rows()}


def action_text(key: pl.Expr, lang: str) -> pl.Expr:
    """Expression mapping an action key to its text (null key stays null)."""
    return key.replace_strict(action_texts(lang), default=None, return_dtype=pl.String)
