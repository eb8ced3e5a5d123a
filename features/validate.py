"""Row checks of a read extract: every row is accepted or quarantined with its first failing reason.

Checks run in this order, and a row is quarantined for the first that fails: each column in
contract order (missing required value, wrong type or unknown code, range), dates in order,
references to *accepted* rows of other tables, then duplicate keys among rows still accepted
(the earliest row wins). Accepted rows are finally checked against the pandera schemas of
the validated tables (`table_schema`); a row failing there is quarantined too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from features.contract import CODES, PII_COLUMNS, POSITIVE_MONEY, TABLES, TableSpec
from features.extract import RawTable, parse_code, parse_date, parse_money, parse_month, parse_text

SEP = "\x1f"
QUARANTINE_SCHEMA = pl.Schema(
    {
        "table": pl.String,
        "source_row": pl.Int64,
        "column": pl.String,
        "reason": pl.String,
        "value": pl.String,
    }
)
_PARSERS = {"date": parse_date, "month": parse_month, "money": parse_money}
_TYPE_REASONS = {
    "date": "not a date (expected YYYY-MM-DD or YYYY/MM/DD)",
    "month": "not a month (expected YYYY-MM)",
    "money": "not a number",
}


@dataclass(frozen=True)
class TableCheck:
    """One table after its row checks: accepted rows (contract columns) and its quarantine."""

    accepted: pl.DataFrame
    quarantine: pl.DataFrame


def _raw(name: str) -> str:
    return f"__raw_{name}"


def _fail(column: str, reason: str | pl.Expr) -> pl.Expr:
    reason = pl.lit(reason) if isinstance(reason, str) else reason
    return pl.concat_str(pl.lit(column + SEP), reason)


def parse_fields(raw: RawTable, spec: TableSpec) -> pl.LazyFrame:
    """Parsed contract columns, the raw cells behind them, and the first field failure `__fail`."""
    schema = raw.frame.schema
    lf = raw.frame.lazy().with_columns(
        pl.lit(None, pl.String).alias(c.name) for c in spec.columns if c.name not in schema
    )
    dtypes = {c.name: schema.get(c.name, pl.String) for c in spec.columns}
    keep_raw = [c.name for c in spec.columns if c.kind != "str"]
    lf = lf.with_columns(pl.col(c).alias(_raw(c)) for c in keep_raw)
    parsed = []
    for c in spec.columns:
        dtype = dtypes[c.name]
        if c.kind == "str":
            parsed.append(parse_text(c.name, dtype))
        elif c.kind == "code":
            parsed.append(parse_code(c.name, dtype, c.codes or c.name))
        else:
            parsed.append(_PARSERS[c.kind](c.name, dtype))
    lf = lf.with_columns(parsed)
    rules: list[pl.Expr] = []
    for c in spec.columns:
        value = pl.col(c.name)
        present = value.is_not_null()
        if c.kind != "str":
            cell = pl.col(_raw(c.name))
            text = cell.cast(pl.String).str.strip_chars() if dtypes[c.name] != pl.Null else cell
            present = text.is_not_null() & (text != "")
        if c.required:
            rules.append(pl.when(~present).then(_fail(c.name, "required value is missing")))
        if c.kind == "code":
            expected = ", ".join(CODES[c.codes or c.name])
            reason = f"unknown code (expected one of {expected})"
            rules.append(pl.when(present & value.is_null()).then(_fail(c.name, reason)))
        elif c.kind in _TYPE_REASONS:
            reason = _TYPE_REASONS[c.kind]
            rules.append(pl.when(present & value.is_null()).then(_fail(c.name, reason)))
        if c.kind == "money" and c.name in POSITIVE_MONEY:
            rules.append(pl.when(value <= 0).then(_fail(c.name, "must be greater than 0")))
        elif c.kind == "money":
            rules.append(pl.when(value < 0).then(_fail(c.name, "must not be negative")))
    for earlier, later in spec.date_order:
        reason = f"{later} is before {earlier}"
        rules.append(pl.when(pl.col(later) < pl.col(earlier)).then(_fail(later, reason)))
    return lf.with_columns(pl.coalesce(rules).alias("__fail") if rules else pl.lit(None, pl.String))


def check_references(
    lf: pl.LazyFrame,
    spec: TableSpec,
    accepted: dict[str, pl.DataFrame],
    rejected: dict[str, pl.Series],
) -> pl.LazyFrame:
    """Fail rows whose reference is not an accepted key, saying when that key was quarantined."""
    rules = []
    for ref in spec.references:
        target = TABLES[ref.table]
        key = target.key[0]
        value = pl.col(ref.column)
        dangling = value.is_not_null() & ~value.is_in(accepted[ref.table].get_column(key).implode())
        was_quarantined = value.is_in(rejected[ref.table].implode())
        reason = (
            pl.when(was_quarantined)
            .then(pl.lit(f"{ref.column} was quarantined in {ref.table}"))
            .otherwise(pl.lit(f"{ref.column} not found in {ref.table}"))
        )
        rules.append(pl.when(dangling).then(_fail(ref.column, reason)))
    if not rules:
        return lf
    return lf.with_columns(pl.coalesce(pl.col("__fail"), *rules).alias("__fail"))


def check_duplicates(df: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    """Fail repeats of a key among rows not failed yet; the earliest row is kept."""
    if not spec.key:
        return df
    key = list(spec.key)
    ok = pl.col("__fail").is_null()
    repeat = ok & ~pl.struct(*key, ok.alias("__ok")).is_first_distinct()
    df = df.with_columns(repeat.alias("__repeat"))
    if not df.get_column("__repeat").any():
        return df.drop("__repeat")
    firsts = (
        df.lazy()
        .filter(ok & ~pl.col("__repeat"))
        .join(df.lazy().filter("__repeat").select(key).unique(), on=key, how="semi")
        .select(*key, pl.col("source_row").alias("__first"))
    )
    what = " and ".join(key)
    reason = pl.format(f"duplicate {what}, first at row {{}}", pl.col("__first"))
    return (
        df.lazy()
        .join(firsts, on=key, how="left", maintain_order="left", nulls_equal=False)
        .with_columns(
            pl.when("__repeat")
            .then(_fail(key[-1], reason))
            .otherwise(pl.col("__fail"))
            .alias("__fail")
        )
        .drop("__repeat", "__first")
        .collect()
    )


def _quarantine(df: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    """The failed rows as (table, source_row, column, reason, value); PII values left out."""
    failed = df.filter(pl.col("__fail").is_not_null())
    parts = pl.col("__fail").str.split_exact(SEP, 1)
    failed = failed.with_columns(
        parts.struct.field("field_0").alias("__column"),
        parts.struct.field("field_1").alias("__reason"),
    )
    value = pl.lit(None, pl.String)
    for c in reversed(spec.columns):
        if c.name in PII_COLUMNS:
            continue
        source = pl.col(_raw(c.name)) if c.kind != "str" else pl.col(c.name)
        value = pl.when(pl.col("__column") == c.name).then(source.cast(pl.String)).otherwise(value)
    if len(spec.key) > 1:
        joined = pl.concat_str([pl.col(k).cast(pl.String) for k in spec.key], separator=", ")
        is_dup = pl.col("__reason").str.starts_with("duplicate ")
        value = pl.when(is_dup).then(joined).otherwise(value)
    return failed.select(
        pl.lit(spec.name).alias("table"),
        "source_row",
        pl.col("__column").alias("column"),
        pl.col("__reason").alias("reason"),
        value.alias("value"),
    )


def check_table(
    raw: RawTable, accepted: dict[str, pl.DataFrame], rejected: dict[str, pl.Series]
) -> TableCheck:
    """Every row of one read table accepted or quarantined, references checked against `accepted`."""
    spec = TABLES[raw.name]
    lf = check_references(parse_fields(raw, spec), spec, accepted, rejected)
    df = check_duplicates(lf.collect(), spec)
    extra = [c for c in df.columns if c.startswith("x_")] if spec.name == "talents" else []
    columns = ["source_row", *spec.column_names, *extra]
    ok = df.filter(pl.col("__fail").is_null()).select(columns)
    ok, schema_failures = check_schema(coerce_extras(ok, extra), spec)
    quarantine = pl.concat([_quarantine(df, spec), schema_failures]).sort("source_row")
    return TableCheck(ok.drop("source_row"), quarantine)


def coerce_extras(df: pl.DataFrame, extra: list[str]) -> pl.DataFrame:
    """`x_*` columns as Float64 when every value parses as a number, else as read."""
    casts = []
    for name in extra:
        dtype = df.schema[name]
        if dtype.is_numeric():
            casts.append(pl.col(name).cast(pl.Float64))
        elif dtype == pl.String:
            text = pl.col(name).str.strip_chars()
            number = text.cast(pl.Float64, strict=False)
            if df.select((number.is_null() & (text != "") & text.is_not_null()).any()).item():
                continue
            casts.append(number.alias(name))
    return df.with_columns(casts) if casts else df


def _column_schema(c) -> pa.Column:
    checks = []
    if c.kind == "code":
        checks.append(pa.Check.isin(list(CODES[c.codes or c.name])))
    if c.kind == "money":
        checks.append(pa.Check.gt(0) if c.name in POSITIVE_MONEY else pa.Check.ge(0))
    if c.kind == "month":
        checks.append(pa.Check(lambda d: d.lazyframe.select(pl.col(d.key).dt.day() == 1)))
    dtype = {"date": pl.Date, "month": pl.Date, "money": pl.Float64}.get(c.kind, pl.String)
    unique = False
    return pa.Column(dtype, checks, nullable=not c.required, unique=unique)


def table_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema of one validated table (with its `source_row`)."""
    columns = {"source_row": pa.Column(pl.Int64, unique=True)}
    columns |= {c.name: _column_schema(c) for c in spec.columns}
    checks = [
        pa.Check(
            lambda d, a=a, b=b: d.lazyframe.select(
                pl.col(b).is_null() | pl.col(a).is_null() | (pl.col(b) >= pl.col(a))
            ),
            name=f"{b} >= {a}",
        )
        for a, b in spec.date_order
    ]
    return pa.DataFrameSchema(
        columns,
        checks=checks,
        unique=list(spec.key) or None,
        strict=spec.name != "talents",
        name=spec.name,
    )


def check_schema(df: pl.DataFrame, spec: TableSpec) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Accepted rows that pass the table's pandera schema, and the others as quarantine."""
    try:
        table_schema(spec).validate(df, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        if cases.get_column("index").null_count():
            raise  # a whole-column failure is a bug in the row checks above, not bad data
        first = (
            cases.sort("index")
            .group_by("index", maintain_order=True)
            .first()
            .select(
                pl.col("index").cast(pl.Int64),
                pl.col("column").fill_null(""),
                pl.format("failed schema check {}", pl.col("check")).alias("reason"),
                pl.col("failure_case").cast(pl.String).alias("value"),
            )
        )
        rows = (
            df.select("source_row")
            .with_row_index("index")
            .with_columns(pl.col("index").cast(pl.Int64))
        )
        failed = first.join(rows, on="index").select(
            pl.lit(spec.name).alias("table"), "source_row", "column", "reason", "value"
        )
        keep = ~pl.int_range(pl.len()).is_in(first.get_column("index").implode())
        return df.filter(keep), failed
    return df, pl.DataFrame(schema=QUARANTINE_SCHEMA)
