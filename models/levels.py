"""Capped category levels for the city's own `x_*` text attributes: rare levels pooled into OTHER.

Why: a city's `x_*` text column may hold anything from three survey bands to a free-text
field with a value per talent. Every level is a one-hot column for the logistic half and a
candidate split for the trees; a level a handful of talents hold is noise that the trees can
isolate (and that the linear half overfits), and a level seen at scoring but never in training
has no estimate at all. Keeping the most common levels held by enough talents, and folding
the rest (and any unseen later) into one OTHER level, keeps what the column can tell.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

OTHER = "__other__"


@dataclass(frozen=True)
class LevelCaps:
    """At most `max_levels` kept levels per capped column, each held by >= `min_talents` talents."""

    max_levels: int = 24
    min_talents: int = 30
    prefix: str = "x_"  # the catalog's own categoricals are contract enumerations: never capped

    def applies_to(self, col: str) -> bool:
        """Whether the caps apply to the column."""
        return col.startswith(self.prefix)


def cap_levels(
    frame: pl.DataFrame, col: str, caps: LevelCaps
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(kept levels sorted, pooled levels sorted) of `col`, counting talents (rows without talent_id)."""
    text = pl.col(col).cast(pl.String)
    holders = pl.col("talent_id").n_unique() if "talent_id" in frame.columns else pl.len()
    counts = (
        frame.lazy()
        .select(text.alias("level"), *(["talent_id"] if "talent_id" in frame.columns else []))
        .drop_nulls("level")
        .group_by("level")
        .agg(holders.alias("n"))
        .sort(["n", "level"], descending=[True, False])
        .collect()
    )
    eligible = counts.filter(pl.col("n") >= caps.min_talents).head(caps.max_levels)
    kept = set(eligible.get_column("level").to_list())
    levels = counts.get_column("level").to_list()
    return (
        tuple(sorted(kept)),
        tuple(sorted(level for level in levels if level not in kept)),
    )


def describe_pooling(pooled: dict[str, tuple[str, ...]] | None, caps: LevelCaps) -> str:
    """One line saying which columns had rare levels pooled, and how many ('' when none)."""
    if not pooled:
        return ""
    parts = [f"{col} {len(rare):,}" for col, rare in sorted(pooled.items())]
    return (
        f"rare x_* levels pooled into {OTHER} (kept <= {caps.max_levels} levels held by "
        f">= {caps.min_talents} talents): " + ", ".join(parts)
    )
