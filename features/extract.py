"""Finding and reading the files of a registry extract, and parsing its value forms.

Source row numbers count as a spreadsheet shows them: the header is row 1 and the first
data row is row 2, for every format (a Parquet file's first row is row 2 too). Rows whose
every cell is blank are skipped (and counted apart), so they do not shift the numbers.
CSV and xlsx cells are read as text and parsed here; Parquet keeps its own types.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from features.contract import TABLES, ColumnSpec, ExtractError, TableSpec, alias_map

FORMATS: tuple[str, ...] = ("parquet", "csv", "xlsx")
EXCEL_EPOCH = pl.date(1899, 12, 30)
_CHUNK = 64 << 20
_TIME_SUFFIX = r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$"


@dataclass(frozen=True)
class RawTable:
    """One table as read: its file name, frame (with `source_row`) and blank rows skipped."""

    name: str
    file: str
    frame: pl.DataFrame
    blank_rows: int = 0


def find_table_files(data_dir: Path) -> dict[str, Path]:
    """The file of each contract table in the folder; fatal when missing or doubled."""
    if not data_dir.is_dir():
        raise ExtractError.at(str(data_dir), "extract folder does not exist")
    by_table: dict[str, list[Path]] = {}
    for path in sorted(data_dir.iterdir()):
        stem, _, suffix = path.name.lower().rpartition(".")
        if path.is_file() and stem in TABLES and suffix in FORMATS:
            by_table.setdefault(stem, []).append(path)
    for name, paths in by_table.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise ExtractError.at(names, f"two files for table {name}; keep exactly one")
    for name, spec in TABLES.items():
        if spec.required and name not in by_table:
            expected = ", ".join(f"{name}.{fmt}" for fmt in FORMATS)
            raise ExtractError.at(name, f"required table is missing (no {expected})")
    return {name: paths[0] for name, paths in by_table.items()}


def decode_csv(data: bytes, file: str) -> bytes:
    """The CSV's bytes as UTF-8: UTF-8 (with or without BOM) or else GBK/GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        _check_utf8(data)
        return data
    except UnicodeDecodeError as utf8_error:
        if utf8_error.reason == "unexpected end of data":  # UTF-8 all along, cut mid-character
            what = "file is truncated (ends inside a character)"
            raise ExtractError.at(file, what, row=data.count(b"\n") + 1) from None
        try:
            return data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError as gbk_error:
            worst = max(utf8_error.start, gbk_error.start)
            row = data.count(b"\n", 0, worst) + 1
            what = "bytes cannot be decoded as UTF-8 or GBK/GB18030"
            raise ExtractError.at(file, what, row=row) from None


def _check_utf8(data: bytes) -> None:
    """Raise UnicodeDecodeError (offsets in `data`) unless the bytes are UTF-8, in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for offset in range(0, max(len(data), 1), _CHUNK):
        try:
            decoder.decode(view[offset : offset + _CHUNK], final=offset + _CHUNK >= len(data))
        except UnicodeDecodeError as error:
            start = offset + error.start
            raise UnicodeDecodeError("utf-8", data, start, start + 1, error.reason) from None


def _read_csv(path: Path) -> pl.DataFrame:
    data = path.read_bytes()
    if not data.strip():
        raise ExtractError.at(path.name, "file is empty")
    data = decode_csv(data, path.name)
    try:
        frame = pl.read_csv(data, infer_schema=False, raise_if_empty=False)
    except pl.exceptions.PolarsError:
        raise ExtractError.at(
            path.name, "cannot be parsed as CSV (broken quotes or rows)"
        ) from None
    if not data.endswith((b"\n", b"\r")):
        last_line = data.rsplit(b"\n", 1)[-1].decode("utf-8")
        fields = len(next(csv.reader([last_line]), []))
        if fields < frame.width:
            what = f"file is truncated (last row has {fields} of {frame.width} fields)"
            raise ExtractError.at(path.name, what, row=frame.height + 1)
    return frame


def _read_xlsx(path: Path) -> pl.DataFrame:
    if path.stat().st_size == 0:
        raise ExtractError.at(path.name, "file is empty")
    try:
        return pl.read_excel(
            path,
            sheet_id=1,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception:  # fastexcel raises its own error types
        raise ExtractError.at(path.name, "file is truncated or not a valid xlsx workbook") from None


def _read_parquet(path: Path) -> pl.DataFrame:
    if path.stat().st_size == 0:
        raise ExtractError.at(path.name, "file is empty")
    try:
        return pl.read_parquet(path)
    except Exception:
        raise ExtractError.at(path.name, "file is truncated or not a valid Parquet file") from None


def read_table(path: Path, spec: TableSpec) -> RawTable:
    """One table file as read, with `source_row`, clean column names and blank rows skipped."""
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "parquet": _read_parquet}
    frame = reader[path.suffix.lower().lstrip(".")](path)
    names = [c.strip().lstrip("\ufeff").strip().lower() for c in frame.columns]
    for name in names:  # polars renames a repeated CSV header to NAME_duplicated_N
        original = re.sub(r"_duplicated_\d+$", "", name)
        if names.count(name) > 1 or original != name:
            raise ExtractError.at(
                path.name, "appears more than once in the header", column=original
            )
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    for column in spec.columns:
        if column.required and column.name not in frame.columns:
            raise ExtractError.at(path.name, "required column is missing", column=column.name)
    frame = frame.with_row_index("source_row", offset=2).with_columns(
        pl.col("source_row").cast(pl.Int64)
    )
    cells = [c for c in frame.columns if c != "source_row"]
    # Blank rows are rare: look at all cells only where the first cell is blank.
    suspects = frame.filter(_blank(cells[0], frame.schema[cells[0]]))
    blank = suspects.filter(pl.all_horizontal(_blank(c, frame.schema[c]) for c in cells))
    if blank.height:
        frame = frame.filter(~pl.col("source_row").is_in(blank.get_column("source_row").implode()))
    if frame.height == 0 and spec.required:
        raise ExtractError.at(path.name, "table has no rows")
    return RawTable(spec.name, path.name, frame, blank.height)


def read_extract(data_dir: Path) -> dict[str, RawTable]:
    """Every contract table present in the extract folder, read but not yet validated."""
    files = find_table_files(data_dir)
    return {name: read_table(path, TABLES[name]) for name, path in files.items()}


def _blank(name: str, dtype: pl.DataType) -> pl.Expr:
    """A cell that holds nothing: null or only whitespace."""
    if dtype == pl.String:
        return pl.col(name).is_null() | ~pl.col(name).str.contains(r"\S")
    return pl.col(name).is_null()


def _text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A cell as stripped text, blank -> null."""
    col = pl.col(name)
    if dtype == pl.String:
        stripped = col.str.strip_chars()
        return pl.when(stripped != "").then(stripped)
    if dtype == pl.Null:
        return col.cast(pl.String)
    return col.cast(pl.String)


