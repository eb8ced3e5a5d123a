"""The optional attribute_labels table: how the city names its own x_* attributes.

features.extract does not read this table yet, so reports carries a minimal reader
(`read_attribute_labels`) for an extract folder; when the ingest reads it, pass
`tables["attribute_labels"]` instead. Without a label an attribute is worded with a neutral
phrase (登记的其他属性), never its raw column name.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

NEUTRAL = ("登记的其他属性", "another recorded attribute")
COLUMNS = ("column", "label_zh", "label_en")


def read_attribute_labels(folder: Path) -> pl.DataFrame | None:
    """attribute_labels.{parquet,csv,xlsx} from an extract folder, or None when absent."""
    folder = Path(folder)
    found = [folder / f"attribute_labels.{ext}" for ext in ("parquet", "csv", "xlsx")]
    found = [p for p in found if p.is_file()]
    if not found:
        return None
    if len(found) > 1:
        raise ValueError(
            f"{folder}: attribute_labels comes in more than one format ({', '.join(p.name for p in found)})"
        )
    path = found[0]
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    if path.suffix == ".xlsx":
        return pl.read_excel(path, infer_schema_length=0)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return pl.read_csv(text.encode("utf-8"), infer_schema_length=0)
    raise ValueError(f"{path}: not UTF-8 or GB18030 text")


def attribute_labels(
    table: pl.DataFrame | None, talent_columns: list[str] | None = None
) -> dict[str, tuple[str, str]]:
    """{column: (label_zh, label_en)} from the table; a one-line ValueError when it is wrong.

    `talent_columns`: the talents table's columns; a label for a column talents lacks is an
    error naming both the column and its label.
    """
    if table is None or table.height == 0:
        return {}
    missing = [c for c in ("column", "label_zh") if c not in table.columns]
    if missing:
        raise ValueError(f"attribute_labels: required column {missing[0]} is missing")
    rows = table.select(
        pl.col("column").cast(pl.String).str.strip_chars(),
        pl.col("label_zh").cast(pl.String).str.strip_chars(),
        (pl.col("label_en") if "label_en" in table.columns else pl.lit(None))
        .cast(pl.String)
        .str.strip_chars(),
    )
    labels: dict[str, tuple[str, str]] = {}
    for i, (column, zh, en) in enumerate(rows.iter_rows(), start=2):
        if not column:
            raise ValueError(f"attribute_labels: row {i}: column is empty")
        if not zh:
            raise ValueError(f"attribute_labels: row {i}: label_zh is empty for column {column}")
        if column in labels:
            raise ValueError(f"attribute_labels: row {i}: column {column} is labelled twice")
        if talent_columns is not None and column not in talent_columns:
            raise ValueError(
                f"attribute_labels: row {i}: the label '{zh}' is for column {column}, "
                "which talents does not have"
            )
        labels[column] = (zh, en or zh)
    return labels
