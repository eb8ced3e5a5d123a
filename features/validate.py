"""Row checks of a read extract: every row is accepted or quarantined with its first failing reason.

Checks run in this order, and a row is quarantined for the first that fails: each column in
contract order (missing required value, wrong type or unknown code, resident ID checksum,
range, after the run date), dates in order, references to *accepted* rows of other tables,
contributions before the talent's arrival month, duplicate keys among rows still accepted
(the earliest row wins), then periodic subsidies overlapping an earlier-starting one of the
same talent and type. Accepted rows are finally checked against the pandera schemas of the
validated tables (`table_schema`); a row failing there is quarantined too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandera.polars as pa
import polars as pl

from features.contract import CODES, PII_COLUMNS, POSITIVE_MONEY, TABLES, TableSpec
from features.extract import RawTable, parse_column, parse_text

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
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
HEADER_REASON = "row repeats the header (files pasted together?)"
ID_REASON = "not a valid resident ID number (18 characters, the last a check digit)"
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


def valid_resident_ids(ids: pl.Series) -> pl.Series:
    """Per ID: 18 characters, 17 ASCII digits then the ISO 7064 check digit (or X); null stays null."""
    text, body, last = pl.col("text"), pl.col("body"), pl.col("last")
    total = sum((body // 10 ** (16 - i)) % 10 * w for i, w in enumerate(ID_WEIGHTS))
    valid = text.str.contains(r"^[0-9]{17}[0-9X]$") & (pl.col("check") == (12 - total % 11) % 11)
    return (  # in steps: one expression re-slices the text for every digit (3-4x slower)
        pl.LazyFrame({"text": ids.str.to_uppercase()})
        .with_columns(
            text.str.slice(0, 17).cast(pl.Int64, strict=False).alias("body"),
            text.str.slice(17, 1).alias("last"),
        )
        .with_columns(
            pl.when(last == "X")
            .then(10)
            .otherwise(last.cast(pl.Int64, strict=False))
            .alias("check")
        )
        .select(pl.when(text.is_not_null()).then(valid.fill_null(False)).alias(ids.name))
        .collect()
        .to_series()
    )


def parse_fields(
    raw: RawTable, spec: TableSpec, reference_date: date | None = None
) -> pl.LazyFrame:
    """Parsed contract columns, the raw cells behind them, and the first field failure `__fail`."""
    frame = raw.frame.with_columns(
        pl.lit(None, pl.String).alias(c.name)
        for c in spec.columns
        if c.name not in raw.frame.schema
    )
    raws = [frame.get_column(c.name).alias(_raw(c.name)) for c in spec.columns if c.kind != "str"]
    parsed = [parse_column(frame, c) for c in spec.columns]
    if "id_number" in spec.column_names:
        ids = frame.select(parse_text("id_number", frame.schema["id_number"])).to_series()
        parsed.append(valid_resident_ids(ids).alias("__id_ok"))
    lf = frame.with_columns(*raws, *parsed).lazy()
    rules: list[pl.Expr] = []
    required = [c for c in spec.columns if c.required]
    if required and all(frame.schema[c.name] == pl.String for c in required):
        cells = [pl.col(_raw(c.name) if c.kind != "str" else c.name) for c in required]
        repeats = pl.all_horizontal(
            cell.str.strip_chars().str.to_lowercase() == c.name
            for cell, c in zip(cells, required, strict=True)
        )
        rules.append(pl.when(repeats).then(_fail(required[0].name, HEADER_REASON)))
    for c in spec.columns:
        value = pl.col(c.name)
        present = (
            value.is_not_null() if c.kind == "str" else _present(_raw(c.name), frame.schema[c.name])
        )
        if c.required:
            rules.append(pl.when(~present).then(_fail(c.name, "required value is missing")))
        if c.kind == "code":
            expected = ", ".join(CODES[c.codes or c.name])
            reason = f"unknown code (expected one of {expected})"
            rules.append(pl.when(present & value.is_null()).then(_fail(c.name, reason)))
        elif c.kind in _TYPE_REASONS:
            reason = _TYPE_REASONS[c.kind]
            rules.append(pl.when(present & value.is_null()).then(_fail(c.name, reason)))
        if c.name == "id_number":
            invalid = value.is_not_null() & ~pl.col("__id_ok")
            rules.append(pl.when(invalid).then(_fail(c.name, ID_REASON)))
        if c.kind == "money" and c.name in POSITIVE_MONEY:
            rules.append(pl.when(value <= 0).then(_fail(c.name, "must be greater than 0")))
        elif c.kind == "money":
            rules.append(pl.when(value < 0).then(_fail(c.name, "must not be negative")))
        low, high = c.plausible
        if low is not None or high is not None:
            reason = f"{c.name} is not plausible (expected {_span(low, high)})"
            outside = (value < pl.lit(low)) if low else pl.lit(False)
            outside = (outside | (value > pl.lit(high))) if high else outside
            rules.append(pl.when(outside).then(_fail(c.name, reason)))
        if c.past and reference_date is not None:
            reason = f"{c.name} is after the run date {reference_date}"
            rules.append(pl.when(value > pl.lit(reference_date)).then(_fail(c.name, reason)))
    for earlier, later in spec.date_order:
        reason = f"{later} is before {earlier}"
        rules.append(pl.when(pl.col(later) < pl.col(earlier)).then(_fail(later, reason)))
    return lf.with_columns(pl.coalesce(rules).alias("__fail"))


def _span(low: date | None, high: date | None) -> str:
    if low and high:
        return f"{low} to {high}"
    return f"{low} or later" if low else f"{high} or earlier"


def _present(name: str, dtype: pl.DataType) -> pl.Expr:
    """A cell holds something: not null, not blank text, not a NaN."""
    col = pl.col(name)
    if dtype == pl.String:
        return col.is_not_null() & col.str.contains(r"\S")
    if dtype.is_float():
        return col.is_not_null() & ~col.is_nan()
    return col.is_not_null()


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


def check_arrival(
    df: pl.DataFrame, spec: TableSpec, accepted: dict[str, pl.DataFrame]
) -> pl.DataFrame:
    """Fail rows whose month lies before the month of their talent's arrival_date.

    Rows run in segments where the talent stays the same and the month never decreases (about
    one segment per talent in a sorted export). Within a segment the early rows come first, so
    only each segment's first row is looked up, and then every row of the segments whose first
    row is early (a join over every contribution would cost seconds on 40 M rows).
    """
    if spec.after_arrival is None:
        return df
    column = spec.after_arrival
    month, talent = pl.col(column), pl.col("talent_id")
    starts = ~((talent == talent.shift(1)) & (month >= month.shift(1))).fill_null(False)
    arrivals = accepted["talents"].select("talent_id", pl.col("arrival_date").alias("__arrival"))
    rows = df.lazy().select(
        "source_row",
        "talent_id",
        column,
        starts.alias("__starts"),
        starts.cum_sum().alias("__segment"),
    )
    before = month < pl.col("__arrival").dt.month_start()
    early_segments = (
        rows.filter("__starts").join(arrivals.lazy(), on="talent_id").filter(before)
    ).select("__segment")
    early = (
        rows.join(early_segments, on="__segment", how="semi")
        .join(arrivals.lazy(), on="talent_id")
        .filter(before)
        .select("source_row", "__arrival")
        .collect()
    )
    if early.height == 0:
        return df
    reason = pl.format(f"{column} is before the talent's arrival_date {{}}", pl.col("__arrival"))
    return (
        df.join(early, on="source_row", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce(
                pl.col("__fail"),
                pl.when(pl.col("__arrival").is_not_null()).then(_fail(column, reason)),
            ).alias("__fail")
        )
        .drop("__arrival")
    )


def check_overlaps(df: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    """Fail a periodic grant (monthly_amount given) overlapping an earlier-starting one of its group."""
    if not spec.no_overlap:
        return df
    group = list(spec.no_overlap)
    periodic = df.filter(pl.col("__fail").is_null() & pl.col("monthly_amount").is_not_null())
    periodic = periodic.filter(pl.len().over(group) > 1)  # most talents hold one of a type
    if periodic.height == 0:
        return df
    end = pl.col("end_date")
    holder = pl.when(end == end.cum_max()).then(pl.struct("grant_id", "start_date", "end_date"))
    ranked = (
        periodic.select("source_row", *group, "grant_id", "start_date", "end_date")
        .sort([*group, "start_date", "source_row"])
        .with_columns(holder.forward_fill().shift(1).over(group).alias("__prev"))
    )
    what = " and ".join(group)
    prev = pl.col("__prev").struct
    overlapping = ranked.filter(pl.col("start_date") <= prev.field("end_date")).select(
        "source_row",
        pl.format(
            f"overlaps grant {{}} ({{}} to {{}}) of the same {what}",
            prev.field("grant_id"),
            prev.field("start_date"),
            prev.field("end_date"),
        ).alias("__overlap"),
    )
    if overlapping.height == 0:
        return df
    return (
        df.join(overlapping, on="source_row", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce(pl.col("__fail"), _fail("start_date", pl.col("__overlap"))).alias("__fail")
        )
        .drop("__overlap")
    )


def check_duplicates(df: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    """Fail repeats of a key among rows not failed yet; the earliest row is kept."""
    if not spec.key:
        return df
    key = list(spec.key)
    ok = df.filter(pl.col("__fail").is_null()).select("source_row", *key)
    if _strictly_increasing(ok, key):  # the usual sorted export: no repeats, no hashing
        return df
    ok = ok.with_columns(pl.struct(key).is_first_distinct().alias("__first_seen"))
    repeats = ok.filter(~pl.col("__first_seen"))
    if repeats.height == 0:
        return df
    firsts = ok.filter("__first_seen").join(repeats.select(key).unique(), on=key, how="semi")
    firsts = firsts.select(*key, pl.col("source_row").alias("__first"))
    repeats = repeats.join(firsts, on=key).select("source_row", "__first")
    what = " and ".join(key)
    reason = pl.format(f"duplicate {what}, first at row {{}}", pl.col("__first"))
    return (
        df.join(repeats, on="source_row", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("__first").is_not_null())
            .then(_fail(key[-1], reason))
            .otherwise(pl.col("__fail"))
            .alias("__fail")
        )
        .drop("__first")
    )


def _strictly_increasing(df: pl.DataFrame, key: list[str]) -> bool:
    """True when the rows are sorted by the key with no key repeated."""
    if df.height < 2:
        return True
    later = pl.lit(False)
    for name in reversed(key):
        col, prev = pl.col(name), pl.col(name).shift(1)
        later = (col > prev) | ((col == prev) & later)
    return bool(df.select(later.slice(1).all()).item())


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
    raw: RawTable,
    accepted: dict[str, pl.DataFrame],
    rejected: dict[str, pl.Series],
    reference_date: date | None = None,
) -> TableCheck:
    """Every row of one read table accepted or quarantined, references checked against `accepted`.

    `reference_date` is the run date: dates that cannot lie in the future are checked against
    it (None: no such check).
    """
    spec = TABLES[raw.name]
    lf = parse_fields(raw, spec, reference_date)
    df = check_arrival(check_references(lf, spec, accepted, rejected).collect(), spec, accepted)
    df = check_overlaps(check_duplicates(df, spec), spec)
    extra = [c for c in df.columns if c.startswith("x_")] if spec.name == "talents" else []
    columns = ["source_row", *spec.column_names, *extra]
    failed = df.height - df.get_column("__fail").null_count()
    ok = (df.filter(pl.col("__fail").is_null()) if failed else df).select(columns)
    ok, schema_failures = check_schema(coerce_extras(ok, extra), spec)
    rows = _quarantine(df, spec) if failed else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    quarantine = pl.concat([rows, schema_failures]).sort("source_row")
    return TableCheck(ok.drop("source_row"), quarantine)


def coerce_extras(df: pl.DataFrame, extra: list[str]) -> pl.DataFrame:
    """`x_*` columns as Float64 when every value parses as a number, else as read."""
    schema = df.schema  # once, and one pass over all text columns: there may be thousands
    casts = [pl.col(n).cast(pl.Float64) for n in extra if schema[n].is_numeric()]
    text = [n for n in extra if schema[n] == pl.String]
    if text:
        stripped = {n: pl.col(n).str.strip_chars() for n in text}
        numbers = {n: t.cast(pl.Float64, strict=False) for n, t in stripped.items()}
        not_numbers = df.select(
            (numbers[n].is_null() & (stripped[n] != "") & stripped[n].is_not_null()).any().alias(n)
            for n in text
        ).row(0)
        casts += [numbers[n].alias(n) for n, bad in zip(text, not_numbers, strict=True) if not bad]
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
    return pa.Column(dtype, checks, nullable=not c.required)


def table_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema of one validated table (with its `source_row`).

    Key uniqueness is left to `check_duplicates` (which names the first row); pandera's own
    uniqueness check costs 20 s on 40 M contribution rows.
    """
    columns = {"source_row": pa.Column(pl.Int64)}
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
