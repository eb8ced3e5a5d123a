"""Polars feature frame -> numeric matrix for LightGBM and scikit-learn, with fixed category levels."""

from __future__ import annotations

import sys
import weakref
from dataclasses import dataclass

import numpy as np
import polars as pl

from models.levels import OTHER, LevelCaps, cap_levels


@dataclass(frozen=True)
class FeatureSpec:
    """The model's columns and, for each categorical, its levels as seen in training."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    levels: dict[str, tuple[str, ...]]
    # Per capped column, the rare training levels folded into OTHER (None in models from before).
    pooled: dict[str, tuple[str, ...]] | None = None

    def pools(self, col: str) -> bool:
        """Whether `col` codes values outside its kept levels as OTHER rather than unknown."""
        return bool(self.pooled) and col in self.pooled

    @property
    def names(self) -> list[str]:
        """Feature names in matrix order: numeric first, then categorical."""
        return [*self.numeric, *self.categorical]

    @property
    def categorical_indices(self) -> list[int]:
        """Matrix column indices of the categorical features."""
        return list(range(len(self.numeric), len(self.numeric) + len(self.categorical)))


def fit_feature_spec(
    frame: pl.DataFrame,
    numeric: list[str],
    categorical: list[str],
    caps: LevelCaps | None = None,
) -> FeatureSpec:
    """Fix the category levels (sorted, nulls excluded) from the training frame, capped per `caps`."""
    missing = [c for c in [*numeric, *categorical] if c not in frame.columns]
    if missing:
        raise ValueError(f"feature columns missing from the frame: {missing}")
    levels, pooled = {}, {}
    for col in categorical:
        if caps is not None and caps.applies_to(col):
            kept, rare = cap_levels(frame, col, caps)
            levels[col] = (*kept, OTHER) if rare else kept
            if rare:
                pooled[col] = rare
            continue
        values = frame.get_column(col).cast(pl.String).drop_nulls().unique().sort()
        levels[col] = tuple(values.to_list())
    return FeatureSpec(tuple(numeric), tuple(categorical), levels, pooled or None)


def encode_categorical(col: str, levels: tuple[str, ...], pooled: bool = False) -> pl.Expr:
    """Code a categorical column as its level index (Float64); null -> null; a value outside the
    levels -> OTHER's code when the column was pooled (it is rare by construction), else null."""
    mapping = pl.DataFrame(
        {"level": list(levels), "code": np.arange(len(levels), dtype=np.float64)},
        schema={"level": pl.String, "code": pl.Float64},
    )
    text = pl.col(col).cast(pl.String)
    other = float(levels.index(OTHER)) if pooled and OTHER in levels else None
    coded = text.replace_strict(
        mapping["level"], mapping["code"], default=other, return_dtype=pl.Float64
    )
    return pl.when(text.is_null()).then(None).otherwise(coded).alias(col)


_WARNED: dict[int, set[str]] = {}  # per FeatureSpec alive: the warnings already given


def warn_once(spec: FeatureSpec, topic: str, message: str) -> None:
    """One line on stderr per topic and model spec: predict (every talent) and contributions
    (the listed ones) both encode, and the second would say it again with other counts."""
    key = id(spec)
    if key not in _WARNED:
        _WARNED[key] = set()
        weakref.finalize(spec, _WARNED.pop, key, None)
    if topic not in _WARNED[key]:
        _WARNED[key].add(topic)
        sys.stderr.write(f"retention: warning: {message}\n")


def align_extras(frame: pl.DataFrame, spec: FeatureSpec) -> pl.DataFrame:
    """The city's own `x_*` columns as the model saw them in training, saying what differs.

    The contract makes `x_*` columns optional, so one the model was trained on may be absent,
    or arrive as text (高/中/低) where the model saw numbers: it is scored as unknown (null,
    missing for LightGBM), with one warning line on stderr. Other features must be there.
    """
    fixes = []
    for name in [c for c in spec.names if c.startswith("x_")]:
        if name not in frame.columns:
            warn_once(
                spec,
                f"absent {name}",
                f"talents: column {name} that the model was trained on is absent; "
                "scored as unknown",
            )
            fixes.append(pl.lit(None, pl.Float64).alias(name))
            continue
        dtype = frame.schema[name]
        if name in spec.numeric and not (
            dtype.is_numeric() or dtype.is_temporal() or dtype in (pl.Boolean, pl.Null)
        ):
            text = pl.col(name).cast(pl.String).str.strip_chars()
            number = text.cast(pl.Float64, strict=False)
            bad = frame.select(number.is_null() & text.is_not_null() & (text != "")).to_series()
            if bad.any():
                examples = (
                    frame.filter(bad).get_column(name).cast(pl.String).unique(maintain_order=True)
                )
                shown = ", ".join(examples.head(3).to_list())
                warn_once(
                    spec,
                    f"text {name}",
                    f"talents: column {name} holds {bad.sum():,} values that are not numbers "
                    f"({shown}) where the model was trained on numbers; those are scored as unknown",
                )
            fixes.append(number.alias(name))
    return frame.with_columns(fixes) if fixes else frame


def encode_frame(frame: pl.DataFrame, spec: FeatureSpec) -> pl.DataFrame:
    """The feature columns only, all Float64, categoricals coded by level index."""
    frame = align_extras(frame, spec)
    missing = [c for c in spec.names if c not in frame.columns]
    if missing:
        raise ValueError(f"feature columns missing from the frame: {missing}")
    exprs = [pl.col(c).cast(pl.Float64).alias(c) for c in spec.numeric]
    exprs += [encode_categorical(c, spec.levels[c], spec.pools(c)) for c in spec.categorical]
    return frame.lazy().select(exprs).collect()


def to_matrix(frame: pl.DataFrame, spec: FeatureSpec) -> np.ndarray:
    """A float64 matrix (rows x features) with NaN for missing and for unseen levels."""
    encoded = encode_frame(frame, spec)
    if encoded.width == 0:
        return np.empty((frame.height, 0), dtype=np.float64)
    matrix = encoded.fill_null(np.nan).to_numpy()
    # polars may hand out a read-only zero-copy view; callers may write into the matrix.
    return np.require(matrix, dtype=np.float64, requirements=["W"])