def parse_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """Free text or a key: stripped, blank -> null."""
    return _text(name, dtype).alias(name)


def parse_code(name: str, dtype: pl.DataType, codes: str) -> pl.Expr:
    """An enumeration: the canonical code for a code or Chinese alias, null when unknown."""
    text = _text(name, dtype).str.to_lowercase()
    return text.replace_strict(alias_map(codes), default=None, return_dtype=pl.String).alias(name)


def _excel_serial(value: pl.Expr) -> pl.Expr:
    ok = (value >= 1) & (value <= 2_958_465) & (value == value.floor())
    days = pl.when(ok).then(value).cast(pl.Int64)
    return EXCEL_EPOCH + pl.duration(days=days)


def parse_date(name: str, dtype: pl.DataType) -> pl.Expr:
    """A date from YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, an Excel date cell or serial; else null."""
    col = pl.col(name)
    if dtype == pl.Date:
        return col
    if isinstance(dtype, pl.Datetime):
        return col.dt.date().alias(name)
    if dtype.is_numeric():
        return _excel_serial(col.cast(pl.Float64)).alias(name)
    text = _text(name, dtype).str.replace(_TIME_SUFFIX, "")
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%Y/%m/%d", strict=False),
        pl.when(text.str.contains(r"^\d{8}$")).then(text.str.to_date("%Y%m%d", strict=False)),
        pl.when(text.str.contains(r"^\d{5}(\.0+)?$")).then(
            _excel_serial(text.cast(pl.Float64, strict=False))
        ),
    ).alias(name)


def parse_month(name: str, dtype: pl.DataType) -> pl.Expr:
    """The first day of a month from YYYY-MM, YYYY/MM or any date form; else null."""
    if dtype == pl.String:
        text = _text(name, dtype)
        as_month = pl.coalesce(
            (text + "-01").str.to_date("%Y-%m-%d", strict=False),
            (text + "/01").str.to_date("%Y/%m/%d", strict=False),
        )
        date = pl.when(as_month.is_null()).then(parse_date(name, dtype))
        return pl.coalesce(as_month, date.dt.month_start()).alias(name)
    return parse_date(name, dtype).dt.month_start().alias(name)


def parse_money(name: str, dtype: pl.DataType) -> pl.Expr:
    """An amount in yuan as Float64 (thousands commas allowed); null when not a finite number."""
    if dtype.is_numeric():
        value = pl.col(name).cast(pl.Float64)
        return pl.when(value.is_finite()).then(value).alias(name)
    text = _text(name, dtype).str.replace_all(",", "", literal=True)
    value = text.cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value).alias(name)


def _fast_parser(name: str, dtype: pl.DataType, kind: str) -> pl.Expr | None:
    """The common form alone (cheap on 40 M rows); None when there is no such shortcut."""
    if dtype != pl.String:
        return None
    col = pl.col(name)
    if kind == "date":
        return col.str.to_date("%Y-%m-%d", strict=False)
    if kind == "month":
        return col.str.to_date("%Y-%m", strict=False)
    if kind == "money":
        value = col.cast(pl.Float64, strict=False)
        return pl.when(value.is_finite()).then(value)
    return None


def parse_column(frame: pl.DataFrame, column: ColumnSpec) -> pl.Series:
    """One contract column parsed; the common form is tried first, every form when it misses."""
    name, kind = column.name, column.kind
    dtype = frame.schema[name]
    if kind == "str":
        return frame.select(parse_text(name, dtype)).to_series()
    if kind == "code":
        return frame.select(parse_code(name, dtype, column.codes or name)).to_series()
    fast = _fast_parser(name, dtype, kind)
    if fast is not None:
        parsed = frame.select(fast.alias(name)).to_series()
        if parsed.null_count() == frame.get_column(name).null_count():
            return parsed
    full = {"date": parse_date, "month": parse_month, "money": parse_money}[kind]
    return frame.select(full(name, dtype)).to_series()
